"""Budgets: totals as the documents print them, versions, stale edits, closed years."""

from __future__ import annotations

import datetime
import tomllib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from budgets import services
from budgets.models import Actual, Budget, BudgetAmount, BudgetLine, FiscalYear
from budgets.selectors import budget_grid, insats_money
from finsam.services import ServiceError, StaleEdit
from insatser.models import Insats
from members.models import Association
from tests.decisions import decide


def url(name: str, **kwargs) -> str:
    return reverse(f"budgets:{name}", kwargs={"slug": "testbygden", **kwargs})


@pytest.fixture
def draft(association):
    version = services.budget_create(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    return version, line


def test_the_demo_budgets_give_the_printed_totals(db):
    call_command("load_demo", verbosity=0)
    vm = budget_grid(budget=Budget.objects.get(association__slug="vastra-malardalen", year=2023))
    totals = {g.key: g.totals()[0] for g in vm.groups}
    assert vm.income[0] == Decimal("3000000")
    assert totals["administration"] == Decimal("871000")
    assert totals["insats"] == Decimal("2576000")
    assert vm.result[0] == Decimal("-447000")
    assert vm.version.is_decided and vm.version.decided_on == datetime.date(2022, 11, 24)
    vml = budget_grid(budget=Budget.objects.get(association__slug="vastmanland", year=2024))
    assert vml.income[0] == Decimal("19038000")
    assert vml.costs[0] == Decimal("20983000")
    assert vml.result[0] == Decimal("-1945000")


def test_a_decided_version_refuses_every_change(draft, kansli_client):
    version, line = draft
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(100), expected_version=0
    )
    decide(version, datetime.date(2024, 11, 20))
    with pytest.raises(ServiceError, match="beslutad"):
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(200), expected_version=1
        )
    with pytest.raises(ServiceError, match="beslutad"):
        decide(version, datetime.date(2024, 11, 21))
    response = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "300", "cell_version": 1},
    )
    assert "beslutad" in response.content.decode()
    assert BudgetAmount.objects.get(line=line).amount == Decimal(100)
    revision = services.budget_revise(budget=version.budget)
    assert revision.number == 2
    assert BudgetAmount.objects.get(budget_version=revision, line=line).amount == Decimal(100)


def test_a_stale_cell_is_refused_and_the_first_edit_survives(draft, kansli_client):
    version, line = draft
    # Both people read the empty cell (version 0); the first saves, the second is refused.
    first = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "1 000", "cell_version": 0},
    )
    assert first.status_code == 200 and "aria-invalid" not in first.content.decode()
    second = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "2 000", "cell_version": 0},
    )
    page = second.content.decode()
    assert "har ändrats av någon annan" in page
    assert "Den andra personens värde: 1\u00a0000 kr" in page
    assert BudgetAmount.objects.get(line=line).amount == Decimal(1000)
    with pytest.raises(StaleEdit):
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(5), expected_version=0
        )


def test_a_bad_amount_is_marked_on_its_cell_and_totals_update(draft, kansli_client):
    version, line = draft
    response = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 1, f"cell-{line.pk}-1": "12x", "cell_version": 0},
    )
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "bokstäver" in page and 'value="12x"' in page
    assert not BudgetAmount.objects.exists()
    ok = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 1, f"cell-{line.pk}-1": "2 500", "cell_version": 0},
    ).content.decode()
    assert 'value="2 500"' in ok
    totals = kansli_client.get(
        url("budget_totals", year=2025), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="total-result" class="total result" hx-swap-oob="true"' in totals
    assert "\u22122\u00a0500" in totals  # the plan year's result


def test_the_grid_without_javascript_saves_all_or_nothing(draft, kansli_client):
    version, line = draft
    other = services.budget_line_save(
        association=line.association, data={"group": BudgetLine.ADMINISTRATION, "name": "Revision"}
    )
    bad = kansli_client.post(
        url("grid_save", year=2025),
        {f"cell-{line.pk}-0": "100", f"cell-{other.pk}-0": "1,2,3"},
    )
    assert bad.status_code == 400
    assert "ett decimaltecken" in bad.content.decode()
    assert not BudgetAmount.objects.exists()
    good = kansli_client.post(
        url("grid_save", year=2025),
        {f"cell-{line.pk}-0": "100", f"cell-{other.pk}-0": "1 200,50"},
    )
    assert good.status_code == 302
    assert BudgetAmount.objects.get(line=other).amount == Decimal("1200.50")


def test_contribution_lines_come_from_the_members_app(association):
    from members.models import StateAllocation
    from members.services import allocation_save

    members = {m.name: m for m in association.members.all()}
    allocation_save(
        association=association,
        year=2025,
        amount=Decimal("1500000"),
        decided_on=None,
        key_basis=StateAllocation.PERCENT,
        weights={members["Köpings kommun"].id: Decimal(100)},
    )
    version = services.budget_create(association=association, year=2025)
    koping = services.budget_line_save(
        association=association,
        data={
            "group": BudgetLine.CONTRIBUTION,
            "name": "Köping",
            "member": members["Köpings kommun"],
        },
    )
    grid = budget_grid(budget=version.budget)
    assert grid.income[0] == Decimal("750000")  # the whole municipal quarter
    with pytest.raises(ServiceError, match="fylls från medlemsbidragen"):
        services.budget_amount_set(
            budget_version=version, line=koping, offset=0, amount=Decimal(1), expected_version=0
        )


def test_a_closed_year_refuses_changes(draft):
    version, line = draft
    fiscal_year = FiscalYear.objects.get(association=line.association, year=2025)
    fiscal_year.closed_on = datetime.date(2026, 3, 20)
    fiscal_year.save()
    with pytest.raises(ServiceError, match="stängt"):
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(1), expected_version=0
        )
    with pytest.raises(ServiceError, match="stängt"):
        services.actuals_set(fiscal_year=fiscal_year, line=line, month=3, amount=Decimal(1))


def test_insats_money_gives_budget_and_outcome_per_year(association):
    insats = Insats.objects.create(association=association, name="Team", code="T", kind="individ")
    version = services.budget_create(association=association, year=2025)
    line = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.INSATS, "name": "Team", "insats": insats},
    )
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(500000), expected_version=0
    )
    fiscal_year = FiscalYear.objects.get(association=association, year=2025)
    services.actuals_set(fiscal_year=fiscal_year, line=line, month=1, amount=Decimal(40000))
    services.actuals_set(fiscal_year=fiscal_year, line=line, month=2, amount=Decimal(41000))
    money = insats_money(association=association, insats_ids=[insats.id])
    assert money[insats.id][2025].budget == Decimal(500000)
    assert money[insats.id][2025].outcome == Decimal(81000)


@pytest.mark.parametrize("persona", ["styrelse_user", "revisor_user"])
def test_readers_see_the_grid_but_cannot_change_it(client, request, draft, persona):
    version, line = draft
    client.force_login(request.getfixturevalue(persona))
    page = client.get(url("budget_detail", year=2025)).content.decode()
    assert "Styrelse" in page and 'name="cell-' not in page
    response = client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "1", "cell_version": 0},
    )
    assert response.status_code == 403
    assert not BudgetAmount.objects.exists()


@pytest.mark.parametrize("size", [3, 40])
def test_the_grid_does_a_fixed_number_of_queries(
    kansli_client, draft, django_assert_max_num_queries, size
):
    version, _ = draft
    for i in range(size):
        line = services.budget_line_save(
            association=version.budget.association,
            data={"group": BudgetLine.INSATS, "name": f"Insats {i}"},
        )
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(i), expected_version=0
        )
    with django_assert_max_num_queries(12):
        assert kansli_client.get(url("budget_detail", year=2025)).status_code == 200


def test_the_admin_cannot_change_a_budget_figure(client, superuser, draft):
    version, line = draft
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(100), expected_version=0
    )
    client.force_login(superuser)
    cell = BudgetAmount.objects.get()
    response = client.post(
        f"/admin/budgets/budgetamount/{cell.pk}/change/",
        {"budget_version": version.pk, "line": line.pk, "offset": 0, "amount": "999"},
    )
    assert response.status_code == 403
    assert BudgetAmount.objects.get().amount == Decimal(100)


def test_actuals_replace_year_makes_the_year_what_the_ledger_says(association):
    fiscal_year = services.fiscal_year_ensure(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    other = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    services.actuals_set(fiscal_year=fiscal_year, line=line, month=1, amount=Decimal(500))
    services.actuals_set(fiscal_year=fiscal_year, line=other, month=2, amount=Decimal(70))
    changed = services.actuals_replace_year(
        fiscal_year=fiscal_year,
        amounts={(line.id, 1): Decimal(500), (line.id, 3): Decimal("1234.50")},
    )
    assert changed == 2
    stored = {(a.line_id, a.month): a.amount for a in Actual.objects.all()}
    assert stored == {(line.id, 1): Decimal(500), (line.id, 3): Decimal("1234.50")}


def test_actuals_replace_year_refuses_a_closed_year_and_a_foreign_line(
    association, other_association
):
    fiscal_year = services.fiscal_year_ensure(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    foreign = services.budget_line_save(
        association=other_association,
        data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"},
    )
    services.actuals_set(fiscal_year=fiscal_year, line=line, month=1, amount=Decimal(500))
    with pytest.raises(ServiceError, match="inte hör till förbundet"):
        services.actuals_replace_year(
            fiscal_year=fiscal_year,
            amounts={(line.id, 1): Decimal(1), (foreign.id, 1): Decimal(2)},
        )
    fiscal_year.closed_on = datetime.date(2026, 3, 1)
    fiscal_year.save()
    with pytest.raises(ServiceError, match="stängt"):
        services.actuals_replace_year(fiscal_year=fiscal_year, amounts={})
    assert Actual.objects.get().amount == Decimal(500)


def test_an_outsider_gets_404_and_kansli_may_edit(outsider, kansli_client, draft):
    version, line = draft
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert outsider_client.get(url("budget_detail", year=2025)).status_code == 404
    response = outsider_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "1", "cell_version": 0},
    )
    assert response.status_code == 404
    assert not BudgetAmount.objects.exists()
    response = kansli_client.post(
        url("cell_save", year=2025),
        {"line": line.pk, "offset": 0, f"cell-{line.pk}-0": "1 200", "cell_version": 0},
    )
    assert response.status_code == 200
    assert BudgetAmount.objects.get().amount == Decimal(1200)


def test_vastmanland_2024_outcome_gives_the_printed_result_and_links_insatser(db):
    call_command("load_demo", verbosity=0)
    vml = Association.objects.get(slug="vastmanland")
    actuals = Actual.objects.filter(line__association=vml, year=2024)
    outcome = {
        group: sum((a.amount for a in actuals.filter(line__group=group)), Decimal(0))
        for group, _ in BudgetLine.GROUPS
    }
    # Note 2: the members' contributions 19 037 999 kr plus other income 4 564 kr.
    assert outcome[BudgetLine.CONTRIBUTION] == Decimal("19037999")
    assert outcome[BudgetLine.OTHER_INCOME] == Decimal("4564")
    # Note 3: administration 2 435 872, direct insats costs 16 711 326.
    assert outcome[BudgetLine.ADMINISTRATION] == Decimal("2435872")
    assert outcome[BudgetLine.INSATS] + outcome[BudgetLine.UNALLOCATED] == Decimal("16711326")
    income = sum(outcome[g] for g in BudgetLine.INCOME_GROUPS)
    result = income - sum(v for g, v in outcome.items() if g not in BudgetLine.INCOME_GROUPS)
    assert result == Decimal("81778")
    sura = BudgetLine.objects.get(association=vml, name="Samordningsteam Surahammar")
    ofordelat = BudgetLine.objects.get(association=vml, name="Samverkansmedel ofördelat")
    assert ofordelat.insats_id is None
    # Linked by code wherever the insatser app has an insats with that code.
    codes = tomllib.loads(
        (settings.BASE_DIR / "fixtures/budgets/vastmanland.toml").read_text(encoding="utf-8")
    )["insats_codes"]
    assert len(codes) == 16 and codes["Samordningsteam Surahammar"] == "ST-SURA"
    insatser = dict(Insats.objects.filter(association=vml).values_list("code", "id"))
    for line in BudgetLine.objects.filter(association=vml):
        assert line.insats_id == insatser.get(codes.get(line.name)), line.name
    assert sura.insats_id == insatser.get("ST-SURA")
    before = Actual.objects.count()
    call_command("load_demo", verbosity=0)
    assert Actual.objects.count() == before


@pytest.mark.parametrize("size", [2, 25])
def test_insats_money_does_a_fixed_number_of_queries(
    association, django_assert_max_num_queries, size
):
    version = services.budget_create(association=association, year=2025)
    fiscal_year = services.fiscal_year_ensure(association=association, year=2025)
    ids = []
    for i in range(size):
        insats = Insats.objects.create(
            association=association, name=f"Insats {i}", code=f"I{i}", kind=Insats.INDIVID
        )
        line = services.budget_line_save(
            association=association,
            data={"group": BudgetLine.INSATS, "name": f"Insats {i}", "insats": insats},
        )
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(i), expected_version=0
        )
        services.actuals_set(fiscal_year=fiscal_year, line=line, month=2, amount=Decimal(i))
        ids.append(insats.id)
    with django_assert_max_num_queries(3):
        money = insats_money(association=association, insats_ids=ids)
    assert money[ids[-1]][2025].budget == Decimal(size - 1)
    assert money[ids[-1]][2025].outcome == Decimal(size - 1)
