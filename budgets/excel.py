"""Budgets to and from Excel.

Export: the grid of a version (and the comparison) with real numbers. Import: a
sheet with line names in column A and amounts for the budget year and the two plan
years in the next columns, as exported here or as a person would make it (a header
row, sum rows and group headings are recognised and skipped; amounts may be in tkr).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from budgets.models import BudgetLine
from budgets.selectors import Comparison, Grid
from finsam.money import AmountError, parse_amount
from finsam.xlsx import Sheet, rows_to_xlsx

MAX_BYTES = 5 * 1024 * 1024
SKIPPED = re.compile(r"^(summa\b|årets resultat|resultat\b|budgetpost$)", re.IGNORECASE)


def grid_to_xlsx(grid: Grid) -> bytes:
    sheet = Sheet(
        title=f"Budget {grid.budget.year}",
        header=[
            "Budgetpost",
            *[f"Budget {y}" if i == 0 else f"Plan {y}" for i, y in enumerate(grid.years)],
        ],
    )
    for group in grid.groups:
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([group.label, None, None, None])
        for row in group.rows:
            sheet.rows.append([row.line.name, *[c.amount for c in row.cells]])
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([f"Summa {group.label.lower()}", *group.totals()])
    for label, values in [
        ("Summa intäkter", grid.income),
        ("Summa kostnader", grid.costs),
        ("Årets resultat", grid.result),
    ]:
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([label, *values])
    return rows_to_xlsx([sheet])


def comparison_to_xlsx(comparison: Comparison) -> bytes:
    sheet = Sheet(
        title=f"Jämförelse {comparison.year}", header=["Budgetpost", *comparison.headings]
    )
    for group in comparison.groups:
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([group.label] + [None] * 6)
        for row in group.rows:
            sheet.rows.append([row.line.name, *row.values])
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([f"Summa {group.label.lower()}", *group.totals()])
    sheet.bold_rows.add(len(sheet.rows))
    sheet.rows.append(["Årets resultat", *comparison.result()])
    return rows_to_xlsx([sheet])


class ImportRefused(Exception):
    """The whole file is refused (not xlsx, another year, nothing recognised)."""


@dataclass
class Change:
    line_id: int
    line_name: str
    offset: int
    old: Decimal | None
    new: Decimal
    cell_version: int


@dataclass
class Rejection:
    row: int
    name: str
    reason: str


@dataclass
class ImportPreview:
    changes: list[Change] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    unchanged: int = 0


def read_budget_xlsx(
    content: bytes,
    *,
    grid: Grid,
    thousands: bool = False,
    closed_years: frozenset[int] = frozenset(),
) -> ImportPreview:
    """Compare a sheet with the grid's version: what would change, and what is refused."""
    if len(content) > MAX_BYTES:
        raise ImportRefused("Filen är större än 5 MB. Är det verkligen en budget?")
    if not zipfile.is_zipfile(BytesIO(content)):
        raise ImportRefused(
            "Filen är ingen Excel-fil (.xlsx). Spara den som Excel-arbetsbok och försök igen."
        )
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportRefused(f"Excel-filen kan inte läsas ({exc.__class__.__name__}).") from exc
    sheet = workbook.worksheets[0]
    lines = {}
    for group in grid.groups:
        for row in group.rows:
            lines[row.line.name.strip().lower()] = row
    group_labels = {label.lower() for _, label in BudgetLine.GROUPS}
    preview = ImportPreview()
    recognised = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if not values or values[0] is None or str(values[0]).strip() == "":
            continue
        name = str(values[0]).strip()
        if number == 1 or SKIPPED.match(name) or name.lower() in group_labels:
            if number == 1:
                thousands = thousands or "tkr" in " ".join(str(v) for v in values if v)
                _check_year(values, grid.budget.year)
            continue
        row = lines.get(name.lower())
        if row is None:
            preview.rejections.append(Rejection(number, name, "Okänd budgetpost."))
            continue
        recognised += 1
        for offset, raw in enumerate(list(values[1:4]) + [None] * (3 - len(values[1:4]))):
            if raw is None or (isinstance(raw, str) and raw.strip() == ""):
                continue
            try:
                amount = _amount(raw)
            except AmountError as exc:
                preview.rejections.append(Rejection(number, name, exc.messages[0]))
                continue
            if thousands:
                amount *= 1000
            cell = row.cells[offset]
            if cell.amount is not None and cell.amount == amount:
                preview.unchanged += 1
                continue
            if grid.budget.year + offset in closed_years:
                preview.rejections.append(
                    Rejection(
                        number, name, f"Räkenskapsåret {grid.budget.year + offset} är stängt."
                    )
                )
                continue
            if grid.version.is_decided:
                preview.rejections.append(
                    Rejection(number, name, "Versionen är beslutad och kan inte ändras.")
                )
                continue
            if not cell.editable:
                reason = (
                    "Raden fylls från medlemsbidragen."
                    if row.line.from_contributions
                    else "Cellen kan inte ändras."
                )
                preview.rejections.append(Rejection(number, name, reason))
                continue
            preview.changes.append(
                Change(row.line.id, row.line.name, offset, cell.amount, amount, cell.cell_version)
            )
    workbook.close()
    if recognised == 0:
        raise ImportRefused(
            "Ingen rad i filen matchar förbundets budgetposter. Är filen för ett annat förbund?"
        )
    return preview


def _amount(raw) -> Decimal:
    if isinstance(raw, bool):
        raise AmountError("Ett belopp väntades, inte sant/falskt.")
    if isinstance(raw, int | float):
        try:
            return Decimal(str(round(raw, 2)))
        except InvalidOperation as exc:
            raise AmountError(f"”{raw}” är inget belopp.") from exc
    return parse_amount(str(raw))


def _check_year(header, year: int) -> None:
    years = [int(m) for v in header if v for m in re.findall(r"\b(20\d\d)\b", str(v))]
    if years and min(years) != year:
        raise ImportRefused(f"Filen gäller budget {min(years)}, inte budget {year}.")
