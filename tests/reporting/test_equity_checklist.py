"""The decision checklist warns when the budgeted result would take the equity past
the plan's own equity goal or the 20 % ceiling, with the figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets import services as budget_services
from budgets.models import BudgetLine
from insatser import goal_services
from reporting.decisions import plan_checklist


def _budget(association, income: int, cost: int, estimate: int | None = None):
    version = budget_services.budget_create(association=association, year=2026)
    for group, name, amount in [
        (BudgetLine.OTHER_INCOME, "Bidrag", income),
        (BudgetLine.ADMINISTRATION, "Kansli", cost),
    ]:
        line = budget_services.budget_line_save(
            association=association, data={"group": group, "name": name}
        )
        budget_services.budget_amount_set(
            budget_version=version,
            line=line,
            offset=0,
            amount=Decimal(amount),
            expected_version=0,
        )
    if estimate is not None:
        budget_services.budget_equity_estimate_set(budget=version.budget, amount=Decimal(estimate))
    return version


def _goal(association, target: str):
    goal_services.goal_save(
        association=association,
        data={
            "year": 2026,
            "area": "finansiell",
            "text": "Det egna kapitalet ska vara högst 20 % av årets bidrag.",
            "target": Decimal(target),
            "unit": "%",
        },
    )


def _equity(checklist) -> list[str]:
    return [w for w in checklist.warnings if w.startswith("Eget kapital")]


def test_a_result_of_a_third_of_the_income_is_past_the_goal(association):
    version = _budget(association, income=6_000_000, cost=4_000_000)
    _goal(association, "20")
    (warning,) = _equity(plan_checklist(association, version))
    assert "budget 2026" in warning
    assert "resultat 2\u00a0000\u00a0000 kr" in warning
    assert "33,3\u00a0% av intäkterna" in warning
    assert "planens eget mål, högst 20\u00a0%" in warning
    assert "inget ingående eget kapital är känt" in warning


def test_the_opening_equity_counts(association):
    version = _budget(association, income=6_000_000, cost=5_900_000, estimate=1_200_000)
    (warning,) = _equity(plan_checklist(association, version))
    assert (
        "ingående 1\u00a0200\u00a0000 kr + resultat 100\u00a0000 kr = 1\u00a0300\u00a0000 kr"
        in warning
    )
    assert "taket 20\u00a0%" in warning and "planens eget mål" not in warning


def test_a_stricter_own_goal_warns_before_the_ceiling(association):
    version = _budget(association, income=6_000_000, cost=5_100_000)
    _goal(association, "10")
    (warning,) = _equity(plan_checklist(association, version))
    assert "15,0\u00a0%" in warning and "planens eget mål, högst 10\u00a0%" in warning
    assert "taket" not in warning


@pytest.mark.parametrize(("cost", "estimate"), [(5_000_000, None), (6_500_000, 500_000)])
def test_a_budget_within_the_goal_gets_no_warning(association, cost, estimate):
    version = _budget(association, income=6_000_000, cost=cost, estimate=estimate)
    _goal(association, "20")
    assert _equity(plan_checklist(association, version)) == []
