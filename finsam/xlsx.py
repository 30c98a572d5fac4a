"""One writer for every Excel export: sheets of rows with real numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

KRONOR = "#,##0;-#,##0"
BOLD = Font(bold=True)


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)  # cells: str, Decimal, int or None
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows


def rows_to_xlsx(sheets: list[Sheet]) -> bytes:
    """Numbers stay numbers (with a Swedish-looking thousands format), totals are
    bold, and the header row is frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = BOLD
        for index, row in enumerate(sheet.rows):
            ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, int | float):
                    cell.number_format = KRONOR
                if index in sheet.bold_rows:
                    cell.font = BOLD
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 44
        for column in range(2, len(sheet.header) + 1):
            ws.column_dimensions[get_column_letter(column)].width = 16
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
