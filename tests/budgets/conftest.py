"""Fixtures shared by the SIE import tests."""

from __future__ import annotations

import pytest

from budgets import services
from budgets.models import BudgetLine


@pytest.fixture
def bas_lines(association):
    """An association whose lines are the cost groups of a company-style chart."""
    lines = {}
    for group, name, extra in [
        (BudgetLine.CONTRIBUTION, "Staten (AF+FK)", {"state": True}),
        (BudgetLine.CONTRIBUTION, "Medlemsbidrag", {}),
        (BudgetLine.OTHER_INCOME, "Övriga intäkter", {}),
        (BudgetLine.ADMINISTRATION, "Personal", {}),
        (BudgetLine.ADMINISTRATION, "Lokaler", {}),
        (BudgetLine.ADMINISTRATION, "Köpta tjänster", {}),
        (BudgetLine.ADMINISTRATION, "Övriga kostnader", {}),
        (BudgetLine.FINANCIAL_INCOME, "Finansiella intäkter", {}),
        (BudgetLine.FINANCIAL_COST, "Finansiella kostnader", {}),
    ]:
        lines[name] = services.budget_line_save(
            association=association, data={"group": group, "name": name, **extra}
        )
    return lines
