"""A document checked against itself, as an auditor reads it: a figure printed in two
places agrees, shares of one whole sum to 100 %, no row holds only dashes, no column
only zeros, and every note a statement refers to is there.

`check(doc)` returns Swedish sentences naming the table and the figures; it runs on
the built structure (no database), when the decision checklist is made
(`reporting.decisions.check_document`), so a contradiction is seen before the board
decides, never after."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from finsam.money import format_kronor, format_number, round_to
from reporting.documents.blocks import TEXT, Document, Table, Text

NOTE_HEADING = re.compile(r"Not (\d+)\.")


@dataclass(frozen=True)
class _Concept:
    """One figure of the year that several tables print: the rows that carry it, by
    label (and, for a plain "Summa", by the note it sums)."""

    name: str
    labels: frozenset[str]
    sums: str = ""  # a note's caption whose "Summa" row carries the figure
    absolute: bool = False  # printed positive in some tables (costs)

    def carries(self, caption: str, label: str) -> bool:
        if label in self.labels:
            return True
        return bool(self.sums) and label == "Summa" and caption.endswith(self.sums)


CONCEPTS = (
    _Concept(
        "Årets resultat",
        frozenset(
            {
                "Årets resultat",
                "Årets resultat enligt resultaträkningen",
                "Årets resultat (tkr)",
                "Summa efter finansiella poster",
            }
        ),
    ),
    _Concept(
        "Eget kapital vid årets slut",
        frozenset({"Summa eget kapital", "Utgående eget kapital", "Eget kapital vid årets slut"}),
    ),
    _Concept(
        "Verksamhetens intäkter",
        frozenset({"Verksamhetens intäkter", "Verksamhetens intäkter (tkr)"}),
        sums=". Verksamhetens intäkter",
    ),
    _Concept(
        "Verksamhetens kostnader",
        frozenset(
            {
                "Verksamhetens kostnader",
                "Verksamhetens kostnader (tkr)",
                "Summa verksamhetens kostnader",
            }
        ),
        absolute=True,
    ),
    _Concept("Likvida medel", frozenset({"Kassa och bank", "Likvida medel vid årets slut"})),
)


def check(doc: Document) -> list[str]:
    """Every contradiction in the document, as sentences for the checklist."""
    tables = [t for t in doc.tables if t.unit != TEXT]
    found: list[str] = []
    found.extend(_figures_disagree(doc.year, tables))
    for table in tables:
        found.extend(_shares_not_whole(table))
        found.extend(_rows_of_dashes(table))
        found.extend(_columns_of_zeros(table))
    found.extend(_missing_notes(doc))
    return found


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _this_year(heading: str, year: int) -> bool:
    """A column of the document's own year's outcome (not its budget, not a share)."""
    return heading in (
        str(year),
        f"{year}-12-31",
        f"Utfall {year}",
        f"Utfall {year} netto",
        f"Utfall {year} (kr)",
    )


@dataclass(frozen=True)
class _Printed:
    caption: str
    value: Decimal
    in_tkr: bool  # the value is printed in whole tkr (the five-year overview)


def _printed(concept: _Concept, year: int, tables: list[Table]) -> list[_Printed]:
    places = []
    for table in tables:
        columns = [i for i, h in enumerate(table.columns) if _this_year(h, year)]
        for row in table.rows:
            if row.heading or not concept.carries(table.caption, row.label):
                continue
            for i in columns:
                value = _number(row.values[i]) if i < len(row.values) else None
                if value is None:
                    continue
                value = abs(value) if concept.absolute else value
                places.append(_Printed(table.caption, value, "(tkr)" in row.label))
    return places


def _figures_disagree(year: int, tables: list[Table]) -> list[str]:
    found = []
    for concept in CONCEPTS:
        places = _printed(concept, year, tables)
        exact = [p for p in places if not p.in_tkr]
        if not exact:
            continue
        first = exact[0]
        for place in places:
            if place is first:
                continue
            if place.in_tkr:
                agrees = round_to(first.value / 1000, 0) == place.value
                shown = f"{format_number(place.value)} tkr"
            else:
                agrees = round_to(first.value, 0) == round_to(place.value, 0)
                shown = f"{format_kronor(place.value)} kr"
            if not agrees:
                found.append(
                    f"{concept.name} {year} är {format_kronor(first.value)} kr i "
                    f"”{first.caption}” men {shown} i ”{place.caption}”."
                )
    return found


def _shares_not_whole(table: Table) -> list[str]:
    found = []
    for heading in table.shares_of_whole:
        if heading not in table.columns:
            continue
        i = table.columns.index(heading)
        values = [
            v
            for r in table.rows
            if not r.heading and not r.strong and i < len(r.values)
            if (v := _number(r.values[i])) is not None
        ]
        if not values:
            continue
        total = sum(values, Decimal(0))
        whole = all(v == v.to_integral_value() for v in values)
        if abs(total - 100) > (0 if whole else Decimal("0.1")):
            found.append(
                f"Andelarna i kolumnen ”{heading}” i ”{table.caption}” summerar till "
                f"{format_number(total, 0 if whole else 1)} %, inte 100 %."
            )
    return found


def _rows_of_dashes(table: Table) -> list[str]:
    return [
        f"Raden ”{r.label}” i ”{table.caption}” har bara streck."
        for r in table.rows
        if not r.heading and r.values and all(v in (None, "") for v in r.values)
    ]


YEAR = re.compile(r"\b(19|20)\d\d\b")


def _columns_of_zeros(table: Table) -> list[str]:
    """A year printed as nothing but zeros (a year whose outcome is not stored); a
    quantity that is zero every year (a budget in balance) is a true figure."""
    found = []
    for i, heading in enumerate(table.columns):
        if not YEAR.search(heading):
            continue
        cells = [r.values[i] if i < len(r.values) else None for r in table.rows if not r.heading]
        numbers = [_number(v) for v in cells]
        if len(cells) > 1 and all(n is not None and n == 0 for n in numbers):
            found.append(f"Kolumnen ”{heading}” i ”{table.caption}” har bara nollor.")
    return found


def _missing_notes(doc: Document) -> list[str]:
    present: set[str] = set()
    referred: dict[str, str] = {}
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                if m := NOTE_HEADING.match(block.caption):
                    present.add(m.group(1))
                for row in block.rows:
                    if row.note:
                        referred.setdefault(row.note, f"{row.label} i ”{block.caption}”")
            elif isinstance(block, Text):
                present.update(NOTE_HEADING.findall(str(block.html)))
    return [
        f"{where} hänvisar till not {note}, som inte finns."
        for note, where in sorted(referred.items())
        if note not in present
    ]
