"""The consistency check of a document (reporting/consistency.py): each rule passes a
document that holds together and fails on one made to break it, with a sentence that
names the table and the figures; the check reaches the decision checklist; the demo's
seed documents pass it."""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from members.models import Association
from reporting import consistency, decisions, documents
from reporting.documents import MIXED, Document, Row, Section, Table, Text

# Västerås 2020 (seed 002): årets resultat 187 326, eget kapital 8 241 303.
RESULT, EQUITY = D(187326), D(8241303)


def _document() -> Document:
    """A small annual report 2020 whose figures agree everywhere."""
    income = Table(
        "Resultaträkning",
        ["2020", "2019"],
        [
            Row("Verksamhetens intäkter", [D(13310000), D(13392000)], note="2"),
            Row("Verksamhetens kostnader", [D(-13122674), D(-12115524)]),
            Row("Årets resultat", [RESULT, D(1276476)], True),
        ],
        notes=True,
    )
    overview = Table(
        "Översikt över verksamhetens utveckling",
        ["2020", "2019"],
        [Row("Årets resultat (tkr)", [D(187), D(1276)], True)],
        unit=MIXED,
    )
    balance_requirement = Table(
        "Balanskravsresultat",
        ["2020", "2019"],
        [
            Row("Årets resultat enligt resultaträkningen", [RESULT, D(1276476)]),
            Row("Avgår samtliga realisationsvinster", [D(0), D(0)]),
            Row("Balanskravsresultat", [RESULT, D(1276476)], True),
        ],
    )
    equity = Table(
        "Not 3. Eget kapital",
        ["2020-12-31", "2019-12-31"],
        [
            Row("Ingående eget kapital", [D(8053977), D(6777501)]),
            Row("Årets resultat", [RESULT, D(1276476)]),
            Row("Utgående eget kapital", [EQUITY, D(8053977)], True),
        ],
    )
    income_note = Table(
        "Not 2. Verksamhetens intäkter",
        ["2020", "2019"],
        [
            Row("Staten (AF+FK)", [D(6655000), D(6696000)]),
            Row("Region Västmanland", [D(3327500), D(3348000)]),
            Row("Västerås stad", [D(3327500), D(3348000)]),
            Row("Summa", [D(13310000), D(13392000)], True),
        ],
    )
    shares = Table(
        "Kostnadsfördelning 2020, andel av verksamhetens kostnader",
        ["Utfall 2020 (kr)", "Andel utfall 2020 (%)"],
        [
            Row("Individinsatser", [D(9661477), 74]),
            Row("Strukturella insatser", [D(2024050), 15]),
            Row("Administration", [D(1437147), 11]),
            Row("Summa verksamhetens kostnader", [D(13122674), D(100)], True),
        ],
        unit=MIXED,
        shares_of_whole=["Andel utfall 2020 (%)"],
    )
    return Document(
        kind="arsredovisning",
        slug="arsredovisning",
        title="Årsredovisning 2020",
        association=Association(name="Samordningsförbundet Västerås", slug="vasteras"),
        year=2020,
        sections=[
            Section("forvaltningsberattelse", "1", "Förvaltningsberättelse", [overview, shares]),
            Section("balanskrav", "", "Balanskravsresultat", [balance_requirement]),
            Section("resultatrakning", "2", "Resultaträkning", [income]),
            Section(
                "noter",
                "6",
                "Noter",
                [
                    Text("<p><strong>Not 1. Redovisningsprinciper</strong></p>"),
                    income_note,
                    equity,
                ],
            ),
        ],
    )


def _check(doc: Document) -> list[str]:
    """The findings with plain spaces (figures print with non-breaking ones)."""
    return [f.replace("\xa0", " ").replace("\u2212", "-") for f in consistency.check(doc)]


def _table(doc: Document, caption: str) -> Table:
    return next(t for t in doc.tables if t.caption == caption)


def test_a_document_that_holds_together_passes():
    assert consistency.check(_document()) == []


def test_it_finds_a_result_printed_differently_in_the_equity_note():
    doc = _document()
    _table(doc, "Not 3. Eget kapital").rows[1].values[0] = D(187000)
    assert _check(doc) == [
        "Årets resultat 2020 är 187 326 kr i ”Balanskravsresultat” men 187 000 kr i "
        "”Not 3. Eget kapital”."
    ]


def test_it_finds_a_result_in_tkr_that_is_not_the_rounded_krona_figure():
    doc = _document()
    _table(doc, "Översikt över verksamhetens utveckling").rows[0].values[0] = D(188)
    (finding,) = _check(doc)
    assert finding == (
        "Årets resultat 2020 är 187 326 kr i ”Balanskravsresultat” men 188 tkr i "
        "”Översikt över verksamhetens utveckling”."
    )


def test_it_finds_income_that_the_note_does_not_sum_to():
    doc = _document()
    _table(doc, "Not 2. Verksamhetens intäkter").rows[-1].values[0] = D(13300000)
    (finding,) = _check(doc)
    assert "13 310 000 kr i ”Resultaträkning” men 13 300 000 kr" in finding


def test_it_finds_shares_of_one_whole_that_do_not_sum_to_100():
    doc = _document()
    _table(doc, "Kostnadsfördelning 2020, andel av verksamhetens kostnader").rows[0].values[1] = (
        73  # 73 + 15 + 11 = 99, as a share of the income would be
    )
    assert _check(doc) == [
        "Andelarna i kolumnen ”Andel utfall 2020 (%)” i ”Kostnadsfördelning 2020, andel av "
        "verksamhetens kostnader” summerar till 99 %, inte 100 %."
    ]


def test_shares_of_the_income_are_not_held_to_100():
    doc = _document()
    table = _table(doc, "Kostnadsfördelning 2020, andel av verksamhetens kostnader")
    table.shares_of_whole = []
    table.rows[0].values[1] = 73
    assert _check(doc) == []


def test_it_finds_a_row_of_only_dashes():
    doc = _document()
    _table(doc, "Resultaträkning").rows.insert(1, Row("Övriga intäkter", [None, None]))
    assert _check(doc) == ["Raden ”Övriga intäkter” i ”Resultaträkning” har bara streck."]


def test_it_finds_a_year_printed_as_only_zeros():
    """A previous year holding only key figures, printed as zeros (Västerås 2019's
    resultaträkning printed 2018 so)."""
    doc = _document()
    for row in _table(doc, "Resultaträkning").rows:
        row.values[1] = D(0)
    assert _check(doc) == ["Kolumnen ”2019” i ”Resultaträkning” har bara nollor."]


def test_a_quantity_that_is_zero_every_year_is_a_true_figure():
    doc = _document()
    doc.sections[0].blocks.append(
        Table(
            "Eget kapital under budgetperioden",
            ["Ingående eget kapital (kr)", "Resultat (kr)"],
            [Row("Budget 2021", [D(417600), D(0)]), Row("Plan 2022", [D(417600), D(0)])],
            unit=MIXED,
        )
    )
    assert _check(doc) == []


def test_it_finds_a_note_referred_to_that_is_not_there():
    doc = _document()
    _table(doc, "Resultaträkning").rows[1].note = "4"
    assert _check(doc) == [
        "Verksamhetens kostnader i ”Resultaträkning” hänvisar till not 4, som inte finns."
    ]


def test_the_decision_checklist_shows_the_contradictions():
    doc = _document()
    broken = copy.deepcopy(doc)
    _table(broken, "Resultaträkning").rows[0].note = "9"
    assert decisions.check_document(doc).warnings == []
    assert (
        decisions.check_document(broken).warnings
        == consistency.check(broken)
        == ["Verksamhetens intäkter i ”Resultaträkning” hänvisar till not 9, som inte finns."]
    )


_DEMO: dict = {}

SEED_DOCUMENTS = [
    ("vasteras", documents.annual_report, 2020),
    ("vastmanland", documents.annual_report, 2024),
    ("vasteras", documents.plan, 2022),
    ("vastra-malardalen", documents.plan, 2021),
    ("vastra-malardalen", documents.plan, 2023),
    # not seeds, but years whose previous year holds only balances and key figures
    ("vasteras", documents.annual_report, 2019),
    ("vastmanland", documents.annual_report, 2023),
]


@pytest.fixture
def demo_findings(db):
    if not _DEMO:
        call_command("load_demo", verbosity=0)
        for slug, build, year in SEED_DOCUMENTS:
            doc = build(Association.objects.get(slug=slug), year)
            _DEMO[(slug, build.__name__, year)] = (doc, _check(doc))
    return _DEMO


@pytest.mark.parametrize("slug,build,year", SEED_DOCUMENTS)
def test_the_demo_documents_hold_together(demo_findings, slug, build, year):
    doc, findings = demo_findings[(slug, build.__name__, year)]
    assert findings == []
    assert doc.tables  # a document with something to check


def test_the_check_compares_real_places_in_the_demo(demo_findings):
    """Västerås 2020 prints årets resultat in eight tables and the equity in three:
    the check compares them all, so a test of it cannot pass by finding nothing."""
    doc, _ = demo_findings[("vasteras", "annual_report", 2020)]
    tables = [t for t in doc.tables if t.unit != "text"]
    result, equity = consistency.CONCEPTS[0], consistency.CONCEPTS[1]
    assert [p.value for p in consistency._printed(result, 2020, tables)] == [D(187)] + [
        D(187326)
    ] * 7
    assert [p.value for p in consistency._printed(equity, 2020, tables)] == [EQUITY] * 3
