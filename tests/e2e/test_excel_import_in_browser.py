"""The Excel import as a person uses it: upload a sheet in the plan's words, choose a
line for the rows named otherwise, apply; the Back button then says what happened."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook
from playwright.sync_api import expect

from budgets import services
from budgets.models import BudgetAmount, BudgetLine, ExcelRowMapping
from members.models import UserRole

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_rows_named_otherwise_are_mapped_once_and_the_import_applies(
    live_server, browser, association, tmp_path
):
    user = get_user_model().objects.create_user(username="excel", password="excel-lösen-1")
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    version = services.budget_create(association=association, year=2025)
    board = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    audit = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.ADMINISTRATION, "name": "Revisionskostnader"},
    )
    workbook = Workbook()
    for row in [
        ["Resultatbudget och resultatplan (tkr)"],
        [None, "Bokslut 2023", "Budget 2024", "Budget 2025", "Plan 2026", "Plan 2027"],
        ["Verksamhetens kostnader"],
        ["Styrelsekostnader", 90, 95, 110, 112, 114],
        ["Revisionskostnader", 40, 45, 45, 46, 47],
        ["Summa verksamhetens kostnader", 130, 140, 155, 158, 161],
    ]:
        workbook.active.append(row)
    path = tmp_path / "budget.xlsx"
    buffer = BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    page = browser.new_context().new_page()
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "excel")
    page.fill("#id_password", "excel-lösen-1")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/testbygden/budget/2025/import/")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.locator("body")).to_contain_text("1 rad heter inte som någon budgetpost")
    expect(page.get_by_role("button", name="Läs in ändringarna")).to_have_count(0)
    page.get_by_label("Styrelsekostnader").select_option(label="Styrelse")
    page.get_by_role("button", name="Spara kopplingarna och förhandsgranska igen").click()
    expect(page.locator("body")).to_contain_text("110\u00a0000")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Läs in ändringarna").click()
    expect(page.locator("body")).to_contain_text("6 belopp är inlästa från Excel")
    amounts = {
        (a.line_id, a.offset): a.amount
        for a in BudgetAmount.objects.filter(budget_version=version)
    }
    assert amounts[(board.pk, 0)] == Decimal(110000)
    assert amounts[(audit.pk, 2)] == Decimal(47000)
    assert ExcelRowMapping.objects.get(association=association).line == board
    page.go_back()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Läs in ändringarna").click()
    expect(page.locator("body")).to_contain_text("redan inläst")
    page.context.close()
