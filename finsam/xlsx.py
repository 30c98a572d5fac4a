"""One writer for every Excel export: sheets of rows with real numbers.

Every .xlsx the application writes goes through `rows_to_xlsx`, so the rules hold for
all of them: text is always text (a leading `=`, `+`, `-`, `@`, tab or carriage
return is never read as a formula, and characters a workbook cannot hold are
dropped), numbers stay numbers, sums can be formulas, percentages carry a percent
format, and a sheet can open with a header block (association, year, version, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from finsam.money import round_to

KRONOR = "#,##0;-#,##0"
ONE_DECIMAL = "#,##0.0;-#,##0.0"
PERCENT = "0.0%"
BOLD = Font(bold=True)
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


def _put(cell, value, column: str, first_row: int) -> None:
    if isinstance(value, Formula):
        refs = [f"{column}{first_row + r}" for r in value.refs]
        cell.value = "=" + value.template.format(*refs)
        cell.number_format = KRONOR
    elif isinstance(value, Percent):
        cell.value = float(round_to(Decimal(str(value.value)), 1) / 100)
        cell.number_format = PERCENT
    elif isinstance(value, bool):
        cell.value = "ja" if value else "nej"
    elif isinstance(value, Decimal | int | float):
        cell.value = float(value) if isinstance(value, Decimal) else value
        whole = Decimal(str(value)) == Decimal(str(value)).to_integral_value()
        cell.number_format = KRONOR if whole else ONE_DECIMAL
    elif value is None:
        cell.value = None
    else:
        text = safe_text(str(value))
        cell.value = text
        # Always text, never a formula: openpyxl would store "=…" as a formula.
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited, too


def rows_to_xlsx(sheets: list[Sheet]) -> bytes:
    """Numbers stay numbers (with a Swedish-looking thousands format), totals are
    bold, and the table's header row is frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.calculation.fullCalcOnLoad = True  # formulas are computed when opened
    for sheet in sheets:
        ws = workbook.create_sheet(title=safe_text(sheet.title)[:31] or "Blad")
        row_number = 1
        for line in sheet.preamble:
            _put(ws.cell(row=row_number, column=1), line, "A", 0)
            if row_number == 1:
                ws.cell(row=1, column=1).font = BOLD
            row_number += 1
        if sheet.preamble:
            row_number += 1  # an empty row between the header block and the table
        header_row = row_number
        for column, heading in enumerate(sheet.header, 1):
            cell = ws.cell(row=header_row, column=column)
            _put(cell, heading, get_column_letter(column), 0)
            cell.font = BOLD
        first = header_row + 1
        for index, row in enumerate(sheet.rows):
            for column, value in enumerate(row, 1):
                cell = ws.cell(row=first + index, column=column)
                _put(cell, value, get_column_letter(column), first)
                if index in sheet.bold_rows:
                    cell.font = BOLD
        ws.freeze_panes = f"B{first}"
        ws.column_dimensions["A"].width = 44
        for column in range(2, len(sheet.header) + 1):
            ws.column_dimensions[get_column_letter(column)].width = 16
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
