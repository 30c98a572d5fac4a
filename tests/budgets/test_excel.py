"""Excel: real numbers out, a previewed all-or-nothing import in, rubbish refused."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from budgets import services
from budgets.models import Budget, BudgetAmount, BudgetLine
from tests.decisions import decide


def url(name: str, slug: str = "testbygden", **kwargs) -> str:
    return reverse(f"budgets:{name}", kwargs={"slug": slug, **kwargs})


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("budget.xlsx", buffer.getvalue())


@pytest.fixture
def draft(association):
    version = services.budget_create(association=association, year=2025)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(80000), expected_version=0
    )
    return version, line


def test_the_export_holds_real_numbers_with_bold_totals(db, client):
    call_command("load_demo", verbosity=0, with_users=False)
    from django.contrib.auth import get_user_model

    from members.models import Association, UserRole

    user = get_user_model().objects.create_user("rev", password="x-x-x-x-1")
    UserRole.objects.create(
        user=user, association=Association.objects.get(slug="vastra-malardalen"), role="revisor"
    )
    client.force_login(user)
    response = client.get(url("budget_xlsx", slug="vastra-malardalen", year=2023))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["Samordning och ekonomi"][1].value == 612000
    assert rows["Årets resultat"][1].value == -447000
    assert rows["Årets resultat"][1].font.bold
    assert sheet.freeze_panes == "B2"
    comparison = client.get(url("comparison_xlsx", slug="vastra-malardalen", year=2023))
    sheet = load_workbook(BytesIO(comparison.content)).active
    result = [r for r in sheet.iter_rows(values_only=True) if r[0] == "Årets resultat"][0]
    assert result[1:5] == (738000, -880000, -602000, -447000)


def test_the_round_trip_changes_nothing(kansli_client, draft):
    exported = kansli_client.get(url("budget_xlsx", year=2025)).content
    upload = SimpleUploadedFile("budget.xlsx", exported)
    response = kansli_client.post(url("budget_import", year=2025), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "det finns inget att ändra" in page
    assert BudgetAmount.objects.get().version == 1


def test_an_import_previews_then_applies_everything(kansli_client, draft):
    version, line = draft
    upload = _xlsx(
        [
            ["Budgetpost", "Budget 2025 (tkr)", "Plan 2026", "Plan 2027"],
            ["Styrelse", 85, 90, "95,5"],
            ["Summa kostnader", 85, 90, 95],
        ]
    )
    preview = kansli_client.post(url("budget_import", year=2025), {"file": upload})
    page = preview.content.decode()
    assert "Belopp som ändras (3 st" in page
    assert BudgetAmount.objects.get(line=line, offset=0).amount == Decimal(80000)  # not yet
    payload = page.split('name="payload" value="')[1].split('"')[0]
    applied = kansli_client.post(url("budget_import_apply", year=2025), {"payload": payload})
    assert applied.status_code == 302
    amounts = {a.offset: a.amount for a in BudgetAmount.objects.filter(line=line)}
    assert amounts == {0: Decimal(85000), 1: Decimal(90000), 2: Decimal(95500)}
    # Applying the same preview again is refused as stale and changes nothing.
    again = kansli_client.post(url("budget_import_apply", year=2025), {"payload": payload})
    assert again.status_code == 302
    assert BudgetAmount.objects.get(line=line, offset=0).version == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a spreadsheet", "ingen Excel-fil"),
        (b"PK\x03\x04broken zip", "ingen Excel-fil"),
    ],
)
def test_a_broken_file_changes_nothing_and_says_why(kansli_client, draft, content, message):
    upload = SimpleUploadedFile("budget.xlsx", content)
    response = kansli_client.post(url("budget_import", year=2025), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BudgetAmount.objects.get().amount == Decimal(80000)


def test_a_foreign_or_other_year_file_is_refused(kansli_client, draft):
    foreign = _xlsx([["Budgetpost", "Budget 2025"], ["Hyra av slott", 100]])
    page = kansli_client.post(url("budget_import", year=2025), {"file": foreign}).content.decode()
    assert "annat förbund" in page
    other_year = _xlsx([["Budgetpost", "Budget 2023"], ["Styrelse", 100]])
    page = kansli_client.post(
        url("budget_import", year=2025), {"file": other_year}
    ).content.decode()
    assert "gäller budget 2023, inte budget 2025" in page
    assert BudgetAmount.objects.get().amount == Decimal(80000)


def test_each_rejected_row_is_listed_with_its_reason(kansli_client, draft):
    version, line = draft
    upload = _xlsx([["Budgetpost", "Budget 2025"], ["Styrelse", "tolv"], ["Okänd post", 5]])
    page = kansli_client.post(url("budget_import", year=2025), {"file": upload}).content.decode()
    assert "bokstäver" in page and "Okänd budgetpost." in page
    assert 'name="payload"' not in page
    decide(version, datetime.date(2024, 11, 1))
    decided = _xlsx([["Budgetpost", "Budget 2025"], ["Styrelse", 1]])
    page = kansli_client.post(url("budget_import", year=2025), {"file": decided}).content.decode()
    assert "Versionen är beslutad" in page
    assert Budget.objects.get().versions.count() == 1


def test_a_closed_year_is_named_as_the_reason(kansli_client, draft):
    from budgets.models import FiscalYear

    fiscal_year = FiscalYear.objects.get(year=2025)
    fiscal_year.closed_on = datetime.date(2026, 3, 1)
    fiscal_year.save()
    upload = _xlsx([["Budgetpost", "Budget 2025"], ["Styrelse", 1]])
    page = kansli_client.post(url("budget_import", year=2025), {"file": upload}).content.decode()
    assert "Räkenskapsåret 2025 är stängt." in page
    assert BudgetAmount.objects.get().amount == Decimal(80000)
