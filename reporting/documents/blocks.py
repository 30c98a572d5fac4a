"""The blocks every document is made of: plain dataclasses of text, numbers and
nested blocks, so a document serialises to JSON for a decision's snapshot and the
same structure feeds the HTML page, the PDF and the XLSX."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString

from members.models import Association

KR, TKR, PCT, COUNT, TEXT, MIXED = "kr", "tkr", "procent", "antal", "text", "blandat"
TKR1 = "tkr1"  # thousands of kronor with one decimal

# The first column's heading, by the unit the table's values print in.
UNIT_HEADINGS = {
    KR: "Belopp i kr",
    TKR: "Belopp i tkr",
    TKR1: "Belopp i tkr",
    PCT: "Procent",
    COUNT: "Antal",
}


@dataclass
class Row:
    label: str
    values: list[Decimal | int | str | None]
    strong: bool = False  # a sum row (printed bold)
    note: str = ""
    heading: bool = False  # a group heading inside the table (no values)


@dataclass
class Table:
    caption: str
    columns: list[str]  # headings of the value columns
    rows: list[Row]
    unit: str = KR  # how the values print: kr, tkr, procent, antal, text, blandat
    sheet: str = ""  # the XLSX sheet's name (defaults to the caption)
    notes: bool = False  # a column of note references
    template: str = "reporting/blocks/table.html"
    first_column: str = ""  # heading of the label column (default from the unit)
    # Headings of the columns whose rows (the sum row aside) are shares of one whole
    # and so sum to 100 (reporting.consistency checks them).
    shares_of_whole: list[str] = field(default_factory=list)

    @property
    def label_heading(self) -> str:
        return self.first_column or UNIT_HEADINGS.get(self.unit, "")

    def without_empty_columns(self) -> Table:
        """The table without value columns that hold nothing but blanks, and
        without value rows that hold nothing at all: a column of dashes tells the
        reader nothing."""
        if self.unit == TEXT or not self.columns:
            return self
        keep = [
            i
            for i in range(len(self.columns))
            if any(
                not r.heading and i < len(r.values) and r.values[i] not in (None, "")
                for r in self.rows
            )
        ]
        rows = [
            Row(r.label, [r.values[i] for i in keep], r.strong, r.note, r.heading)
            for r in self.rows
            if r.heading or any(r.values[i] not in (None, "") for i in keep)
        ]
        self.columns = [self.columns[i] for i in keep]
        self.rows = rows
        return self

    @property
    def is_empty(self) -> bool:
        return not self.columns or not any(not r.heading for r in self.rows)


@dataclass
class Text:
    html: SafeString
    key: str = ""
    empty: bool = False
    template: str = "reporting/blocks/text.html"


@dataclass
class Chart:
    svg: SafeString
    template: str = "reporting/blocks/chart.html"
    table: Table | None = None  # the same figures as a table (also in the XLSX)


@dataclass
class Signatures:
    people: list[tuple[str, str]]  # name, role
    lead: str = ""
    template: str = "reporting/blocks/signatures.html"


@dataclass
class Attachment:
    """A file appended to the PDF as a bilaga (the auditors' signed report)."""

    title: str
    filename: str
    sha256: str
    pages: int | None = None
    template: str = "reporting/blocks/attachment.html"


@dataclass
class Section:
    anchor: str
    number: str
    title: str
    blocks: list = field(default_factory=list)
    level: int = 2
    page_break: bool = False


@dataclass
class Document:
    kind: str
    slug: str  # short name in URLs and file names
    title: str
    association: Association
    year: int
    sections: list[Section]
    decided_on: object = None
    paragraph: str = ""
    subtitle: str = ""
    vision: str = ""  # printed on the cover
    contact: list[str] = field(default_factory=list)  # contact lines for the cover

    def __post_init__(self) -> None:
        # A chart needs data: an empty drawing is left out, and so is a section
        # left with nothing to show.
        for section in self.sections:
            section.blocks = [
                b for b in section.blocks if not (isinstance(b, Chart) and not b.svg)
            ]

    @property
    def is_decided(self) -> bool:
        return self.decided_on is not None

    @property
    def tables(self) -> list[Table]:
        found = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart) and block.table is not None:
                    found.append(block.table)
        return found

    @property
    def contents(self) -> list[Section]:
        return [s for s in self.sections if s.level <= 2 or s.number]

    @property
    def attachments(self) -> list[Attachment]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Attachment)]
