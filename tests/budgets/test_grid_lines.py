"""A budget line added from the grid itself, and the state's line filled with the
state's half of the allocation like every member's line."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budgets import services
from budgets.models import BudgetLine
from finsam.models import AuditEntry
from finsam.services import ServiceError
from members.services import allocation_save

URL = "/testbygden/budget/2026/ny-post/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def budget(association):
    services.budget_create(association=association, year=2026)
    members = {m.name: m.id for m in association.members.all()}
    allocation_save(
        association=association,
        year=2026,
        amount=Decimal(3_000_000),
        decided_on=None,
        key_basis="procent",
        weights={members["Köpings kommun"]: Decimal(100)},
    )
    return association.budgets.get(year=2026)


def _row(html: str, name: str) -> str:
    match = re.search(rf"<tr><th scope=\"row\">{re.escape(name)}.*?</tr>", html, re.S)
    assert match, f"no row {name}"
    return match[0]


def test_the_grid_offers_a_new_line_with_the_state_flag(kansli_client, budget):
    page = kansli_client.get("/testbygden/budget/2026/").content.decode()
    assert "Ny budgetpost" in page and 'name="state"' in page
    assert f'hx-post="{URL}"' in page


def test_a_state_line_added_from_the_grid_takes_the_states_half(kansli_client, budget):
    response = kansli_client.post(
        URL, {"name": "Staten (AF+FK)", "group": BudgetLine.CONTRIBUTION, "state": "on"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="grid-area">')  # the grid, not a new page
    assert "Budgetposten Staten (AF+FK) är tillagd." in html
    assert "3\u00a0000\u00a0000" in _row(html, "Staten (AF+FK)")
    line = BudgetLine.objects.get(name="Staten (AF+FK)")
    assert line.state and line.member_id is None
    assert AuditEntry.objects.filter(object_type="budgets.BudgetLine").count() == 1


def test_member_lines_and_the_state_line_make_the_whole_allocation(kansli_client, budget):
    association = budget.association
    for name in ("Region Testland", "Köpings kommun"):
        member = association.members.get(name=name)
        kansli_client.post(
            URL, {"name": name, "group": BudgetLine.CONTRIBUTION, "member": member.pk}, **HTMX
        )
    html = kansli_client.post(
        URL, {"name": "Staten (AF+FK)", "group": BudgetLine.CONTRIBUTION, "state": "on"}, **HTMX
    ).content.decode()
    assert "6\u00a0000\u00a0000" in re.search(r'id="sum-bidrag".*?</tr>', html, re.S)[0]


def test_without_javascript_the_grid_comes_back(kansli_client, budget):
    response = kansli_client.post(URL, {"name": "Lokaler", "group": BudgetLine.ADMINISTRATION})
    assert response.status_code == 302 and response["Location"] == "/testbygden/budget/2026/"
    assert "Lokaler" in kansli_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"group": BudgetLine.CONTRIBUTION, "state": "on", "member": "MEMBER"}, "inte båda"),
        ({"group": BudgetLine.ADMINISTRATION, "state": "on"}, "gruppen Medlemsbidrag"),
        ({"group": BudgetLine.CONTRIBUTION, "state": "on", "name": "Staten igen"}, "fylls redan"),
        ({"group": BudgetLine.CONTRIBUTION, "member": "MEMBER", "name": "Köping"}, "fylls redan"),
        ({"group": BudgetLine.CONTRIBUTION, "name": ""}, "Detta fält måste fyllas i"),
    ],
)
def test_a_bad_line_is_refused_on_the_form_and_nothing_is_added(
    kansli_client, budget, data, message
):
    association = budget.association
    member = association.members.get(name="Köpings kommun")
    services.budget_line_save(
        association=association,
        data={"name": "Staten (AF+FK)", "group": BudgetLine.CONTRIBUTION, "state": True},
    )
    services.budget_line_save(
        association=association,
        data={"name": "Köpings kommun", "group": BudgetLine.CONTRIBUTION, "member": member},
    )
    posted = {"name": "Ny rad", **data}
    if posted.get("member") == "MEMBER":
        posted["member"] = member.pk
    before = BudgetLine.objects.count()
    response = kansli_client.post(URL, posted, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert '<details class="add-line" open>' in html  # the form stays open with its errors
    assert BudgetLine.objects.count() == before
    assert kansli_client.post(URL, posted).status_code == 400  # and without htmx


def test_a_service_call_with_both_is_refused(association):
    member = association.members.get(name="Köpings kommun")
    with pytest.raises(ServiceError, match="inte båda"):
        services.budget_line_save(
            association=association,
            data={"name": "X", "group": BudgetLine.CONTRIBUTION, "state": True, "member": member},
        )


def test_a_board_member_cannot_add_lines(client, styrelse_user, budget):
    client.force_login(styrelse_user)
    assert client.post(URL, {"name": "X", "group": BudgetLine.ADMINISTRATION}).status_code == 403
    assert 'name="state"' not in client.get("/testbygden/budget/2026/").content.decode()
