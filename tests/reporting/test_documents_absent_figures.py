"""Absent is not zero: where a demo document has no figure (no outcome the year
before, no budget), its table leaves the cell empty and drops a column with nothing
in it, rather than printing a column of 0 (as the Västmanland 2023 report's "Utfall
2022" did for the year before the association had any books)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import Actual
from members.models import Association
from reporting import documents
from reporting.documents.blocks import Chart, Row, Section, Table


def _tables(section: Section):
    for block in section.blocks:
        if isinstance(block, Table):
            yield block
        elif isinstance(block, Chart) and block.table is not None:
            yield block.table


def _zero_columns(table: Table) -> list[str]:
    rows = [r for r in table.rows if not r.heading]
    return [
        name
        for i, name in enumerate(table.columns)
        if rows
        and all(
            i < len(r.values)
            and isinstance(r.values[i], int | Decimal)
            and not isinstance(r.values[i], bool)
            and r.values[i] == 0
            for r in rows
        )
    ]


@pytest.mark.django_db
def test_no_driftredovisning_table_of_a_demo_report_has_a_column_of_only_zeros():
    """Every demo annual report of a year with booked outcome: the driftredovisning
    and the per-insats table leave out last year's outcome where there was none.
    (Narrower than every table: the statements of a year whose previous year holds
    only key figures still print that year as 0.)"""
    call_command("load_demo", verbosity=0)
    built = []
    for association in Association.objects.all():
        years = Actual.objects.filter(line__association=association).values_list("year", flat=True)
        for year in sorted(set(years)):
            built.append(documents.annual_report(association, year))
    assert any(d.association.slug == "vastmanland" and d.year == 2023 for d in built)
    found = [
        (d.association.slug, d.year, t.caption, _zero_columns(t))
        for d in built
        for section in d.sections
        if section.anchor == "driftredovisning"
        for t in _tables(section)
        if _zero_columns(t)
    ]
    assert not found, "\n".join(map(str, found))


def test_a_column_of_zeros_is_found():
    """The check above finds what it looks for: a column of 0 beside a column of blanks."""
    table = Table("T", ["A", "B", "C"], [Row("x", [Decimal(0), None, 1]), Row("y", [0, None, 2])])
    assert _zero_columns(table) == ["A"]
