"""Excel: real numbers out, a previewed all-or-nothing import in, rubbish refused."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from budgets import services
from budgets.models import Budget, BudgetAmount, BudgetLine, BudgetVersion
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


def evaluate(sheet, ref: str):
    """The value of a cell, computing the exports' formulas (=SUM(B3:B7), =B5+B9,
    =B10-B11) the way a spreadsheet program would."""
    value = sheet[ref].value
    if not (isinstance(value, str) and value.startswith("=")) or sheet[ref].data_type != "f":
        return value or 0
    expression = value[1:]
    for first, last in re.findall(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", expression):
        column = re.match(r"[A-Z]+", first).group(0)
        start, end = int(first[len(column) :]), int(last[len(column) :])
        total = sum(evaluate(sheet, f"{column}{n}") for n in range(start, end + 1))
        expression = expression.replace(f"SUM({first}:{last})", f"({total})")
    expression = re.sub(r"[A-Z]+\d+", lambda m: f"({evaluate(sheet, m.group(0))})", expression)
    assert re.fullmatch(r"[-+() 0-9.]+", expression), expression
    return eval(expression)  # noqa: S307 - digits, signs and brackets only


def test_the_export_holds_real_numbers_with_sums_as_formulas_and_a_header_block(db, client):
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
    assert sheet["A1"].value == "Samordningsförbundet Västra Mälardalen"
    assert sheet["A2"].value.startswith("Budget 2023, version 1, beslutad 2022-11-24")
    assert sheet["A3"].value == f"Utskriven {datetime.date.today():%Y-%m-%d}"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5)}
    assert rows["Samordning och ekonomi"][1].value == 612000
    result = rows["Årets resultat"][1]
    assert result.data_type == "f" and result.font.bold
    assert evaluate(sheet, result.coordinate) == -447000
    costs = rows["Summa verksamhetens kostnader"][1]
    assert costs.value.startswith("=SUM(") and evaluate(sheet, costs.coordinate) == 871000
    assert sheet.freeze_panes == "B6"
    comparison = client.get(url("comparison_xlsx", slug="vastra-malardalen", year=2023))
    sheet = load_workbook(BytesIO(comparison.content)).active
    assert sheet["A1"].value == "Samordningsförbundet Västra Mälardalen"
    result = [r for r in sheet.iter_rows() if r[0].value == "Årets resultat"][0]
    assert [evaluate(sheet, c.coordinate) for c in result[1:5]] == [
        738000,
        -880000,
        -602000,
        -447000,
    ]


def test_text_in_every_export_is_text_never_a_formula(kansli_client, association, draft):
    version, line = draft
    line.name = '=HYPERLINK("https://x"&B2,"Klicka här")'
    line.save()
    services.budget_line_save(
        association=association,
        data={"group": BudgetLine.ADMINISTRATION, "name": "@SUM(1+1)\x1b"},
    )
    sheet = load_workbook(BytesIO(kansli_client.get(url("budget_xlsx", year=2025)).content)).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    link = cells['=HYPERLINK("https://x"&B2,"Klicka här")']
    assert link.data_type == "s" and link.quotePrefix
    assert cells["@SUM(1+1)"].data_type == "s"  # the control character is dropped
    assert not [c for c in cells.values() if c.data_type == "f" and "HYPERLINK" in c.value]


def test_the_plans_workbook_shows_a_goal_written_as_a_formula_as_text(association):
    from insatser.models import Goal
    from reporting import documents, render

    Goal.objects.create(association=association, year=2025, area="individ", text="=1+1")
    Goal.objects.create(association=association, year=2025, area="metoder", text="+46 70 123")
    workbook = load_workbook(BytesIO(render.xlsx_bytes(documents.plan(association, 2025))))
    cells = {c.value: c for ws in workbook for row in ws.iter_rows() for c in row if c.value}
    assert cells["=1+1"].data_type == "s" and cells["+46 70 123"].data_type == "s"
    assert not [c for c in cells.values() if c.data_type == "f"]


def test_document_workbooks_show_text_as_text_and_percentages_as_printed(association):
    from reporting import render
    from reporting.documents import Document, Row, Section, Table

    doc = Document(
        kind="vp",
        slug="verksamhetsplan",
        title="Verksamhetsplan",
        association=association,
        year=2025,
        sections=[
            Section(
                "mal",
                "1",
                "Mål",
                [
                    Table(
                        "Mål 2025",
                        ["Mål", "Mätetal"],
                        [Row("Mål 1", ["=1+1", "-5 %"])],
                        unit="text",
                    ),
                    Table(
                        "Femårsöversikt",
                        ["2024", "2025"],
                        [
                            Row("Årets resultat (tkr)", [Decimal("-712"), Decimal("82")]),
                            Row("Soliditet (%)", [Decimal("15.6873"), Decimal("16.04")]),
                        ],
                        unit="blandat",
                    ),
                ],
            )
        ],
    )
    workbook = load_workbook(BytesIO(render.xlsx_bytes(doc)))
    goals = workbook["Mål 2025"]
    cells = {c.value: c for row in goals.iter_rows() for c in row if c.value is not None}
    assert cells["=1+1"].data_type == "s" and cells["-5 %"].data_type == "s"
    assert goals["A2"].value == "Verksamhetsplan 2025, utkast"
    overview = {r[0].value: r[1:] for r in workbook["Femårsöversikt"].iter_rows()}
    # A mixed table's figures are as shown (here whole tkr), so its labels stay.
    assert overview["Årets resultat (tkr)"][0].value == -712
    solidity = overview["Soliditet (%)"]
    assert solidity[0].value == pytest.approx(0.157) and solidity[0].number_format == "0.0%"
    assert solidity[1].value == pytest.approx(0.16)


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
    assert "Cellen B2: ”tolv” är inget belopp: det innehåller bokstäver." in page
    assert "heter inte som någon budgetpost" in page and 'name="map-0"' in page
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


def test_a_stale_preview_says_what_changed_instead_of_blaming_somebody(kansli_client, draft):
    version, line = draft
    upload = _xlsx([["Budgetpost", "Budget 2025"], ["Styrelse", 85000]])
    page = kansli_client.post(url("budget_import", year=2025), {"file": upload}).content.decode()
    payload = page.split('name="payload" value="')[1].split('"')[0]
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(70000), expected_version=1
    )
    response = kansli_client.post(
        url("budget_import_apply", year=2025), {"payload": payload}, follow=True
    )
    text = response.content.decode().replace("&nbsp;", "\xa0")
    assert "budgeten har ändrats efter förhandsgranskningen (Styrelse 2025 (nu 70\xa0000 kr))" in (
        text
    )
    assert "någon annan" not in text
    assert BudgetAmount.objects.get(line=line, offset=0).amount == Decimal(70000)
    # The board decides the version (as the decision page would) after the preview.
    BudgetVersion.objects.filter(pk=version.pk).update(
        status=BudgetVersion.DECIDED, decided_on=datetime.date(2024, 11, 1)
    )
    response = kansli_client.post(
        url("budget_import_apply", year=2025), {"payload": payload}, follow=True
    )
    assert "version 1 beslutades 2024-11-01 efter förhandsgranskningen" in (
        response.content.decode()
    )


def test_the_annual_report_workbook_has_kronor_and_percentages_as_printed(db):
    from finsam.money import round_to
    from members.models import Association
    from reporting import documents, render
    from reporting.selectors import five_year_overview

    call_command("load_demo", verbosity=0, with_users=False)
    vml = Association.objects.get(slug="vastmanland")
    workbook = load_workbook(BytesIO(render.xlsx_bytes(documents.annual_report(vml, 2024))))
    # Tables shown in tkr hold kronor in the workbook and are labelled so; only the
    # overview, whose figures are whole tkr as printed, says tkr.
    texts = [
        c.value
        for ws in workbook
        if ws.title != "Femårsöversikt"
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert not [t for t in texts if "(tkr)" in t]
    assert workbook["Femårsöversikt"]["A1"].value == "Samordningsförbundet Västmanland"
    rows = {r[0].value: r[1:] for r in workbook["Femårsöversikt"].iter_rows()}
    # The overview is in tkr as printed (newest year first), and says so.
    assert rows["Verksamhetens intäkter (tkr)"][0].value == 19043
    solidity = rows["Soliditet (%)"]
    sheet = list(workbook["Femårsöversikt"].iter_rows())
    header = next(i for i, r in enumerate(sheet) if r[0].value == "Verksamhetens intäkter (tkr)")
    years = [int(c.value) for c in sheet[header - 1][1:6]]
    printed = {o.year: o.solidity_percent for o in five_year_overview(association=vml, year=2024)}
    checked = 0
    for cell, value in zip(solidity, [printed[y] for y in years], strict=True):
        if value is None:
            continue
        assert cell.number_format == "0.0%"
        assert cell.value == pytest.approx(float(round_to(value, 1) / 100), abs=1e-12)
        checked += 1
    assert checked >= 1


def _formula_cells(content: bytes):
    """Each formula cell of a workbook with the value stored beside it."""
    formulas = load_workbook(BytesIO(content))
    values = load_workbook(BytesIO(content), data_only=True)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws, cell.coordinate, values[ws.title][cell.coordinate].value


def test_every_formula_in_every_workbook_carries_its_computed_value(db, client):
    """A reader that does not recalculate (a preview, pandas, openpyxl's data_only, a
    bank's import) reads the same sums as Excel: every formula cell of every workbook
    the application writes stores the formula's result."""
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    from members.models import Association, UserRole

    user = get_user_model().objects.create_user("rev", password="x-x-x-x-1")
    budgets = list(Budget.objects.select_related("association"))
    for association in Association.objects.all():
        UserRole.objects.create(user=user, association=association, role="revisor")
    client.force_login(user)
    urls = [
        url(name, slug=b.association.slug, year=b.year)
        for b in budgets
        for name in ("budget_xlsx", "comparison_xlsx")
    ]
    urls += [
        reverse(f"reporting:document_{kind}_xlsx", kwargs={"slug": slug, "year": year})
        for slug, kind, year in [
            ("vastra-malardalen", "verksamhetsplan", 2023),
            ("vasteras", "arsredovisning", 2020),
        ]
    ]
    urls.append(reverse("members:audit_log_xlsx", kwargs={"slug": "vasteras"}))
    checked = 0
    for address in urls:
        response = client.get(address)
        assert response.status_code == 200, address
        for ws, ref, stored in _formula_cells(response.content):
            assert stored is not None, f"{address} {ws.title}!{ref}: no stored value"
            assert stored == evaluate(ws, ref), f"{address} {ws.title}!{ref}"
            checked += 1
    assert checked > 100  # the budgets' and comparisons' sums are all formulas

    # Västra Mälardalen 2023 as such a reader sees it (seed 003, kr).
    content = client.get(url("budget_xlsx", slug="vastra-malardalen", year=2023)).content
    sheet = load_workbook(BytesIO(content), data_only=True).active
    rows = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=5)}
    assert rows["Summa kostnader insatser"] == 2_576_000
    assert rows["Summa verksamhetens kostnader"] == 871_000
    assert rows["Årets resultat"] == -447_000


def test_a_formula_over_sums_is_stored_with_its_value():
    from finsam.xlsx import Formula, Sheet, rows_to_xlsx

    sheet = Sheet(
        title="Prov",
        header=["Post", "Belopp"],
        rows=[
            ["Intäkt", Decimal("1000.50")],
            ["Tom", None],
            ["Summa intäkter", Formula("SUM({0}:{1})", (0, 1))],
            ["Kostnad", 400],
            ["Summa kostnader", Formula("SUM({0}:{1})", (3, 3))],
            ["Årets resultat", Formula("{0}-{1}", (2, 4))],
            ["Noll", Formula("0", ())],
        ],
    )
    cells = {ref: stored for _, ref, stored in _formula_cells(rows_to_xlsx([sheet]))}
    assert cells == {"B4": 1000.5, "B6": 400, "B7": 600.5, "B8": 0}
