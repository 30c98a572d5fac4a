"""The documents of DOMAIN §8 as plain structures: sections holding texts, tables and
charts. One structure feeds the HTML page, the PDF (same templates, print styles) and
the XLSX (its tables, with real numbers), so the three always agree.

`blocks` holds the shared dataclasses; each document has its own module whose top
function reads like the document's contents list."""

from reporting.documents.annual_report import annual_report
from reporting.documents.blocks import (
    COUNT,
    KR,
    MIXED,
    PCT,
    TEXT,
    TKR,
    TKR1,
    Attachment,
    Chart,
    Document,
    Row,
    Section,
    Signatures,
    Table,
    Text,
)
from reporting.documents.common import NARRATIVE_TITLES, NARRATIVES
from reporting.documents.follow_up import follow_up
from reporting.documents.plan import plan
from reporting.documents.statements import statements

__all__ = [
    "COUNT",
    "KR",
    "MIXED",
    "NARRATIVES",
    "NARRATIVE_TITLES",
    "PCT",
    "TEXT",
    "TKR",
    "TKR1",
    "Attachment",
    "Chart",
    "Document",
    "Row",
    "Section",
    "Signatures",
    "Table",
    "Text",
    "annual_report",
    "follow_up",
    "plan",
    "statements",
]
