"""The comparison view reproduces the six columns of vp-budget-2023 (tkr)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgets import services
from budgets.models import Budget, BudgetLine, FiscalYear
from budgets.selectors import comparison
from finsam.money import round_to


def test_vastra_malardalen_2023_has_the_printed_columns(db):
    call_command("load_demo", verbosity=0)
    result = comparison(
        budget=Budget.objects.get(association__slug="vastra-malardalen", year=2023)
    )
    groups = {g.key: g.totals() for g in result.groups}
    k = Decimal(1000)
    # bokslut 2021, budget 2022, prognos 2022, budget 2023 (no plan years printed)
    assert groups["administration"][:4] == [919 * k, 802 * k, 781 * k, 871 * k]
    assert groups["insats"][:4] == [1343 * k, 3078 * k, 2821 * k, 2576 * k]
    assert result.income()[:4] == [3000 * k] * 4
    # The printed budget 2022 result is -874; its insats lines sum to 3 078, not 3 072.
    assert result.result()[:4] == [738 * k, -880 * k, -602 * k, -447 * k]
    assert result.result()[4:] == [None, None]


def test_the_follow_up_compares_outcome_to_date_with_the_budget(association):
    version = services.budget_create(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(120000), expected_version=0
    )
    fiscal_year = FiscalYear.objects.get(association=association, year=2025)
    for month in (1, 2, 3):
        services.actuals_set(fiscal_year=fiscal_year, line=line, month=month, amount=Decimal(9000))
    result = comparison(budget=version.budget)
    row = result.groups[0].rows[0]
    assert result.months_with_outcome == 3
    assert row.outcome_to_date == Decimal(27000)
    assert row.deviation == Decimal(-93000)
    assert row.deviation_percent == Decimal("-77.5")


def test_a_forecast_made_after_the_decision_is_not_in_the_decided_plan(association):
    """The plan decided 2024-11-20 shows the forecast of 2024-10-31, not the later one."""
    version = services.budget_create(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    for made_on, amount in (("2024-10-31", 110000), ("2024-12-15", 150000)):
        services.forecast_set(
            line=line,
            year=2024,
            made_on=datetime.date.fromisoformat(made_on),
            amount=Decimal(amount),
        )
    as_decided = comparison(
        budget=version.budget, version=version, as_of=datetime.date(2024, 11, 20)
    )
    assert as_decided.groups[0].rows[0].values[2] == Decimal(110000)
    assert comparison(budget=version.budget).groups[0].rows[0].values[2] == Decimal(150000)


@pytest.mark.parametrize("size", [2, 30])
def test_the_comparison_page_does_a_fixed_number_of_queries(
    kansli_client, association, django_assert_max_num_queries, size
):
    version = services.budget_create(association=association, year=2025)
    fiscal_year = FiscalYear.objects.get(association=association, year=2025)
    for i in range(size):
        line = services.budget_line_save(
            association=association, data={"group": BudgetLine.INSATS, "name": f"Insats {i}"}
        )
        services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(i), expected_version=0
        )
        services.actuals_set(fiscal_year=fiscal_year, line=line, month=1, amount=Decimal(i))
        services.forecast_set(line=line, year=2024, made_on="2024-10-01", amount=Decimal(i))
    url = reverse("budgets:budget_comparison", kwargs={"slug": "testbygden", "year": 2025})
    with django_assert_max_num_queries(12):
        assert kansli_client.get(url).status_code == 200


def test_vastra_malardalen_2021_has_the_printed_five_columns(db):
    call_command("load_demo", verbosity=0)
    result = comparison(
        budget=Budget.objects.get(association__slug="vastra-malardalen", year=2021)
    )
    k = Decimal(1000)
    groups = {g.key: g.totals() for g in result.groups}
    # bokslut 2019 (from the year-end's krona figures, printed in whole tkr), budget 2020,
    # (no prognos printed), budget 2021, plan 2022, plan 2023
    administration = groups["administration"]
    assert round_to(administration[0] / k, 0) == 1206
    assert administration[1:] == [863 * k, None, 1034 * k, 1014 * k, 1024 * k]
    insatser = [
        (a or 0) + (b or 0) for a, b in zip(groups["insats"], groups["ofordelat"], strict=True)
    ]
    assert insatser == [1896 * k, 2137 * k, 0, 1966 * k, 1986 * k, 1976 * k]
    # Plan years' income comes from the allocations 2022 and 2023 of the members app.
    assert result.income() == [3000 * k, 3000 * k, None, 3000 * k, 3000 * k, 3000 * k]
    outcome, *budgeted = result.result()
    assert round_to(outcome / k, 0) == -102 and budgeted == [0, None, 0, 0, 0]


def test_vasteras_2022_with_its_plan_years(db):
    call_command("load_demo", verbosity=0)
    result = comparison(budget=Budget.objects.get(association__slug="vasteras", year=2022))
    k = Decimal(1000)
    # budget 2022, plan 2023, plan 2024 (the last three columns)
    assert result.income()[3:] == [10996 * k, 10996 * k, 10996 * k]
    assert result.costs()[3:5] == [16044 * k, 13840 * k]
    assert result.result()[3:5] == [-5048 * k, -2844 * k]
