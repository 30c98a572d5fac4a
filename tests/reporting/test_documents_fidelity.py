"""Fidelity to the source documents: each demo document has the seed's chapters in
the seed's order and prints every figure of the seed whose arithmetic holds next to
its label (tests/reporting/fidelity_seeds.py lists them, and the ones that differ
with the reason). Charts need data; no column of dashes is printed; no page of the
PDF holds only a stray row or heading."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from members.models import Association
from reporting import documents, render
from tests.reporting.fidelity_seeds import SEEDS

BUILD = {"arsredovisning": documents.annual_report, "verksamhetsplan": documents.plan}


def _normalise(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u202f", " ").replace("−", "-")
    return re.sub(r"\s+", " ", text)


_RENDERED: dict = {}


@pytest.fixture
def rendered(db):
    """Every seed's demo document, built and rendered once for the module (the
    results are plain text and structures, kept after the test's rollback)."""
    if not _RENDERED:
        call_command("load_demo", verbosity=0)
        for key, seed in SEEDS.items():
            association = Association.objects.get(slug=seed["association"])
            doc = BUILD[seed["document"]](association, seed["year"])
            pdf = render.pdf_bytes(doc)
            pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]
            _RENDERED[key] = {"doc": doc, "pages": pages, "html": render.print_html(doc)}
    return _RENDERED


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
