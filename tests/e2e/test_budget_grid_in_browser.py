"""The budget grid as a person uses it: type, leave the cell, see totals; arrows move."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from budgets import services
from budgets.models import BudgetAmount, BudgetLine
from members.models import UserRole

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_cell_saves_on_change_and_arrows_move(live_server, browser, association):
    user = get_user_model().objects.create_user(username="grid", password="grid-lösen-1")
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    version = services.budget_create(association=association, year=2025)
    first = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    second = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Revision"}
    )
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", "grid-lösen-1")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/testbygden/budget/2025/")
    cell = page.locator(f'input[name="cell-{first.pk}-0"]')
    cell.fill("12 500")
    cell.press("ArrowDown")  # leaves the cell: it saves, and the focus moves down
    focused = page.evaluate("document.activeElement.name")
    assert focused == f"cell-{second.pk}-0"
    expect(page.locator("#sum-administration td").first).to_have_text("12\u00a0500")
    expect(page.locator("#total-result td").first).to_have_text("\u221212\u00a0500")
    assert BudgetAmount.objects.get(budget_version=version, line=first).amount == Decimal(12500)
    bad = page.locator(f'input[name="cell-{second.pk}-0"]')
    bad.fill("tolv")
    bad.press("Tab")
    expect(page.locator(f"#e-{second.pk}-0")).to_contain_text("bokstäver")
    assert page.locator(f'input[name="cell-{first.pk}-0"]').input_value() == "12 500"
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_cells_typed_in_quick_succession_save_in_order_and_the_totals_follow_the_last(
    live_server, browser, association
):
    user = get_user_model().objects.create_user(username="snabb", password="grid-lösen-1")
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    version = services.budget_create(association=association, year=2025)
    lines = [
        services.budget_line_save(
            association=association, data={"group": BudgetLine.ADMINISTRATION, "name": name}
        )
        for name in ("Styrelse", "Revision", "Kansli")
    ]
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "snabb")
    page.fill("#id_password", "grid-lösen-1")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/testbygden/budget/2025/")
    # Each cell, its totals request after it: all on the grid's one queue, in order.
    assert page.locator("#grid-totals").get_attribute("hx-sync") == "#budget-grid:queue all"
    for line, amount in zip(lines, ("10 000", "2 000", "300"), strict=True):
        cell = page.locator(f'input[name="cell-{line.pk}-0"]')
        assert cell.get_attribute("hx-sync") == "#budget-grid:queue all"
        cell.fill(amount)
        cell.press("Tab")  # no wait: the next cell is typed while this one saves
    expect(page.locator("#sum-administration td").first).to_have_text("12\u00a0300")
    expect(page.locator("#total-result td").first).to_have_text("\u221212\u00a0300")
    saved = {a.line_id: a.amount for a in BudgetAmount.objects.filter(budget_version=version)}
    assert saved == {lines[0].pk: 10_000, lines[1].pk: 2_000, lines[2].pk: 300}
    page.context.close()
