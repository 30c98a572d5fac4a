"""Columns and rows without data are left out of the comparison and bokslut pages, as
the documents leave them out."""

from __future__ import annotations

from decimal import Decimal

from budgets import services
from budgets.models import BudgetLine


def _budget_with_one_amount(association):
    version = services.budget_create(association=association, year=2026)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(500_000), expected_version=0
    )
    return version, line


def test_a_new_budget_compares_only_the_columns_it_has(kansli_client, association):
    _budget_with_one_amount(association)
    page = kansli_client.get("/testbygden/budget/2026/jamforelse/").content.decode()
    assert "Budget 2026" in page
    for empty in ("Bokslut 2024", "Budget 2025", "Prognos 2025", "Plan 2027", "Plan 2028"):
        assert empty not in page
    assert 'colspan="2"' in page


def test_a_column_with_a_figure_is_shown(kansli_client, association):
    version, line = _budget_with_one_amount(association)
    services.budget_amount_set(
        budget_version=version, line=line, offset=1, amount=Decimal(510_000), expected_version=0
    )
    page = kansli_client.get("/testbygden/budget/2026/jamforelse/").content.decode()
    assert "Plan 2027" in page and "Plan 2028" not in page
    assert "510,0" in page or "510" in page


def test_the_bokslut_page_leaves_out_years_without_figures(kansli_client, association):
    page = kansli_client.get("/testbygden/bokslut/2025/").content.decode()
    assert "Femårsöversikt" in page
    assert "Inget år 2021–2025 har utfall eller nyckeltal ännu." in page
    assert '<th scope="row">2021</th>' not in page
