"""The goals of a year's verksamhetsplan: the service, the list, the form and the demo."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgets.models import FiscalYear
from finsam.models import AuditEntry
from finsam.services import ServiceError, StaleEdit
from insatser import demo_goals, services
from insatser.goal_services import goal_delete, goal_save, goals_copy
from insatser.models import Goal, Insats
from members.models import Association

YEAR = 2025


@pytest.fixture
def insats(association):
    return services.insats_save(
        association=association,
        data={"code": "ST", "name": "Samordningsteam", "kind": Insats.INDIVID},
    )


@pytest.fixture
def foreign_insats(other_association):
    return services.insats_save(
        association=other_association,
        data={"code": "GT", "name": "Grannteamet", "kind": Insats.INDIVID},
    )


def _goal(association, **changes) -> Goal:
    data = {"year": YEAR, "area": "individ", "text": "Fler i arbete.", "unit": ""}
    data.update(changes)
    return goal_save(association=association, data=data)


def _url(name: str, association, **kwargs) -> str:
    return reverse(f"insatser:{name}", kwargs={"slug": association.slug, **kwargs})


def _form(**changes) -> dict:
    data = {
        "area": "metoder",
        "text": "100 deltagare på de gemensamma utbildningarna.",
        "target": "1 000,5",
        "unit": "deltagare",
        "result": "",
        "status": "",
        "comment": "",
    }
    data.update(changes)
    return data


# The service


def test_it_saves_a_goal_with_insatser_and_records_it(association, insats, kansli_user):
    goal = goal_save(
        association=association,
        data={"year": YEAR, "area": "individ", "text": "Fler i arbete.", "target": Decimal(40)}
        | {"unit": "procent"},
        insatser=[insats],
        by=kansli_user,
    )
    assert list(goal.insatser.all()) == [insats]
    entry = AuditEntry.objects.get(object_type="insatser.Goal")
    assert entry.action == AuditEntry.CREATE
    assert entry.after["insatser"] == [insats.pk]


def test_it_refuses_an_empty_text(association):
    with pytest.raises(ServiceError, match="Skriv vad målet är"):
        _goal(association, text="   ")


def test_it_refuses_an_insats_of_another_association(association, foreign_insats):
    with pytest.raises(ServiceError, match="annat förbund"):
        goal_save(
            association=association,
            data={"year": YEAR, "area": "individ", "text": "Fler i arbete."},
            insatser=[foreign_insats],
        )
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": Decimal(-1), "unit": "deltagare"}, "negativt"),
        ({"target": Decimal(120), "unit": "procent"}, "mellan 0 och 100"),
        ({"target": Decimal(50), "result": Decimal(101), "unit": "%"}, "mellan 0 och 100"),
        ({"result": Decimal(5), "unit": "deltagare"}, "målvärde"),
        ({"target": Decimal(5)}, "enhet"),
    ],
)
def test_it_refuses_figures_that_do_not_fit(association, changes, message):
    with pytest.raises(ServiceError, match=message):
        _goal(association, **changes)


def test_it_refuses_a_stale_edit(association):
    goal = _goal(association)
    goal_save(association=association, data={"text": "Ny text."}, goal=goal, expected_version=1)
    with pytest.raises(StaleEdit):
        goal_save(association=association, data={"text": "Gammal."}, goal=goal, expected_version=1)
    goal.refresh_from_db()
    assert goal.text == "Ny text."
    assert goal.version == 2


def test_it_refuses_a_closed_year(association):
    goal = _goal(association)
    FiscalYear.objects.create(association=association, year=YEAR, closed_on=datetime.date.today())
    with pytest.raises(ServiceError, match="stängt"):
        _goal(association, text="Ett till.")
    with pytest.raises(ServiceError, match="stängt"):
        goal_save(association=association, data={"text": "Ändrat."}, goal=goal)
    with pytest.raises(ServiceError, match="stängt"):
        goal_delete(goal=goal)
    assert Goal.objects.count() == 1


def test_it_deletes_and_records(association, kansli_user):
    goal = _goal(association)
    goal_delete(goal=goal, by=kansli_user)
    assert not Goal.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.DELETE).count() == 1


# The views


def test_kansli_creates_a_goal_with_a_decimal_comma(kansli_client, association, insats):
    response = kansli_client.post(
        _url("goal_create", association, year=YEAR), _form(insatser=[insats.pk])
    )
    assert response.status_code == 302
    assert response.url == _url("goal_list", association, year=YEAR)
    goal = Goal.objects.get()
    assert (goal.year, goal.area, goal.target) == (YEAR, "metoder", Decimal("1000.50"))
    assert list(goal.insatser.all()) == [insats]


def test_kansli_edits_a_goal_with_its_result(kansli_client, association):
    goal = _goal(association, target=Decimal(40), unit="procent")
    page = kansli_client.get(_url("goal_edit", association, goal_id=goal.pk))
    assert page.status_code == 200
    assert 'data-confirm="' in page.content.decode()
    response = kansli_client.post(
        _url("goal_edit", association, goal_id=goal.pk),
        _form(area="individ", target="40", unit="procent", result="42,5", status="uppnatt")
        | {"version": "1"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.result, goal.status, goal.version) == (Decimal("42.50"), "uppnatt", 2)


def test_a_stale_edit_through_the_form_saves_nothing(kansli_client, association):
    goal = _goal(association)
    goal_save(association=association, data={"text": "Någon annans."}, goal=goal)
    response = kansli_client.post(
        _url("goal_edit", association, goal_id=goal.pk), _form(text="Min.") | {"version": "1"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "har ändrats av någon annan" in content
    assert "Någon annans." in content
    goal.refresh_from_db()
    assert goal.text == "Någon annans."


def test_another_associations_insats_cannot_be_linked(kansli_client, association, foreign_insats):
    response = kansli_client.post(
        _url("goal_create", association, year=YEAR), _form(insatser=[foreign_insats.pk])
    )
    assert response.status_code == 400
    assert not Goal.objects.exists()


def test_a_closed_year_is_refused_through_the_form(kansli_client, association):
    FiscalYear.objects.create(association=association, year=YEAR, closed_on=datetime.date.today())
    response = kansli_client.post(_url("goal_create", association, year=YEAR), _form())
    assert response.status_code == 400
    assert "är stängt" in response.content.decode()
    assert not Goal.objects.exists()


def test_kansli_deletes_a_goal(kansli_client, association):
    goal = _goal(association)
    response = kansli_client.post(
        _url("goal_edit", association, goal_id=goal.pk), {"action": "delete", "version": "1"}
    )
    assert response.status_code == 302
    assert not Goal.objects.exists()


def test_styrelse_reads_but_cannot_post(client, styrelse_user, association):
    goal = _goal(association)
    client.force_login(styrelse_user)
    page = client.get(_url("goal_list", association, year=YEAR))
    assert page.status_code == 200
    assert "Nytt mål" not in page.content.decode()
    assert client.post(_url("goal_create", association, year=YEAR), _form()).status_code == 403
    edit = _url("goal_edit", association, goal_id=goal.pk)
    assert client.post(edit, _form() | {"version": "1"}).status_code == 403
    assert client.post(edit, {"action": "delete"}).status_code == 403
    assert Goal.objects.count() == 1


def test_an_outsider_gets_404(client, outsider, association):
    goal = _goal(association)
    client.force_login(outsider)
    assert client.get(_url("goal_list", association, year=YEAR)).status_code == 404
    assert client.get(_url("goal_edit", association, goal_id=goal.pk)).status_code == 404


def test_another_associations_goal_is_not_found(kansli_client, other_association):
    goal = _goal(other_association)
    response = kansli_client.get(reverse("insatser:goal_edit", args=["testbygden", goal.pk]))
    assert response.status_code == 404


def test_the_index_shows_the_newest_year(kansli_client, association):
    _goal(association, year=2023)
    _goal(association, year=2024, text="Det nyaste målet.")
    response = kansli_client.get(_url("goal_index", association))
    assert response.status_code == 200
    assert response.context["year"] == 2024
    content = response.content.decode()
    assert "Det nyaste målet." in content
    assert _url("goal_list", association, year=2023) in content


def test_the_index_without_goals_offers_a_new_goal(kansli_client, association):
    response = kansli_client.get(_url("goal_index", association))
    assert response.status_code == 200
    assert "Nytt mål" in response.content.decode()


def test_the_list_groups_by_area_and_counts_statuses(kansli_client, association, insats):
    _goal(association, area="finansiell", text="Eget kapital under taket.", status="ej_uppnatt")
    _goal(association, area="individ", text="Fler i arbete.", status="uppnatt")
    _goal(association, area="metoder", text="Fler utbildade.", status="uppnatt")
    goal_save(
        association=association,
        data={"year": YEAR, "area": "individ", "text": "Färre i utanförskap."},
        insatser=[insats],
    )
    response = kansli_client.get(_url("goal_list", association, year=YEAR))
    content = response.content.decode()
    areas = [area["code"] for area in response.context["areas"]]
    assert areas == ["individ", "metoder", "finansiell"]
    counts = {s["code"]: s["count"] for s in response.context["status_counts"]}
    assert counts == {"uppnatt": 2, "delvis": 0, "ej_uppnatt": 1, "ej_bedomt": 1}
    assert content.index("Individinsatser") < content.index("Metoder och arbetssätt")
    assert content.index("Metoder och arbetssätt") < content.index("Finansiella mål")
    assert 'data-status="uppnatt">2<' in content
    assert _url("insats_detail", association, insats_id=insats.pk) in content
    assert "Nytt mål" in content


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_does_a_fixed_number_of_queries(
    kansli_client, association, insats, django_assert_max_num_queries, count
):
    for n in range(count):
        goal_save(
            association=association,
            data={"year": YEAR, "area": Goal.AREAS[n % 5][0], "text": f"Mål {n}."},
            insatser=[insats],
        )
    # One of them asks whether the year is closed (no "Nytt mål" then).
    with django_assert_max_num_queries(8):
        response = kansli_client.get(_url("goal_list", association, year=YEAR))
    assert response.status_code == 200


def test_the_insats_partial_lists_goals(association, insats):
    from django.template.loader import render_to_string

    goal = goal_save(
        association=association,
        data={"year": YEAR, "area": "individ", "text": "Fler i arbete.", "status": "delvis"},
        insatser=[insats],
    )
    html = render_to_string("insatser/_insats_goals.html", {"goals": [goal]})
    assert "Fler i arbete." in html
    assert "Delvis uppnått" in html


# The demo


def test_the_demo_goals_load_once(db):
    call_command("load_demo", verbosity=0)
    demo_goals.load(stdout=io.StringIO())
    vastmanland = Association.objects.get(slug="vastmanland")
    malardalen = Association.objects.get(slug="vastra-malardalen")
    assert Goal.objects.filter(association=malardalen, year=2021).exists()
    assert Goal.objects.filter(association=malardalen, year=2023).exists()
    achieved = Goal.objects.filter(association=vastmanland, year=2024, status=Goal.ACHIEVED)
    assert achieved.count() >= 2
    individ = Goal.objects.get(association=vastmanland, year=2024, area="individ")
    assert individ.insatser.filter(code="ST-SALA").exists()
    before = Goal.objects.count()
    demo_goals.load(stdout=io.StringIO())
    assert Goal.objects.count() == before


# Goals for any year


def test_the_index_opens_any_year_asked_for(kansli_client, association):
    _goal(association, year=2024)
    response = kansli_client.get(_url("goal_index", association) + "?ar=2031")

    assert response.status_code == 200
    assert response.context["year"] == 2031
    content = response.content.decode()
    assert "Inga mål är registrerade för 2031." in content
    assert _url("goal_create", association, year=2031) in content
    assert _url("goal_list", association, year=2024) in content


def test_the_year_picker_offers_next_year(kansli_client, association):
    _goal(association, year=2021)
    next_year = datetime.date.today().year + 1
    content = kansli_client.get(_url("goal_list", association, year=2021)).content.decode()
    assert _url("goal_list", association, year=next_year) in content


def test_a_new_goal_for_a_closed_year_is_refused_before_the_form(kansli_client, association):
    FiscalYear.objects.create(association=association, year=YEAR, closed_on=datetime.date.today())

    listing = kansli_client.get(_url("goal_list", association, year=YEAR)).content.decode()
    assert _url("goal_create", association, year=YEAR) not in listing
    assert "är stängt" in listing

    response = kansli_client.get(_url("goal_create", association, year=YEAR), follow=True)
    assert response.redirect_chain[0][0] == _url("goal_list", association, year=YEAR)
    assert "Räkenskapsåret 2025 är stängt" in response.content.decode()
    assert 'name="text"' not in response.content.decode()


def test_last_years_goals_are_copied_as_a_start(kansli_client, association, insats, kansli_user):
    goal_save(
        association=association,
        data={
            "year": 2024,
            "area": "individ",
            "text": "60 % går vidare till arbete.",
            "target": Decimal(60),
            "unit": "procent",
            "result": Decimal(55),
            "status": "delvis",
            "comment": "Nära.",
        },
        insatser=[insats],
    )
    _goal(association, year=2024, area="finansiell", text="Eget kapital under taket.")
    listing = kansli_client.get(_url("goal_list", association, year=YEAR)).content.decode()
    assert "Kopiera målen från 2024 som start" in listing

    response = kansli_client.post(_url("goal_copy", association, year=YEAR), {"ar": "2024"})

    assert response.status_code == 302
    copied = Goal.objects.filter(year=YEAR).order_by("area")
    assert [g.text for g in copied] == [
        "Eget kapital under taket.",
        "60 % går vidare till arbete.",
    ]
    individ = copied.get(area="individ")
    assert (individ.target, individ.unit) == (Decimal(60), "procent")
    assert individ.result is None and individ.status == "" and individ.comment == ""
    assert list(individ.insatser.all()) == [insats]
    assert Goal.objects.filter(year=2024).count() == 2
    # A second copy would double the goals: refused.
    again = kansli_client.post(
        _url("goal_copy", association, year=YEAR), {"ar": "2024"}, follow=True
    )
    assert "har redan mål" in again.content.decode()
    assert Goal.objects.filter(year=YEAR).count() == 2


def test_copying_into_a_closed_year_is_refused(association):
    _goal(association, year=2024)
    FiscalYear.objects.create(association=association, year=YEAR, closed_on=datetime.date.today())
    with pytest.raises(ServiceError, match="stängt"):
        goals_copy(association=association, from_year=2024, to_year=YEAR)
    assert not Goal.objects.filter(year=YEAR).exists()


def test_the_plan_chapter_is_fed_from_the_goals(association):
    from reporting.documents import plan

    _goal(
        association, year=2026, text="Fler unga i studier.", target=Decimal(40), unit="deltagare"
    )
    chapter = next(s for s in plan(association, 2026).sections if s.anchor == "mal")
    table = chapter.blocks[0]
    assert [r.label for r in table.rows] == ["Fler unga i studier."]
