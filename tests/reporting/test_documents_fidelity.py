"""Fidelity to the source documents, tested on what the auditor receives: each seed
document is downloaded as a revisor downloads it (its URL, the stored bytes of the
decided plan or the closed year's annual report, checked against the stored PDF/A and
its SHA-256) and held to the seed: the seed's chapters in the seed's order and every
figure of the seed whose arithmetic holds next to its label
(tests/reporting/fidelity_seeds.py lists them, and the ones that differ with the
reason). The decided document carries everything a fresh build of it has; charts need
data; no column of dashes is printed; no page of the PDF holds only a stray row or
heading; nothing in a document speaks of the demo or its sources."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from budgets.models import FiscalYear
from members.models import Association, UserRole
from reporting import documents, render, snapshots
from reporting.models import AR, VP, DecidedDocument
from tests.reporting.fidelity_seeds import SEEDS

BUILD = {"arsredovisning": documents.annual_report, "verksamhetsplan": documents.plan}
KIND = {"arsredovisning": AR, "verksamhetsplan": VP}


def _normalise(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u202f", " ").replace("−", "-")
    return re.sub(r"\s+", " ", text)


_RECEIVED: dict = {}


def _shape(doc: documents.Document) -> dict:
    """What a document is made of: its tables' columns and row labels, by caption."""
    return {t.caption: (list(t.columns), [r.label for r in t.rows]) for t in doc.tables}


def _receive(client: Client, key: str, seed: dict) -> dict:
    association = Association.objects.get(slug=seed["association"])
    url = f"/{association.slug}/dokument/{seed['document']}/{seed['year']}/pdf/"
    response = client.get(url)
    stored = DecidedDocument.objects.get(
        association=association,
        document=KIND[seed["document"]],
        year=seed["year"],
        superseded=False,
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    doc = snapshots.thaw(stored.snapshot, association)
    reader = PdfReader(io.BytesIO(body))
    return {
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "header_sha256": response.get("X-Content-SHA256"),
        "pdf": body,
        "stored_pdf": bytes(stored.pdf),
        "stored_sha256": stored.sha256,
        "decided_on": stored.decided_on,
        "doc": doc,
        "shape": _shape(doc),
        "fresh_shape": _shape(BUILD[seed["document"]](association, seed["year"])),
        "xmp": reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else b"",
        "pages": [p.extract_text() or "" for p in reader.pages],
        "html": render.print_html(doc),
    }


@pytest.fixture
def rendered(db):
    """Every seed's document as a revisor downloads it from the demo, fetched once for
    the module (the results are bytes, text and structures, kept after the test's
    rollback), with each association's revision page."""
    if not _RECEIVED:
        call_command("load_demo", verbosity=0)
        revisor = get_user_model().objects.create_user(username="fidelity-revisor")
        client = Client()
        client.force_login(revisor)
        for association in Association.objects.filter(
            slug__in={s["association"] for s in SEEDS.values()}
        ):
            UserRole.objects.create(user=revisor, association=association, role=UserRole.REVISOR)
            page = client.get(f"/{association.slug}/revision/")
            _RECEIVED[f"revision:{association.slug}"] = {
                "status": page.status_code,
                "html": page.content.decode(),
                "closed": {
                    d.year: d.sha256
                    for d in DecidedDocument.objects.filter(association=association, document=AR)
                },
                "years": {
                    fy.year: (fy.closed_on, fy.report_outside)
                    for fy in FiscalYear.objects.filter(association=association)
                },
            }
        for key, seed in SEEDS.items():
            _RECEIVED[key] = _receive(client, key, seed)
    return _RECEIVED


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_revisor_receives_the_stored_decided_pdf_a(rendered, key):
    received = rendered[key]
    assert received["status"] == 200
    assert received["content_type"] == "application/pdf"
    assert received["pdf"] == received["stored_pdf"]
    assert hashlib.sha256(received["pdf"]).hexdigest() == received["stored_sha256"]
    assert received["header_sha256"] == received["stored_sha256"]
    assert b'pdfaid:part="2"' in received["xmp"], "stored as PDF/A-2"
    assert received["doc"].is_decided


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_decided_document_carries_everything_its_fresh_build_has(rendered, key):
    """The demo decides each plan and closes each year after the data it shows is in,
    so the frozen document lacks no table, column or row of a fresh build."""
    shape, fresh = rendered[key]["shape"], rendered[key]["fresh_shape"]
    assert set(fresh) <= set(shape), f"{key}: missing tables {set(fresh) - set(shape)}"
    for caption, (columns, labels) in fresh.items():
        assert shape[caption][0] == columns, f"{key}: columns of {caption!r}"
        assert shape[caption][1] == labels, f"{key}: rows of {caption!r}"


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_document_speaks_of_the_association_not_of_the_demo(rendered, key):
    text = _normalise("\n".join(rendered[key]["pages"])).lower()
    for phrase in ("paragraf ej angiven", "ej angiven i källan", "källdokument", "demodata"):
        assert phrase not in text, f"{key}: {phrase!r} printed"
    decided_on = f"{rendered[key]['decided_on']:%Y-%m-%d}"
    assert decided_on in _normalise(rendered[key]["pages"][0]), f"{key}: no decision date"


def test_the_revision_page_lists_the_closed_annual_reports_with_their_sha256(rendered):
    """Västerås 2020 and Västmanland 2024 are closed in the demo at their dates on the
    annual reports made here, stored with their SHA-256."""
    closed = {slug: rendered[f"revision:{slug}"]["closed"] for slug in ("vasteras", "vastmanland")}
    assert sorted(closed["vasteras"]) == [2020]
    assert sorted(closed["vastmanland"]) == [2024]
    for slug, years in closed.items():
        page = rendered[f"revision:{slug}"]
        assert page["status"] == 200
        for year, sha256 in years.items():
            row = re.search(rf"Årsredovisning {year}</th>.*?</tr>", page["html"], re.S)
            assert row is not None, f"{slug}: annual report {year} not listed"
            assert sha256 in row.group(0)


# Every year the seeds report, closed in date order (the year of the board's decision):
# 2020 and 2024 on the annual reports made here, the years before the association used
# Finsam on reports made and decided elsewhere.
CLOSED = {
    "vasteras": {2018: 2019, 2019: 2020, 2020: 2021},
    "vastmanland": {2022: 2023, 2023: 2024, 2024: 2025},
    "vastra-malardalen": {2018: 2019, 2019: 2020, 2020: 2021, 2021: 2022},
}
MADE_HERE = {"vasteras": {2020}, "vastmanland": {2024}, "vastra-malardalen": set()}


@pytest.mark.parametrize("slug", sorted(CLOSED))
def test_every_reported_year_is_closed_and_listed_for_the_revisor(rendered, slug):
    page = rendered[f"revision:{slug}"]
    years = page["years"]
    assert set(page["closed"]) == MADE_HERE[slug]
    for year, decided_in in CLOSED[slug].items():
        closed_on, outside = years[year]
        assert closed_on is not None and closed_on.year == decided_in, f"{slug} {year}"
        assert outside == (year not in MADE_HERE[slug]), f"{slug} {year}"
        if outside:
            assert f"Årsredovisning {year}, beslutad {closed_on:%Y-%m-%d}" in page["html"]
    closings = [years[y][0] for y in sorted(CLOSED[slug])]
    assert closings == sorted(closings), "closed in the order of the years"
    open_years = [y for y, (closed_on, _) in years.items() if closed_on is None]
    assert all(y > max(CLOSED[slug]) for y in open_years), f"{slug}: open {open_years}"


def _body(pages: list[str]) -> str:
    """The text after the contents page, so headings are found where they stand."""
    toc = next((i for i, p in enumerate(pages) if "Innehåll" in p), -1)
    return _normalise("\n".join(pages[toc + 1 :]))


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_seeds_chapters_come_in_the_seeds_order(rendered, key):
    text = _body(rendered[key]["pages"])
    position = 0
    for heading in SEEDS[key]["headings"]:
        found = text.find(_normalise(heading), position)
        assert found >= 0, f"{key}: {heading!r} missing or out of order"
        position = found + len(heading)


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_figure_of_the_seed_stands_next_to_its_label(rendered, key):
    text = _normalise("\n".join(rendered[key]["pages"]))
    missing = []
    for label, figures in SEEDS[key]["figures"]:
        wanted = _normalise(figures)
        start = _normalise(label)[:24]  # long labels wrap in the PDF
        near = [
            text[m.start() : m.start() + len(label) + len(wanted) + 60]
            for m in re.finditer(re.escape(start), text)
        ]
        if not any(wanted in window for window in near):
            missing.append((label, figures))
    assert not missing, f"{key}: {missing}"
    for phrase in SEEDS[key].get("absent", []):
        assert _normalise(phrase) not in text, f"{key}: {phrase!r} printed"
    doubled = re.findall(r".{30}(?:\.;|(?<!\.)\.\.(?!\.)).{10}", text)
    assert not doubled, f"{key}: doubled punctuation {doubled}"


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_no_column_of_dashes_and_no_chart_without_data(rendered, key):
    doc = rendered[key]["doc"]
    for table in doc.tables:
        if table.unit == "text":
            continue
        for i, heading in enumerate(table.columns):
            cells = [r.values[i] for r in table.rows if not r.heading and i < len(r.values)]
            assert any(v not in (None, "") for v in cells), (
                f"{key}: column {heading!r} of {table.caption!r} is empty"
            )
    html = rendered[key]["html"]
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        bars = re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)" height="14"', svg)
        assert bars and all(float(w) > 0 for w in bars), f"{key}: a chart with an empty bar"
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, documents.Chart):
                assert block.svg, f"{key}: empty chart in {section.title}"


# The running header and footer alone are about 90 characters; a page below this holds
# a few lines at most: a table's last rows or a heading that should have stayed with
# the rest.
MIN_PAGE_TEXT = 400


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_no_page_after_the_cover_holds_only_a_few_lines(rendered, key):
    pages = rendered[key]["pages"]
    short = {
        number: _normalise(text)[:80]
        for number, text in enumerate(pages[1:], start=2)
        if len(_normalise(text)) < MIN_PAGE_TEXT
    }
    assert not short, f"{key}: near-empty pages {short}"


def test_the_risk_analysis_stays_on_one_page_with_its_heading(rendered):
    """Västerås 2022 (seed 001): the risk table used to leave its last two rows alone
    on the last page."""
    pages = [_normalise(p) for p in rendered["001"]["pages"]]
    heading = [i for i, p in enumerate(pages) if "Bilaga 2 Risk- och konsekvensanalys" in p]
    first_risk = [i for i, p in enumerate(pages) if "Nya covidrestriktioner" in p]
    last_risk = [i for i, p in enumerate(pages) if "Ettåriga budgetprocesser" in p]
    assert heading[-1:] == first_risk == last_risk
