"""The statements on their own: resultaträkning, balansräkning, kassaflödesanalys and
driftredovisning of year N."""

from __future__ import annotations

from insatser.models import Insats
from members.models import Association
from reporting.documents import financial
from reporting.documents.blocks import Document
from reporting.documents.common import cover
from reporting.models import AR
from reporting.selectors import operating_report, year_statements


def statements(association: Association, year: int) -> Document:
    s = year_statements(association=association, year=year)
    no_notes = financial.NoteNumbers(enabled=False)
    sections = financial.statement_sections(s, 1, no_notes) if s.figures else []
    report = operating_report(association=association, year=year)
    order = list(
        Insats.objects.filter(association=association)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    sections.append(financial.operating_section(report, year, str(len(sections) + 1), order))
    fy = s.fiscal_year
    return Document(
        kind=AR,
        slug="bokslut",
        title=f"Resultaträkning, balansräkning, kassaflödesanalys och driftredovisning {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=fy.closed_on if fy else None,
        paragraph=fy.closed_paragraph if fy else "",
        **cover(association),
    )
