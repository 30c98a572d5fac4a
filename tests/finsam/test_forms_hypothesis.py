"""Whatever arrives at a form, the answer is a clear message or a correct save: never a
500 and never a partial save. Hypothesis posts generated data to the real views through
the Django test client; after every answer that is not a save, the association's whole
data (its export) must be exactly as before; after a save, the pages and exports that
show the data must still answer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import services as budget_services
from budgets.models import BalanceLine, BudgetLine
from finsam.money import AmountError, parse_amount
from finsam.transfer import export_association
from insatser.models import Activity, EndReason, Goal, Insats
from members.models import Appointment, Member, StateAllocation

SPECIAL = [
    "",
    "0",
    "1",
    "-1",
    "2024",
    "2024-01-15",
    "2024-02-30",
    "999 999 999 999,99",
    "-999 999 999 999,99",
    "1 000 000 000 000",
    "1e30",
    "NaN",
    "-inf",
    "\x00",
    "a\x1bb",
    "rad\nrad",
    "Samverkan <SIP> för unga",
    '=HYPERLINK("https://x.example","Klicka")',
    "x" * 250,
    "9" * 5000,
    str(2**31),
    str(2**63),
    "²",
    "§ 12",
    "on",
]

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
VALUE = st.one_of(
    st.sampled_from(SPECIAL),
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)


def _choice(options) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([str(o) for o in options]), VALUE)


def _form(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Each field present or missing, with a valid-looking or hostile value."""
    return st.fixed_dictionaries({}, optional=fields)


@pytest.fixture
def world(association, kansli_user):
    version = budget_services.budget_create(association=association, year=2024)
    line = BudgetLine.objects.create(
        association=association, name="Lokalhyra", group=BudgetLine.ADMINISTRATION
    )
    individ = Insats.objects.create(
        association=association,
        name="Steget",
        code="ST",
        kind=Insats.INDIVID,
        status=Insats.PAGAENDE,
    )
    struktur = Insats.objects.create(
        association=association,
        name="Nätverket",
        code="NV",
        kind=Insats.STRUKTUR,
        status=Insats.PAGAENDE,
    )
    members = list(association.members.all())
    return {
        "association": association,
        "version": version,
        "line": line,
        "individ": individ,
        "struktur": struktur,
        "members": members,
        "municipalities": [m for m in members if m.kind == Member.KOMMUN],
    }


def _forms(world) -> dict[str, tuple[str, st.SearchStrategy]]:
    individ, struktur = world["individ"].pk, world["struktur"].pk
    member_ids = [m.pk for m in world["members"]]
    return {
        "budget line": (
            "/testbygden/budget/poster/ny/",
            _form(
                {
                    "name": VALUE,
                    "group": _choice(k for k, _ in BudgetLine.GROUPS),
                    "member": _choice(member_ids),
                    "category": VALUE,
                    "next": VALUE,
                }
            ),
        ),
        "grid line": (
            "/testbygden/budget/2024/ny-post/",
            _form(
                {
                    "name": VALUE,
                    "group": _choice(k for k, _ in BudgetLine.GROUPS),
                    "member": _choice(member_ids),
                    "state": st.sampled_from(["on", ""]),
                    "insats": _choice([individ, struktur]),
                    "category": VALUE,
                }
            ),
        ),
        "invitation": (
            "/testbygden/behorigheter/",
            _form(
                {
                    "email": st.one_of(st.sampled_from(["ny@kommun.se", "x@y"]), VALUE),
                    "role": _choice(["kansli", "styrelse", "revisor", "superuser"]),
                }
            ),
        ),
        "goal": (
            "/testbygden/insatser/mal/2024/nytt/",
            _form(
                {
                    "area": _choice(k for k, _ in Goal.AREAS),
                    "text": VALUE,
                    "target": VALUE,
                    "unit": VALUE,
                    "result": VALUE,
                    "status": _choice(k for k, _ in Goal.STATUSES),
                    "comment": VALUE,
                    "insatser": _choice([individ]),
                    "version": VALUE,
                }
            ),
        ),
        "insats": (
            "/testbygden/insatser/ny/",
            _form(
                {
                    "name": VALUE,
                    "code": VALUE,
                    "kind": _choice(k for k, _ in Insats.KINDS),
                    "members": _choice(member_ids),
                    "purpose": VALUE,
                    "target_group": VALUE,
                    "start": VALUE,
                    "end": VALUE,
                    "capacity": VALUE,
                    "version": VALUE,
                }
            ),
        ),
        "funding decision": (
            f"/testbygden/insatser/{individ}/beslut/",
            _form({"decided_on": VALUE, "paragraph": VALUE, "year": VALUE, "amount": VALUE}),
        ),
        "staffing": (
            f"/testbygden/insatser/{individ}/bemanning/",
            _form({"role": VALUE, "count": VALUE, "percent": VALUE}),
        ),
        "activity": (
            f"/testbygden/insatser/{struktur}/aktiviteter/",
            _form(
                {
                    "date": VALUE,
                    "title": VALUE,
                    "kind": _choice(k for k, _ in Activity.KINDS),
                    "attendees": VALUE,
                }
            ),
        ),
        "participants": (
            f"/testbygden/insatser/{individ}/deltagare/2024/",
            _form(
                {
                    **{
                        f"{g}_{k}": VALUE
                        for g in ("women", "men")
                        for k in ("total", "new", "ended", "ongoing")
                    },
                    **{f"reason_{r}_women": VALUE for r, _ in EndReason.REASONS[:3]},
                    "version": VALUE,
                }
            ),
        ),
        "balance line": (
            "/testbygden/bokslut/2024/balanser/",
            _form(
                {
                    "item": _choice(k for k, _ in BalanceLine.ITEMS),
                    "label": VALUE,
                    "amount": VALUE,
                }
            ),
        ),
        "year end": (
            "/testbygden/bokslut/2024/uppgifter/",
            _form(
                {
                    "version": VALUE,
                    "equity_opening": VALUE,
                    "capital_contribution": VALUE,
                    "realisation_gains": VALUE,
                    "employees": VALUE,
                }
            ),
        ),
        "allocation": (
            "/testbygden/bidrag/nytt/",
            _form(
                {
                    "version": VALUE,
                    "year": VALUE,
                    "amount": VALUE,
                    "decided_on": VALUE,
                    "key_basis": _choice(k for k, _ in StateAllocation.KEY_BASES),
                    "note": VALUE,
                    **{f"weight_{m.pk}": VALUE for m in world["municipalities"]},
                }
            ),
        ),
        "person": (
            "/testbygden/organisation/personer/ny/",
            _form(
                {
                    "name": VALUE,
                    "title": VALUE,
                    "organisation": VALUE,
                    "email": VALUE,
                    "phone": VALUE,
                    "version": VALUE,
                }
            ),
        ),
        "appointment": (
            "/testbygden/organisation/uppdrag/nytt/",
            _form(
                {
                    "person": VALUE,
                    "role": _choice(k for k, _ in Appointment.ROLES),
                    "appointed_by": _choice(member_ids),
                    "start": VALUE,
                    "end": VALUE,
                    "version": VALUE,
                }
            ),
        ),
        "association": (
            "/testbygden/forbund/andra/",
            _form(
                {
                    "name": VALUE,
                    "short_name": VALUE,
                    "orgnr": VALUE,
                    "email": VALUE,
                    "website": VALUE,
                    "vision": VALUE,
                    "founded": VALUE,
                    "version": st.just("1"),
                }
            ),
        ),
        "forecast": (
            "/testbygden/budget/2024/prognos/",
            _form({f"line-{world['line'].pk}": VALUE, "made_on": VALUE}),
        ),
        "outcome": (
            "/testbygden/budget/2024/utfall/",
            _form({f"line-{world['line'].pk}": VALUE, "month": VALUE}),
        ),
        "budget grid": (
            "/testbygden/budget/2024/spara/",
            _form(
                {
                    **{f"cell-{world['line'].pk}-{o}": VALUE for o in range(3)},
                    **{f"v-{world['line'].pk}-{o}": VALUE for o in range(3)},
                }
            ),
        ),
        "member": (
            "/testbygden/medlemmar/ny/",
            _form(
                {
                    "kind": _choice(k for k, _ in Member.KINDS),
                    "name": VALUE,
                    "orgnr": VALUE,
                    "joined": VALUE,
                    "left": VALUE,
                    "sort_order": VALUE,
                    "version": VALUE,
                }
            ),
        ),
        "narrative text": (
            "/testbygden/dokument/verksamhetsplan/2024/texter/",
            _form(
                {
                    "key": _choice(["inledning", "bakgrund"]),
                    "body": VALUE,
                    "version": VALUE,
                    "action": _choice(["save", "copy"]),
                }
            ),
        ),
    }


def _data(world) -> list:
    document = export_association(world["association"].slug)
    return document["tables"]


def _still_shown(client) -> None:
    """After a save the pages and exports showing the data still answer."""
    for url in (
        "/testbygden/",
        "/testbygden/budget/2024/",
        "/testbygden/budget/2024/excel/",
        "/testbygden/insatser/",
        "/testbygden/insatser/mal/2024/",
        "/testbygden/bokslut/2024/",
        "/testbygden/dokument/verksamhetsplan/2024/",
        "/testbygden/dokument/verksamhetsplan/2024/xlsx/",
        "/testbygden/resultat/",
    ):
        assert client.get(url).status_code in (200, 404), url


FORM_NAMES = [
    "budget line",
    "grid line",
    "invitation",
    "goal",
    "insats",
    "funding decision",
    "staffing",
    "activity",
    "participants",
    "balance line",
    "year end",
    "allocation",
    "person",
    "appointment",
    "association",
    "narrative text",
    "forecast",
    "outcome",
    "budget grid",
    "member",
]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_a_form_answers_with_a_message_or_a_whole_save(kansli_client, world, name):
    url, strategy = _forms(world)[name]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=strategy)
    def post(data):
        before = _data(world)
        response = kansli_client.post(url, data)
        assert response.status_code in (200, 302, 400, 404), (response.status_code, data)
        if response.status_code == 302:
            _still_shown(kansli_client)
        else:
            assert _data(world) == before, f"a refused post changed data: {data!r}"

    post()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=VALUE, offset=st.one_of(st.sampled_from(["0", "1", "2"]), VALUE))
def test_a_budget_cell_saves_exactly_what_parses_or_nothing(kansli_client, world, typed, offset):
    line = world["line"]
    before = _data(world)
    response = kansli_client.post(
        "/testbygden/budget/2024/cell/",
        {
            "line": str(line.pk),
            "offset": offset,
            "cell_version": "0",
            f"cell-{line.pk}-{offset}": typed,
        },
    )
    if len(offset.encode()) > 900:
        # A field name past Django's 1 KB limit for a part's headers is a malformed
        # request: Django's own 400 ("Felaktig begäran"), nothing read.
        assert response.status_code in (200, 400, 404)
        assert _data(world) == before
        return
    assert response.status_code in (200, 404)
    try:
        amount = parse_amount(typed, allow_empty=True)
    except AmountError:
        assert _data(world) == before
        if response.status_code == 200:
            assert "belopp" in response.content.decode().lower()
        return
    if response.status_code == 200 and offset in ("0", "1", "2"):
        saved = line.amounts.filter(offset=int(offset)).first()
        assert (saved.amount if saved else None) == amount or _data(world) == before
