"""The documents as HTML, PDF and XLSX, from the demo data: the reference figures in
Swedish format, page numbers in the contents, decided PDFs byte for byte, sanitised
texts."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from budgets import services as budget_services
from budgets.models import FiscalYear
from members.models import Association, UserRole
from reporting import documents, render
from reporting.models import AR, DecidedDocument
from reporting.services import narrative_save
from tests.decisions import reopen

DOCUMENTS = [
    ("vasteras", "arsredovisning", 2020),
    ("vasteras", "bokslut", 2019),
    ("vasteras", "verksamhetsplan", 2022),
    ("vasteras", "uppfoljning", 2022),
    ("vastmanland", "arsredovisning", 2024),
    ("vastmanland", "bokslut", 2023),
    ("vastmanland", "verksamhetsplan", 2024),
    ("vastmanland", "bokslut", 2024),
    ("vastra-malardalen", "verksamhetsplan", 2023),
    ("vastra-malardalen", "verksamhetsplan", 2021),
]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def reader(demo, revisor_user, client):
    for association in Association.objects.filter(slug__in=[d[0] for d in DOCUMENTS]):
        UserRole.objects.get_or_create(
            user=revisor_user, association=association, defaults={"role": UserRole.REVISOR}
        )
    client.force_login(revisor_user)
    return client


def _text(pdf: bytes) -> list[str]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [(p.extract_text() or "").replace("\xa0", " ").replace("\u202f", " ") for p in pages]


@pytest.mark.parametrize("slug,kind,year", DOCUMENTS)
def test_every_document_renders_as_html_pdf_and_xlsx(reader, slug, kind, year):
    base = f"/{slug}/dokument/{kind}/{year}/"
    page = reader.get(base)
    assert page.status_code == 200
    assert "<script" not in page.content.decode().split("<main", 1)[-1].split("</main>")[0]
    pdf = reader.get(base + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content).startswith(b"%PDF")
    xlsx = reader.get(base + "xlsx/")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames


def test_annual_report_2024_pdf_has_the_reference_figures(demo):
    vml = Association.objects.get(slug="vastmanland")
    pdf = render.pdf_bytes(documents.annual_report(vml, 2024))
    text = "\n".join(_text(pdf))
    for figure in (
        "19 042 563",
        "−19 147 198",
        "246 567",
        "−60 154",
        "81 778",
        "266 361",
        "8 197 546",
        "8 463 907",
        "4 028 486",
        "981 654",
        "3 453 767",
        "495 797",
        "577 575",
        "2 329 225",
        "3 519 143",
        "5 848 368",
        "47,6",
    ):
        assert figure in text, figure
    # The demo closes 2024 at the board's decision; the date alone, as the seed gives it.
    assert "Beslutad av styrelsen 2025-03-27." in text
    assert "Utkast – inte beslutat" not in text


def test_vasteras_2020_pdf_has_the_reference_figures(demo):
    vas = Association.objects.get(slug="vasteras")
    text = "\n".join(_text(render.pdf_bytes(documents.annual_report(vas, 2020))))
    for figure in (
        "13 310 000",
        "−13 122 674",
        "187 326",
        "371 691",
        "11 352 229",
        "11 723 920",
        "8 241 303",
        "3 482 617",
        "236 548",
        "677 310",
        "1 101 184",
    ):
        assert figure in text, figure


def test_contents_page_numbers_match_the_pages(demo):
    vml = Association.objects.get(slug="vastmanland")
    doc = documents.annual_report(vml, 2024)
    pages = _text(render.pdf_bytes(doc))
    toc_index = next(i for i, p in enumerate(pages) if "Innehåll" in p)
    checked = 0
    for section in doc.contents:
        heading = f"{section.number} {section.title}".strip()
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)\s*$", pages[toc_index], re.M)
        assert match, heading
        page_number = int(match.group(1))
        start = heading[:28]  # a long heading wraps in the PDF
        found = next(
            i + 1
            for i, p in enumerate(pages)
            if i != toc_index and any(line.strip().startswith(start) for line in p.splitlines())
        )
        assert page_number == found, heading
        checked += 1
    assert checked >= 10


def test_xlsx_holds_the_computed_numbers(demo):
    vml = Association.objects.get(slug="vastmanland")
    workbook = load_workbook(io.BytesIO(render.xlsx_bytes(documents.annual_report(vml, 2024))))
    sheet = workbook["Resultaträkning"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    assert rows["Årets resultat"][1:] == (81778, -711953)  # after the note column
    assert rows["Verksamhetens intäkter"] == ("2", 19042563, 7130004)
    cash = {r[0]: r[1:] for r in workbook["Kassaflödesanalys"].iter_rows(values_only=True)}
    assert cash["Årets kassaflöde"] == (5848368, -549844)
    drift = {r[0]: r[1:] for r in workbook["Driftredovisning"].iter_rows(values_only=True)}
    assert drift["Samordningsteam Västerås"][5] == -6200000  # budget net, in kronor


def test_decided_annual_report_is_the_same_bytes_on_every_download(reader, kansli_user):
    vml = Association.objects.get(slug="vastmanland")
    fy = FiscalYear.objects.get(association=vml, year=2024)
    # The demo closes 2024 at the board's decision, 2025-03-27 (the seed's cover).
    assert fy.closed_on == datetime.date(2025, 3, 27)
    first = reader.get("/vastmanland/dokument/arsredovisning/2024/pdf/")
    second = reader.get("/vastmanland/dokument/arsredovisning/2024/pdf/")
    assert first.content == second.content
    stored = DecidedDocument.objects.get(association=vml, document=AR, year=2024)
    assert hashlib.sha256(first.content).hexdigest() == stored.sha256 == first["X-Content-SHA256"]
    xmp = PdfReader(io.BytesIO(first.content)).xmp_metadata.stream.get_data()
    assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp  # PDF/A-2b
    assert "UTKAST" not in "\n".join(_text(first.content))
    page = reader.get("/vastmanland/revision/").content.decode()
    assert stored.sha256 in page
    assert (
        stored.sha256 in reader.get("/vastmanland/dokument/arsredovisning/2024/").content.decode()
    )


def test_markdown_with_script_renders_inert(demo, kansli_user, client):
    vml = Association.objects.get(slug="vastmanland")
    reopen(vml, 2024)  # closed by the demo at its annual report
    narrative_save(
        association=vml,
        document=AR,
        year=2024,
        key="forord",
        body='Hej <script>alert("x")</script> **styrelsen** <img src=x onerror=alert(1)> [l](javascript:alert(1))',
    )
    UserRole.objects.create(user=kansli_user, association=vml, role=UserRole.KANSLI)
    client.force_login(kansli_user)
    html = client.get("/vastmanland/dokument/arsredovisning/2024/").content.decode()
    assert "<strong>styrelsen</strong>" in html
    assert 'alert("x")' not in html and "onerror" not in html and "javascript:" not in html


def test_texts_page_saves_copies_and_refuses_a_stale_form(demo, kansli_user, client):
    vml = Association.objects.get(slug="vastmanland")
    UserRole.objects.create(user=kansli_user, association=vml, role=UserRole.KANSLI)
    client.force_login(kansli_user)
    url = "/vastmanland/dokument/arsredovisning/2025/texter/"
    reopen(vml, 2024)  # closed by the demo at its annual report
    narrative_save(association=vml, document=AR, year=2024, key="utveckling", body="Förra året.")
    assert client.post(url, {"key": "utveckling", "action": "copy"}).status_code == 302
    response = client.post(url, {"key": "utveckling", "version": "1", "body": "Nytt år."})
    assert response.status_code == 302
    stale = client.post(url, {"key": "utveckling", "version": "1", "body": "Gammalt formulär."})
    assert stale.status_code == 400
    assert "har ändrats av någon annan" in stale.content.decode()
    assert "Gammalt formulär." in stale.content.decode()  # what was typed is kept


def test_building_a_document_does_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vml = Association.objects.get(slug="vastmanland")
    reopen(vml, 2024)  # closed by the demo at its annual report
    with CaptureQueriesContext(connection) as small:
        documents.annual_report(vml, 2024)
    from decimal import Decimal

    from budgets.models import BudgetLine

    fy = FiscalYear.objects.get(association=vml, year=2024)
    for i in range(30):
        line = budget_services.budget_line_save(
            association=vml, data={"group": BudgetLine.INSATS, "name": f"Extra {i}"}
        )
        for month in range(1, 13):
            budget_services.actuals_set(fiscal_year=fy, line=line, month=month, amount=Decimal(0))
    with django_assert_max_num_queries(len(small.captured_queries)):
        documents.annual_report(vml, 2024)


def test_every_listed_document_of_every_demo_association_renders(reader):
    """Whatever the documents page lists, for each demo association and year, renders
    as a page, a PDF and a workbook; an annual report decided outside Finsam says so on
    its page and, with no file of it uploaded, at its downloads."""
    rendered = outside = 0
    for slug in ("vasteras", "vastmanland", "vastra-malardalen"):
        index = reader.get(f"/{slug}/dokument/").content.decode()
        links = sorted(set(re.findall(rf'href="(/{slug}/dokument/[a-z]+/\d{{4}}/)"', index)))
        assert links, slug
        for link in links:
            page = reader.get(link)
            assert page.status_code == 200, link
            if "upprättades och beslutades utanför Finsam" in page.content.decode():
                assert reader.get(link + "pdf/").status_code == 404, link
                assert reader.get(link + "xlsx/").status_code == 404, link
                outside += 1
                continue
            pdf = reader.get(link + "pdf/")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), link
            xlsx = reader.get(link + "xlsx/")
            assert load_workbook(io.BytesIO(xlsx.content)).sheetnames, link
            rendered += 1
    assert rendered >= 12
    assert outside == 8  # Västerås 2018-2019, Västmanland 2022-2023, V. Mälardalen 2018-2021


def test_plan_budget_tables_follow_the_seed(demo):
    """Västra Mälardalen 2023 (seed 003): result −447 tkr, equity 746 → 299 tkr."""
    vm = Association.objects.get(slug="vastra-malardalen")
    doc = documents.plan(vm, 2023)
    tables = {t.sheet: t for t in doc.tables}
    result = next(r for r in tables["Resultatbudget"].rows if r.label == "Årets resultat")
    assert result.values[3] == -447000
    equity = {r.label: r.values[:3] for r in tables["Eget kapital budget"].rows}
    assert equity["Prognos 2022"] == [1348000, -602000, 746000]
    assert equity["Budget 2023"] == [746000, -447000, 299000]
    text = "\n".join(_text(render.pdf_bytes(doc)))
    assert "−447" in text and "299 000" in text


def test_a_budget_group_without_figures_prints_no_heading(demo):
    """Västmanland 2024 budgets no other income and no financial items: the
    resultatbudget has no group heading standing over nothing."""
    vm = Association.objects.get(slug="vastmanland")
    table = next(t for t in documents.plan(vm, 2024).tables if t.sheet == "Resultatbudget")
    headings = [r.label for r in table.rows if r.heading]
    assert headings == [
        "MEDLEMSBIDRAG",
        "VERKSAMHETENS KOSTNADER",
        "KOSTNADER INSATSER",
        "OFÖRDELADE MEDEL",
    ]
    for row, following in zip(table.rows, table.rows[1:], strict=False):
        if row.heading:
            assert not following.heading and not following.strong, row.label


def test_pdf_ua_is_tagged_with_its_language(reader):
    response = reader.get("/vasteras/dokument/verksamhetsplan/2022/pdf-ua/")
    pdf = PdfReader(io.BytesIO(response.content))
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert b'pdfuaid:part="1"' in pdf.xmp_metadata.stream.get_data()


def test_logo_upload_refuses_a_non_image_and_shows_a_png(demo, kansli_user, client):
    from PIL import Image

    vml = Association.objects.get(slug="vastmanland")
    UserRole.objects.create(user=kansli_user, association=vml, role=UserRole.KANSLI)
    client.force_login(kansli_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        "/vastmanland/dokument/logotyp/",
        {"file": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>")},
    )
    assert bad.status_code == 400 and "ingen bild" in bad.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    ok = client.post(
        "/vastmanland/dokument/logotyp/",
        {"file": SimpleUploadedFile("logo.png", buffer.getvalue())},
    )
    assert ok.status_code == 302
    page = client.get("/vastmanland/dokument/verksamhetsplan/2024/").content.decode()
    assert 'src="data:image/png;base64,' in page


def test_a_cost_category_without_costs_is_left_out_of_table_and_chart(demo):
    """Västerås has no processtöd (its seed's cost distribution has three categories),
    so neither the distribution nor the cost note prints it; Västmanland has (10 % in
    2024)."""

    def distribution(doc):
        """The cost distribution's table and the chart printed just before it."""
        blocks = [b for s in doc.sections for b in s.blocks]
        at = next(
            i
            for i, b in enumerate(blocks)
            if isinstance(b, documents.Table) and b.sheet == "Kostnadsfördelning"
        )
        assert isinstance(blocks[at - 1], documents.Chart)
        return [r.label for r in blocks[at].rows], str(blocks[at - 1].svg)

    vasteras = Association.objects.get(slug="vasteras")
    labels, svg = distribution(documents.annual_report(vasteras, 2020))
    assert labels == [
        "Individinsatser",
        "Strukturella insatser",
        "Administration",
        "Summa verksamhetens kostnader",
    ]
    assert "Processtöd" not in svg and "Individinsatser" in svg
    doc = documents.annual_report(vasteras, 2020)
    note = next(t for t in doc.tables if t.caption.endswith("Verksamhetens kostnader"))
    assert [r.label for r in note.rows] == [
        "Individinsatser",
        "Strukturella insatser",
        "Administration",
        "Summa verksamhetens kostnader",
    ]
    vastmanland = Association.objects.get(slug="vastmanland")
    labels, svg = distribution(documents.annual_report(vastmanland, 2024))
    assert "Processtöd" in labels and "Processtöd" in svg
