"""The annual report's own data (underlag): earlier years' key figures, the cost
share base, styrdokument, indicators and the auditors' signed report, entered by
kansli, refused with a Swedish message when wrong, and printed in the document.
Charts without figures are not drawn; PDF/UA marks the running header and footer
as artifacts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from reporting import charts, documents, render
from reporting.models import AuditReport, EarlierYearFigures, Indicator, SteeringDocument

URL = "/testbygden/dokument/arsredovisning/2024/underlag/"


def _blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- charts ---------------------------------------------------------------------------


def test_a_chart_without_figures_is_not_drawn():
    assert charts.bars(title="Tomt", labels=["A", "B"], series=[("Utfall", [0, None])]) == ""
    assert charts.bars(title="Tomt", labels=[], series=[("Utfall", [])]) == ""


def test_a_zero_figure_draws_no_bar_and_no_zero_label():
    svg = charts.bars(title="Andelar", labels=["A", "B"], series=[("Utfall", [40, 0])], unit="%")
    assert svg.count('height="14"') == 1  # one bar, for A
    assert "0 %" not in svg.replace("40 %", "")


def test_a_long_label_is_wrapped_not_cut():
    label = "Samordnade individinsatser, samlad uppföljning i SUS"
    svg = charts.bars(title="Deltagare", labels=[label], series=[("Kvinnor", [5])])
    texts = re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)
    assert len(texts) == 2 and all(len(t) <= charts.LABEL_CHARS for t in texts)


def test_a_document_keeps_no_empty_chart(association):
    doc = documents.Document(
        kind="x",
        slug="x",
        title="x",
        association=association,
        year=2024,
        sections=[documents.Section("a", "1", "A", [documents.Chart(svg="")])],
    )
    assert doc.sections[0].blocks == []


# --- the underlag page -------------------------------------------------------------------


def test_kansli_enters_an_earlier_year_and_the_overview_shows_it(kansli_client, association):
    bad = kansli_client.post(
        URL,
        {
            "action": "earlier",
            "year": "2021",
            "income": "sju miljoner",
            "costs": "1",
            "result": "1",
        },
    )
    assert bad.status_code == 400
    assert not EarlierYearFigures.objects.exists()
    ok = kansli_client.post(
        URL,
        {
            "action": "earlier",
            "year": "2021",
            "income": "7 055 000",
            "costs": "7 078 000",
            "result": "-35 000",
            "solidity_percent": "40,8",
            "employees": "1",
        },
    )
    assert ok.status_code == 302
    row = EarlierYearFigures.objects.get(association=association, year=2021)
    assert (row.income, row.costs, row.result) == (
        Decimal("7055000"),
        Decimal("7078000"),
        Decimal("-35000"),
    )
    negative = kansli_client.post(
        URL,
        {"action": "earlier", "year": "2022", "income": "1", "costs": "-5", "result": "1"},
    )
    assert negative.status_code == 400 and "positivt belopp" in negative.content.decode()
    doc = documents.annual_report(association, 2024)
    overview = next(t for t in doc.tables if t.sheet == "Femårsöversikt")
    assert "2021" in overview.columns
    column = overview.columns.index("2021")
    values = {r.label: r.values[column] for r in overview.rows}
    assert values["Verksamhetens intäkter (tkr)"] == 7055
    assert values["Verksamhetens kostnader (tkr)"] == -7078
    assert values["Soliditet (%)"] == Decimal("40.8")


def test_styrdokument_are_saved_in_groups_and_printed(kansli_client, association):
    text = (
        "Förbundsordning\nDelegationsordning\nPolicyer:\n- Policy för internkontroll\n- Bilpolicy"
    )
    assert kansli_client.post(URL, {"action": "steering", "steering": text}).status_code == 302
    rows = list(SteeringDocument.objects.values_list("group", "title"))
    assert rows == [
        ("", "Förbundsordning"),
        ("", "Delegationsordning"),
        ("Policyer", "Policy för internkontroll"),
        ("Policyer", "Bilpolicy"),
    ]
    html = render.print_html(documents.annual_report(association, 2024))
    styrning = html.split('id="styrning"')[1].split("</section>")[0]
    assert "Policy för internkontroll" in styrning and "Förbundsordning" in styrning


def test_indicators_refuse_a_bad_line_and_print_with_a_chart(kansli_client, association):
    bad = kansli_client.post(URL, {"action": "indicators", "indicators": "Nytta; 120"})
    assert bad.status_code == 400 and "mellan 0 och 100" in bad.content.decode()
    bad = kansli_client.post(URL, {"action": "indicators", "indicators": "bara text"})
    assert bad.status_code == 400 and "Rad 1" in bad.content.decode()
    assert not Indicator.objects.exists()
    good = "Stödet var till stor nytta; 86; 80\nJag fick vara med och bestämma; 78,5"
    assert kansli_client.post(URL, {"action": "indicators", "indicators": good}).status_code == 302
    assert list(Indicator.objects.values_list("share_percent", "national_percent")) == [
        (Decimal("86.0"), Decimal("80.0")),
        (Decimal("78.5"), None),
    ]
    html = render.print_html(documents.annual_report(association, 2024))
    section = html.split('id="indikatorer"')[1].split("</section>")[0]
    assert "Stödet var till stor nytta" in section and "<svg" in section and "78,5" in section


def test_the_auditors_report_is_a_checked_pdf_appended_to_the_annual_report(
    kansli_client, client, revisor_user, styrelse_user, association
):
    refused = kansli_client.post(
        URL, {"action": "audit", "pdf": SimpleUploadedFile("rb.pdf", b"not a pdf at all")}
    )
    assert refused.status_code == 400 and "ingen PDF" in refused.content.decode()
    broken = kansli_client.post(
        URL, {"action": "audit", "pdf": SimpleUploadedFile("rb.pdf", b"%PDF-1.7 broken")}
    )
    assert broken.status_code == 400 and "går inte att läsa" in broken.content.decode()
    signed = _blank_pdf(2)
    ok = kansli_client.post(
        URL, {"action": "audit", "pdf": SimpleUploadedFile("revisionsberattelse.pdf", signed)}
    )
    assert ok.status_code == 302
    stored = AuditReport.objects.get(association=association, year=2024)
    doc = documents.annual_report(association, 2024)
    assert [a.sha256 for a in doc.attachments] == [stored.sha256]
    without = documents.annual_report(association, 2024)
    without.sections = [s for s in without.sections if s.anchor != "bilagor"]
    pages = len(PdfReader(io.BytesIO(render.pdf_bytes(doc))).pages)
    assert pages == len(PdfReader(io.BytesIO(render.pdf_bytes(without))).pages) + 2
    client.force_login(revisor_user)
    download = client.get("/testbygden/dokument/arsredovisning/2024/revisionsberattelse/")
    assert download.status_code == 200 and bytes(download.content) == signed
    client.force_login(styrelse_user)
    assert client.get(URL).status_code == 403


# --- layout --------------------------------------------------------------------------------


def test_balance_sheet_follows_rkr_and_notes_start_at_one(kansli_client, association):
    from budgets import services as budget_services
    from budgets.models import BalanceLine, BudgetLine

    fy = budget_services.fiscal_year_ensure(association=association, year=2024)
    budget_services.year_end_save(fiscal_year=fy, data={"equity_opening": Decimal(100)})
    line = budget_services.budget_line_save(
        association=association, data={"group": BudgetLine.OTHER_INCOME, "name": "Övrigt"}
    )
    budget_services.actuals_set(fiscal_year=fy, line=line, month=12, amount=Decimal(50))
    budget_services.balance_lines_replace(
        fiscal_year=fy,
        rows=[
            (BalanceLine.CASH, "Bank", Decimal(150), ""),
            (BalanceLine.PLACEMENTS, "Placeringar", Decimal(0), ""),
        ],
    )
    doc = documents.annual_report(association, 2024)
    balance = next(t for t in doc.tables if t.sheet == "Balansräkning")
    labels = [r.label for r in balance.rows]
    for earlier, later in zip(
        [
            "Tillgångar",
            "Anläggningstillgångar",
            "Omsättningstillgångar",
            "Summa omsättningstillgångar",
            "Summa tillgångar",
            "Eget kapital, avsättningar och skulder",
            "Summa eget kapital, avsättningar och skulder",
        ],
        [
            "Anläggningstillgångar",
            "Omsättningstillgångar",
            "Summa omsättningstillgångar",
            "Summa tillgångar",
            "Eget kapital, avsättningar och skulder",
            "Summa eget kapital, avsättningar och skulder",
            "Ansvarsförbindelser",
        ],
        strict=True,
    ):
        assert labels.index(earlier) < labels.index(later)
    assert balance.label_heading == "Belopp i kr"
    assert [r.label for r in balance.rows if r.strong][0] == "Summa anläggningstillgångar"
    notes = next(s for s in doc.sections if s.anchor == "noter")
    captions = [b.caption for b in notes.blocks if isinstance(b, documents.Table)]
    numbers = [int(re.match(r"Not (\d+)\.", c).group(1)) for c in captions]
    assert numbers == list(range(2, 2 + len(numbers)))  # Not 1 is the principles
    assert not any("placeringar" in c.lower() for c in captions)  # empty note left out
    html = render.print_html(doc)
    assert "Not 1. Redovisningsprinciper" in html


def test_pdf_ua_marks_running_header_and_page_numbers_as_artifacts(association):
    doc = documents.annual_report(association, 2024)
    pdf = PdfReader(io.BytesIO(render.pdf_bytes(doc, "pdf/ua-1")))
    reached: set[tuple[int, int]] = set()

    def walk(node, page):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            reached.add((page, node))
        elif isinstance(node, list):
            for child in node:
                walk(child, page)
        elif hasattr(node, "keys"):
            if "/Pg" in node:
                page = node.raw_get("/Pg").idnum
            if "/MCID" in node:
                reached.add((page, int(node["/MCID"])))
            elif "/K" in node:
                walk(node["/K"], page)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"]["/K"], None)
    page = pdf.pages[2]
    data = page.get_contents().get_data()
    marked = [int(m) for m in re.findall(rb"/MCID (\d+)", data)]
    assert marked and all((page.indirect_reference.idnum, m) in reached for m in marked)
    assert b"/Artifact" in data
    assert "Sida 3 av" in page.extract_text()  # still printed, as an artifact
