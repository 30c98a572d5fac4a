"""The kansli's forms for an insats: the insats itself, funding decisions and staffing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from finsam.models import AuditEntry
from finsam.services import ServiceError
from insatser import services
from insatser.models import FundingDecision, Insats, Staffing
from members.models import Member


@pytest.fixture
def insats(association):
    return services.insats_save(
        association=association,
        data={"code": "ST", "name": "Samordningsteam", "kind": Insats.INDIVID},
    )


@pytest.fixture
def granted(insats):
    return services.insats_set_status(insats=insats, status=Insats.BEVILJAD)


def _url(name: str, association, **kwargs) -> str:
    return reverse(f"insatser:{name}", kwargs={"slug": association.slug, **kwargs})


def _form_data(association, **changes) -> dict:
    members = Member.objects.filter(association=association).order_by("sort_order")
    data = {
        "name": "Arbetslivsteamet",
        "code": "ALT",
        "kind": Insats.INDIVID,
        "members": [members[0].pk, members[3].pk],
        "purpose": "Fler i arbete.",
        "target_group": "Unga vuxna 18–29 år.",
        "steering_group": "Chefer från FK, AF och kommunen.",
        "start": "2025-01-01",
        "end": "2026-12-31",
        "capacity": "110",
        "published": "on",
    }
    data.update(changes)
    return data


def _content(response) -> str:
    return response.content.decode()


# The insats form


def test_the_list_and_detail_link_to_the_forms_for_kansli(kansli_client, association, granted):
    insats = granted
    assert _url("insats_create", association) in _content(
        kansli_client.get(_url("index", association))
    )
    detail = kansli_client.get(_url("insats_detail", association, insats_id=insats.id))
    assert _url("insats_edit", association, insats_id=insats.id) in _content(detail)
    assert _url("decision_add", association, insats_id=insats.id) in _content(detail)
    assert _url("staffing_add", association, insats_id=insats.id) in _content(detail)


def test_the_board_sees_no_links_to_the_forms(client, styrelse_user, association, insats):
    client.force_login(styrelse_user)
    page = _content(client.get(_url("insats_detail", association, insats_id=insats.id)))
    assert _url("insats_edit", association, insats_id=insats.id) not in page
    assert _url("decision_add", association, insats_id=insats.id) not in page
    assert _url("insats_create", association) not in _content(
        client.get(_url("index", association))
    )


def test_it_creates_an_insats(kansli_client, association):
    page = kansli_client.get(_url("insats_create", association))
    assert page.status_code == 200
    assert 'type="checkbox"' in _content(page)

    response = kansli_client.post(_url("insats_create", association), _form_data(association))

    insats = Insats.objects.get(code="ALT")
    assert response.status_code == 302
    assert response["Location"] == _url("insats_detail", association, insats_id=insats.id)
    assert insats.association == association
    assert insats.status == Insats.ANSOKAN
    assert insats.capacity == 110
    assert insats.published
    assert insats.steering_group == "Chefer från FK, AF och kommunen."
    assert sorted(m.name for m in insats.members.all()) == [
        "Försäkringskassan",
        "Köpings kommun",
    ]
    assert AuditEntry.objects.filter(
        object_type="insatser.Insats", action=AuditEntry.CREATE
    ).exists()


def test_it_edits_an_insats(kansli_client, association, insats):
    url = _url("insats_edit", association, insats_id=insats.id)
    assert f'name="version" value="{insats.version}"' in _content(kansli_client.get(url))

    response = kansli_client.post(
        url, _form_data(association, code="ST", version=insats.version, published="")
    )

    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.name == "Arbetslivsteamet"
    assert insats.version == 2
    assert not insats.published
    assert insats.members.count() == 2


def test_a_stale_edit_is_refused_and_saves_nothing(kansli_client, association, insats):
    old_version = insats.version
    services.insats_save(
        association=association,
        data={"name": "Ändrad av någon annan"},
        insats=insats,
        expected_version=old_version,
    )

    response = kansli_client.post(
        _url("insats_edit", association, insats_id=insats.id),
        _form_data(association, code="ST", version=old_version),
    )

    assert response.status_code == 400
    assert "har ändrats av någon annan" in _content(response)
    assert "Det som nu är sparat" in _content(response)
    assert "Ändrad av någon annan" in _content(response)
    insats.refresh_from_db()
    assert insats.name == "Ändrad av någon annan"
    assert insats.members.count() == 0


def test_an_end_before_the_start_is_refused(kansli_client, association):
    response = kansli_client.post(
        _url("insats_create", association),
        _form_data(association, start="2026-01-01", end="2025-12-31"),
    )

    assert response.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum." in _content(response)
    assert not Insats.objects.exists()


def test_a_duplicate_code_is_refused_in_swedish(kansli_client, association, insats):
    response = kansli_client.post(
        _url("insats_create", association), _form_data(association, code="ST")
    )

    assert response.status_code == 400
    assert "Kortkoden ST används redan." in _content(response)
    assert Insats.objects.count() == 1


def test_a_member_of_another_association_cannot_be_chosen(
    kansli_client, association, other_association
):
    foreign = Member.objects.get(association=other_association)
    page = _content(kansli_client.get(_url("insats_create", association)))
    assert "Grannkommun" not in page

    response = kansli_client.post(
        _url("insats_create", association), _form_data(association, members=[foreign.pk])
    )

    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in _content(response)
    assert not Insats.objects.exists()


@pytest.mark.parametrize("name", ["insats_create", "insats_edit"])
def test_the_board_cannot_save_an_insats(client, styrelse_user, association, insats, name):
    client.force_login(styrelse_user)
    kwargs = {"insats_id": insats.id} if name == "insats_edit" else {}

    response = client.post(_url(name, association, **kwargs), _form_data(association))

    assert response.status_code == 403
    assert Insats.objects.get().name == "Samordningsteam"


def test_another_associations_kansli_cannot_reach_the_forms(client, outsider, association, insats):
    client.force_login(outsider)

    edit = client.post(
        _url("insats_edit", association, insats_id=insats.id), _form_data(association)
    )
    create = client.post(_url("insats_create", association), _form_data(association))

    assert edit.status_code == create.status_code == 404
    assert Insats.objects.get().name == "Samordningsteam"


# Funding decisions


def test_it_adds_a_funding_decision(kansli_client, association, granted):
    response = kansli_client.post(
        _url("decision_add", association, insats_id=granted.id),
        {"decided_on": "2025-02-14", "paragraph": "§ 7", "year": "2025", "amount": "1 500 000"},
    )

    assert response.status_code == 302
    decision = FundingDecision.objects.get()
    assert decision.amount == Decimal("1500000")
    assert decision.paragraph == "§ 7"
    page = _content(kansli_client.get(_url("insats_detail", association, insats_id=granted.id)))
    assert "§ 7" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "är inget belopp"),
        ("-5", "Beloppet måste vara större än noll."),
        ("0", "Beloppet måste vara större än noll."),
        ("", "Ange ett belopp."),
    ],
)
def test_an_impossible_amount_is_refused_and_nothing_is_saved(
    kansli_client, association, granted, amount, message
):
    response = kansli_client.post(
        _url("decision_add", association, insats_id=granted.id),
        {"decided_on": "2025-02-14", "paragraph": "§ 7", "year": "2025", "amount": amount},
    )

    assert response.status_code == 400
    assert message in _content(response)
    assert not FundingDecision.objects.exists()


def test_a_decision_for_an_application_is_refused(kansli_client, association, insats):
    response = kansli_client.post(
        _url("decision_add", association, insats_id=insats.id),
        {"decided_on": "2025-02-14", "year": "2025", "amount": "100 000"},
        follow=True,
    )

    assert "beviljad eller pågående" in _content(response)
    assert not FundingDecision.objects.exists()


def test_the_board_cannot_add_a_decision(client, styrelse_user, association, granted):
    client.force_login(styrelse_user)

    response = client.post(
        _url("decision_add", association, insats_id=granted.id),
        {"decided_on": "2025-02-14", "year": "2025", "amount": "100 000"},
    )

    assert response.status_code == 403
    assert not FundingDecision.objects.exists()


def test_the_service_refuses_a_zero_amount(granted):
    with pytest.raises(ServiceError, match="större än noll"):
        services.funding_decision_add(
            insats=granted,
            decided_on="2025-02-14",
            paragraph="",
            year=2025,
            amount=Decimal(0),
        )


# Staffing


def test_it_adds_staffing_shown_to_everyone_with_read_access(
    kansli_client, client, styrelse_user, association, insats
):
    response = kansli_client.post(
        _url("staffing_add", association, insats_id=insats.id),
        {"role": "Coach", "count": "3", "percent": "75,5"},
    )

    assert response.status_code == 302
    row = Staffing.objects.get()
    assert (row.role, row.count, row.percent) == ("Coach", 3, Decimal("75.5"))
    assert AuditEntry.objects.filter(
        object_type="insatser.Staffing", action=AuditEntry.CREATE
    ).exists()
    client.force_login(styrelse_user)
    page = _content(client.get(_url("insats_detail", association, insats_id=insats.id)))
    assert "Coach" in page
    assert "75,50 %" in page
    assert _url("staffing_delete", association, insats_id=insats.id) not in page


@pytest.mark.parametrize(
    ("count", "percent", "message"),
    [
        ("1", "120", "mellan 0 och 100 procent"),
        ("1", "-1", "mellan 0 och 100 procent"),
        ("0", "50", "Antalet måste vara minst 1."),
    ],
)
def test_impossible_staffing_is_refused(
    kansli_client, association, insats, count, percent, message
):
    response = kansli_client.post(
        _url("staffing_add", association, insats_id=insats.id),
        {"role": "Coach", "count": count, "percent": percent},
    )

    assert response.status_code == 400
    assert message in _content(response)
    assert not Staffing.objects.exists()


@pytest.mark.parametrize(
    ("count", "percent", "message"),
    [(1, Decimal(120), "mellan 0 och 100 procent"), (0, Decimal(50), "minst 1")],
)
def test_the_service_refuses_impossible_staffing(insats, count, percent, message):
    with pytest.raises(ServiceError, match=message):
        services.staffing_save(insats=insats, role="Coach", count=count, percent=percent)
    assert not Staffing.objects.exists()


def test_it_deletes_a_staffing_row(kansli_client, association, insats):
    row = services.staffing_save(insats=insats, role="Coach", count=2, percent=Decimal(100))
    page = _content(kansli_client.get(_url("insats_detail", association, insats_id=insats.id)))
    assert 'data-confirm="Ta bort Coach ur bemanningen?"' in page

    response = kansli_client.post(
        _url("staffing_delete", association, insats_id=insats.id), {"staffing": row.id}
    )

    assert response.status_code == 302
    assert not Staffing.objects.exists()
    assert AuditEntry.objects.filter(
        object_type="insatser.Staffing", action=AuditEntry.DELETE
    ).exists()


def test_the_board_cannot_delete_staffing(client, styrelse_user, association, insats):
    row = services.staffing_save(insats=insats, role="Coach", count=2, percent=Decimal(100))
    client.force_login(styrelse_user)

    response = client.post(
        _url("staffing_delete", association, insats_id=insats.id), {"staffing": row.id}
    )

    assert response.status_code == 403
    assert Staffing.objects.exists()


def test_a_row_of_another_insats_is_not_found(kansli_client, association, insats):
    other = services.insats_save(
        association=association, data={"code": "X", "name": "Annan", "kind": Insats.STRUKTUR}
    )
    row = services.staffing_save(insats=other, role="Coach", count=1, percent=Decimal(50))

    response = kansli_client.post(
        _url("staffing_delete", association, insats_id=insats.id), {"staffing": row.id}
    )

    assert response.status_code == 404
    assert Staffing.objects.exists()


def test_the_steering_group_is_shown_on_the_detail_page(
    client, styrelse_user, association, insats
):
    services.insats_save(
        association=association, data={"steering_group": "Chefsgruppen"}, insats=insats
    )
    client.force_login(styrelse_user)

    page = _content(client.get(_url("insats_detail", association, insats_id=insats.id)))

    assert "Styrgrupp" in page
    assert "Chefsgruppen" in page


# The insats's own period


@pytest.fixture
def running(association):
    insats = services.insats_save(
        association=association,
        data={
            "code": "JF",
            "name": "JobbFokus",
            "kind": Insats.INDIVID,
            "start": datetime.date(2021, 3, 1),
            "end": datetime.date(2023, 12, 31),
        },
    )
    return services.insats_set_status(insats=insats, status=Insats.BEVILJAD)


def test_a_decision_outside_the_period_is_refused_on_the_year_field(
    kansli_client, association, running
):
    response = kansli_client.post(
        _url("decision_add", association, insats_id=running.id),
        {"decided_on": "2022-02-14", "year": "2030", "amount": "-5"},
    )

    page = _content(response)
    assert response.status_code == 400
    # Both errors at once, each on its field.
    assert 'id="year-error"' in page
    assert "2030 ligger utanför insatsens period (2021–2023)." in page
    assert 'id="amount-error"' in page
    assert "större än noll" in page
    assert not FundingDecision.objects.exists()


def test_the_service_refuses_a_decision_outside_the_period(running):
    with pytest.raises(ServiceError, match="utanför insatsens period") as refused:
        services.funding_decision_add(
            insats=running,
            decided_on=datetime.date(2022, 2, 14),
            paragraph="",
            year=2024,
            amount=Decimal(1000),
        )
    assert refused.value.field == "year"


def test_the_participant_links_are_the_insats_own_years(kansli_client, association, running):
    page = _content(kansli_client.get(_url("insats_detail", association, insats_id=running.id)))

    for year in (2021, 2022, 2023):
        link = _url("stats_edit", association, insats_id=running.id, year=year)
        assert page.count(f'href="{link}"') == 1
        assert f"Registrera deltagare {year}" in page
    this_year = datetime.date.today().year
    assert _url("stats_edit", association, insats_id=running.id, year=this_year) not in page


def test_participants_outside_the_period_are_refused(kansli_client, association, running):
    response = kansli_client.post(
        _url("stats_edit", association, insats_id=running.id, year=2030),
        {"women_new": "1", "men_new": "0", "women_ended": "0", "men_ended": "0"},
        follow=True,
    )

    assert "ligger utanför insatsens period (2021–2023)" in _content(response)
    assert not running.participant_stats.exists()
    with pytest.raises(ServiceError, match="utanför insatsens period"):
        services.participant_stats_save(
            insats=running,
            year=2020,
            counts={"women_new": 1, "men_new": 0, "women_ended": 0, "men_ended": 0},
            reasons={},
        )


def test_an_ended_insats_hides_the_decision_and_staffing_forms(
    kansli_client, association, running
):
    services.insats_set_status(insats=running, status=Insats.PAGAENDE)
    ended = services.insats_set_status(
        insats=Insats.objects.get(pk=running.pk), status=Insats.AVSLUTAD
    )

    page = _content(kansli_client.get(_url("insats_detail", association, insats_id=ended.id)))

    assert _url("decision_add", association, insats_id=ended.id) not in page
    assert _url("staffing_add", association, insats_id=ended.id) not in page
    assert "bemanningen ändras inte längre" in page
    response = kansli_client.post(
        _url("staffing_add", association, insats_id=ended.id),
        {"role": "Coach", "count": "1", "percent": "100"},
        follow=True,
    )
    assert "bemanningen kan inte längre ändras" in _content(response)
    assert not Staffing.objects.filter(insats=ended).exists()


def test_the_insats_form_shows_every_error_at_once(kansli_client, association, insats):
    response = kansli_client.post(
        _url("insats_create", association),
        _form_data(association, code="ST", start="2026-01-01", end="2025-01-01", name=""),
    )

    page = _content(response)
    assert response.status_code == 400
    assert "Kortkoden ST används redan." in page
    assert "Slutdatum kan inte ligga före startdatum." in page
    assert 'id="name-error"' in page


def test_the_participants_form_is_a_table_and_shows_every_problem(
    kansli_client, association, running
):
    url = _url("stats_edit", association, insats_id=running.id, year=2022)
    page = _content(kansli_client.get(url))
    assert "<caption>Deltagare 2022</caption>" in page
    assert '<th scope="col" class="num">Kvinnor</th><th scope="col" class="num">Män</th>' in page

    response = kansli_client.post(
        url,
        {
            "women_total": "10",
            "men_total": "5",
            "women_new": "12",
            "men_new": "1",
            "women_ended": "3",
            "men_ended": "2",
            "women_ongoing": "4",
            "men_ongoing": "3",
        },
    )

    page = _content(response)
    assert response.status_code == 400
    assert "avslutade (3) och pågående (4) blir 7, men totalt står det 10" in page
    assert "fler nya (12) än totalt (10)" in page
    assert not running.participant_stats.exists()


def test_an_insats_without_a_period_offers_its_years_with_money_and_the_next():
    insats = Insats(name="Utan period", code="UP", kind=Insats.INDIVID)
    assert insats.own_years(2026) == [2026, 2027]
    assert insats.own_years(2026, {2024}) == [2024, 2025, 2026, 2027]
    started = Insats(
        name="Från 2025", code="FR", kind=Insats.INDIVID, start=datetime.date(2025, 5, 1)
    )
    assert started.own_years(2026) == [2025, 2026, 2027]
    ended = Insats(name="Slut", code="SL", kind=Insats.INDIVID, end=datetime.date(2024, 6, 30))
    assert ended.own_years(2026, {2023}) == [2023, 2024]


def test_a_decision_far_beyond_its_budget_and_plan_is_refused(kansli_client, association, granted):
    # An insats without an end: the years a board can decide for still bound it.
    response = kansli_client.post(
        _url("decision_add", association, insats_id=granted.id),
        {"decided_on": "2025-02-14", "year": "2030", "amount": "100 000"},
    )

    assert response.status_code == 400
    assert "Ett beslut från 2025 kan gälla åren 2024–2028, inte 2030." in _content(response)
    assert not FundingDecision.objects.exists()
    with pytest.raises(ServiceError, match="2024–2028"):
        services.funding_decision_add(
            insats=granted,
            decided_on=datetime.date(2025, 2, 14),
            paragraph="",
            year=2030,
            amount=Decimal(1000),
        )
