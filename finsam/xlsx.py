"""One writer for every Excel export: sheets of rows with real numbers.

Every .xlsx the application writes goes through `rows_to_xlsx`, so the rules hold for
all of them: text is always text (a leading `=`, `+`, `-`, `@`, tab or carriage
return is never read as a formula, and characters a workbook cannot hold are
dropped), numbers stay numbers, sums can be formulas and every formula is stored with
its computed value, percentages carry a percent format, and a sheet can open with a
header block (association, year, version, …).

Written with XlsxWriter, which stores a formula together with its value (openpyxl
cannot), so a reader that does not recalculate sees the sums too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from finsam.money import round_to

KRONOR = "#,##0;-#,##0"
ONE_DECIMAL = "#,##0.0;-#,##0.0"
PERCENT = "0.0%"
# What a spreadsheet program would run or reinterpret at the start of a text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Formula:
    """A formula over cells of the same column: `template` names its references as
    `{0}`, `{1}`, … and `refs` gives for each the index of a row in `Sheet.rows`.
    `Formula("SUM({0}:{1})", (2, 6))` becomes `=SUM(B5:B9)` in column B."""

    template: str
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Percent:
    """A percentage, rounded as printed (15,69 → 15,7 %): stored as 0.157 with a
    percent format, so the workbook shows what the PDF shows."""

    value: Decimal


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)  # str, Decimal, int, Formula, Percent, None
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows
    preamble: list[str] = field(default_factory=list)  # lines above the table (header block)


def safe_text(value: str) -> str:
    """A text as a workbook can hold it: characters XML 1.0 forbids are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _title(value: str) -> str:
    """A sheet name as Excel allows it: at most 31 characters, none of []:*?/\\."""
    name = safe_text(value)
    for char in "[]:*?/\\":
        name = name.replace(char, "-")
    return name[:31].strip("'") or "Blad"


def _formula_values(rows: list[list]) -> dict[tuple[int, int], Decimal]:
    """The value of every formula cell, computed as a spreadsheet would: a workbook
    stores it beside the formula, so a reader that does not recalculate (a preview,
    pandas, a bank's import) sees the same figures as Excel."""
    values: dict[tuple[int, int], Decimal] = {}

    def value(row: int, column: int) -> Decimal:
        cell = rows[row][column] if column < len(rows[row]) else None
        if isinstance(cell, Formula):
            if (row, column) not in values:
                values[row, column] = _evaluate(cell, lambda r: value(r, column))
            return values[row, column]
        if isinstance(cell, Decimal | int | float) and not isinstance(cell, bool):
            return Decimal(str(cell))
        return Decimal(0)  # a blank or a text counts as 0, as in SUM and + in Excel

    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, Formula):
                value(r, c)
    return values


_TERM = re.compile(r"\s*([+-]?)\s*(?:SUM\(\{(\d+)\}:\{(\d+)\}\)|\{(\d+)\}|(\d+))")


def _evaluate(formula: Formula, cell) -> Decimal:
    """`SUM({0}:{1})`, `{0}+{1}-{2}` and constants: the only formulas the
    application writes. Anything else is a programming error, said at once."""
    total, position, text = Decimal(0), 0, formula.template
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or (position and not match.group(1)):
            raise ValueError(f"Formeln {text!r} kan inte beräknas")
        sign, first, last, single, constant = match.groups()
        if first is not None:
            term = sum(
                (cell(r) for r in range(formula.refs[int(first)], formula.refs[int(last)] + 1)),
                Decimal(0),
            )
        elif single is not None:
            term = cell(formula.refs[int(single)])
        else:
            term = Decimal(constant)
        total += -term if sign == "-" else term
        position = match.end()
    return total


class _Writer:
    """Cell formats are made once per combination, as XlsxWriter wants."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.formats: dict[tuple, object] = {}

    def format(self, *, bold: bool = False, number: str = "", quote: bool = False):
        key = (bold, number, quote)
        if key not in self.formats:
            spec: dict = {}
            if bold:
                spec["bold"] = True
            if number:
                spec["num_format"] = number
            if quote:
                spec["quote_prefix"] = True
            self.formats[key] = self.workbook.add_format(spec) if spec else None
        return self.formats[key]

    def put(self, ws, row: int, col: int, value, *, bold: bool, computed=None, refs=None):
        """Write one cell (row and column from 0); `refs` turns a Formula's row
        indexes into this sheet's cell references."""
        if isinstance(value, Formula):
            column = get_column_letter(col + 1)
            formula = "=" + value.template.format(*[f"{column}{refs(r)}" for r in value.refs])
            ws.write_formula(
                row, col, formula, self.format(bold=bold, number=KRONOR), float(computed)
            )
        elif isinstance(value, Percent):
            number = float(round_to(Decimal(str(value.value)), 1) / 100)
            ws.write_number(row, col, number, self.format(bold=bold, number=PERCENT))
        elif isinstance(value, bool):
            ws.write_string(row, col, "ja" if value else "nej", self.format(bold=bold))
        elif isinstance(value, Decimal | int | float):
            whole = Decimal(str(value)) == Decimal(str(value)).to_integral_value()
            number_format = KRONOR if whole else ONE_DECIMAL
            ws.write_number(row, col, float(value), self.format(bold=bold, number=number_format))
        elif value is None:
            if bold:
                ws.write_blank(row, col, None, self.format(bold=True))
        else:
            # Always text, never a formula; the quote prefix keeps it text when edited.
            text = safe_text(str(value))
            quote = text.startswith(FORMULA_TRIGGERS)
            ws.write_string(row, col, text, self.format(bold=bold, quote=quote))


def rows_to_xlsx(sheets: list[Sheet]) -> bytes:
    """Numbers stay numbers (with a Swedish-looking thousands format), totals are
    bold, and the table's header row is frozen."""
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    writer = _Writer(workbook)
    used: set[str] = set()
    for sheet in sheets:
        title, n = _title(sheet.title), 2
        while title.lower() in used:
            suffix = f" {n}"
            title, n = _title(sheet.title)[: 31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        ws = workbook.add_worksheet(title)
        row = 0
        for index, line in enumerate(sheet.preamble):
            writer.put(ws, row, 0, line, bold=index == 0)
            row += 1
        if sheet.preamble:
            row += 1  # an empty row between the header block and the table
        for column, heading in enumerate(sheet.header):
            writer.put(ws, row, column, heading, bold=True)
        first = row + 1  # the table's first row, from 0
        computed = _formula_values(sheet.rows)
        for index, cells in enumerate(sheet.rows):
            for column, value in enumerate(cells):
                writer.put(
                    ws,
                    first + index,
                    column,
                    value,
                    bold=index in sheet.bold_rows,
                    computed=computed.get((index, column)),
                    refs=lambda r, first=first: first + r + 1,
                )
        ws.freeze_panes(first, 1)
        ws.set_column(0, 0, 44)
        if len(sheet.header) > 1:
            ws.set_column(1, len(sheet.header) - 1, 16)
    if not sheets:
        workbook.add_worksheet("Blad")
    workbook.close()
    return buffer.getvalue()
