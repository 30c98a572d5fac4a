"""Budgets to and from Excel.

Export: the grid of a version (and the comparison) with real numbers, sums as
formulas and a header block saying whose budget, which version and its status.

Import, in two steps. `parse_budget_xlsx` reads a sheet as a person keeps it: the
header row is the first row whose cells name years ("Bokslut 2019 | Budget 2020 |
Budget 2021 | Plan 2022 | Plan 2023"), each column is read by its heading, and only
the budget year and the two plan years are taken, wherever they stand; "tkr"/"Kkr"
in a title or heading means thousands. `compare` then matches the rows to the
association's lines (by name, or by a remembered `ExcelRowMapping`), recognises sum
rows by their words and by their figures, and lists what would change.

The file is checked before it is read: the zip archive's declared sizes and entry
count, XML read by defusedxml (openpyxl uses it when it is installed), and every
amount must be a finite number within what the database holds.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

import openpyxl
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from budgets.selectors import Comparison, Grid
from finsam.money import MAX_AMOUNT, AmountError, format_kronor, parse_amount
from finsam.xlsx import Formula, Sheet, rows_to_xlsx

MAX_BYTES = 5 * 1024 * 1024
# A budget workbook unpacks to well under a megabyte; ten allows for formatting and
# a few extra sheets, and refuses zip bombs before a byte of XML is parsed.
MAX_UNPACKED = 10 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ROWS = 2000
MAX_COLUMNS = 100
# Lines per line in the kronor a Finsam budget holds; a line above this is surely
# a thousand times too big (the largest state contribution is about 10 million).
IMPLAUSIBLE_LINE = Decimal(100_000_000)

SUM_WORDS = re.compile(
    r"^(summa\b|s:a\b|totalt?\b|årets resultat|resultat\b|budgetpost$)", re.IGNORECASE
)
HEADING = re.compile(
    r"^(?:(?P<kind>bokslut|utfall|budget|prognos|plan)\b[^0-9]{0,12})?"
    r"(?P<year>(?:19|20|21)\d\d)\b",
    re.IGNORECASE,
)
THOUSANDS = re.compile(r"\b(tkr|kkr|tusental kronor|tusentals kronor)\b", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|_x00[01][0-9a-fA-F]_")
YEAR_KINDS = {0: ("budget", ""), 1: ("plan", "budget", ""), 2: ("plan", "budget", "")}


def normalise_name(name: str) -> str:
    """A row name as compared with line names and remembered mappings."""
    return " ".join(unicodedata.normalize("NFC", str(name)).split()).casefold()


# --- export ---------------------------------------------------------------------------


def _header_block(association, year: int, version, what: str) -> list[str]:
    if version is None:
        status = ""
    elif version.is_decided:
        paragraph = f" {version.paragraph}" if version.paragraph else ""
        status = f", version {version.number}, beslutad {version.decided_on}{paragraph}"
    else:
        status = f", version {version.number}, utkast"
    return [
        association.name,
        f"{what} {year}{status}",
        f"Utskriven {datetime.date.today():%Y-%m-%d}",
    ]


def grid_to_xlsx(grid: Grid) -> bytes:
    """The grid with its sums as formulas (=SUM over the group's rows, the result as
    income minus costs), so a person can work on in the sheet."""
    years = len(grid.years)
    sheet = Sheet(
        title=f"Budget {grid.budget.year}",
        header=[
            "Budgetpost",
            *[f"Budget {y}" if i == 0 else f"Plan {y}" for i, y in enumerate(grid.years)],
        ],
        preamble=_header_block(grid.budget.association, grid.budget.year, grid.version, "Budget"),
    )
    income_sums: list[int] = []
    cost_sums: list[int] = []
    for group in grid.groups:
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([group.label] + [None] * years)
        first = len(sheet.rows)
        for row in group.rows:
            sheet.rows.append([row.line.name, *[c.amount for c in row.cells]])
        last = len(sheet.rows) - 1
        (income_sums if group.is_income else cost_sums).append(len(sheet.rows))
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append(
            [f"Summa {group.label.lower()}", *[Formula("SUM({0}:{1})", (first, last))] * years]
        )
    income_row, cost_row = len(sheet.rows), len(sheet.rows) + 1
    for label, refs in [("Summa intäkter", income_sums), ("Summa kostnader", cost_sums)]:
        formula = Formula("+".join(f"{{{i}}}" for i in range(len(refs))) or "0", tuple(refs))
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([label, *[formula] * years])
    sheet.bold_rows.add(len(sheet.rows))
    sheet.rows.append(["Årets resultat", *[Formula("{0}-{1}", (income_row, cost_row))] * years])
    return rows_to_xlsx([sheet])


def comparison_to_xlsx(comparison: Comparison, *, association) -> bytes:
    columns = len(comparison.headings)
    sheet = Sheet(
        title=f"Jämförelse {comparison.year}",
        header=["Budgetpost", *comparison.headings],
        preamble=_header_block(association, comparison.year, None, "Jämförelse, budget"),
    )
    income_sums: list[int] = []
    cost_sums: list[int] = []
    for group in comparison.groups:
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([group.label] + [None] * columns)
        first = len(sheet.rows)
        for row in group.rows:
            sheet.rows.append([row.line.name, *row.values])
        last = len(sheet.rows) - 1
        (income_sums if group.is_income else cost_sums).append(len(sheet.rows))
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append(
            [
                f"Summa {group.label.lower()}",
                *[
                    None if total is None else Formula("SUM({0}:{1})", (first, last))
                    for total in group.totals()
                ],
            ]
        )
    result = comparison.result()
    terms = "+".join(f"{{{i}}}" for i in range(len(income_sums)))
    terms += "".join(f"-{{{i + len(income_sums)}}}" for i in range(len(cost_sums)))
    sheet.bold_rows.add(len(sheet.rows))
    sheet.rows.append(
        [
            "Årets resultat",
            *[
                None if value is None else Formula(terms or "0", (*income_sums, *cost_sums))
                for value in result
            ],
        ]
    )
    return rows_to_xlsx([sheet])


# --- import: reading the sheet --------------------------------------------------------


class ImportRefused(Exception):
    """The whole file is refused (not xlsx, too big unpacked, another year, …)."""


@dataclass
class Rejection:
    row: int
    name: str
    reason: str


@dataclass
class SheetRow:
    number: int  # the row's number in the sheet
    name: str
    values: list[Decimal | None]  # budget year, plan years; in kronor (scaled)
    raw: list[Decimal | None]  # as written in the file
    sum_by: str = ""  # "ord" or "belopp" when the row looks like a sum


@dataclass
class ParsedSheet:
    year: int
    rows: list[SheetRow]
    columns: list[str]  # the heading read for each year ("" when the sheet lacks it)
    ignored: list[str]  # headings of columns not read (bokslut, prognos, other years)
    thousands: str  # why amounts are read as thousands ("" when they are not)
    problems: list[Rejection] = field(default_factory=list)

    def to_payload(self) -> dict:
        return {
            "year": self.year,
            "columns": self.columns,
            "ignored": self.ignored,
            "thousands": self.thousands,
            "rows": [
                [r.number, r.name, [_s(v) for v in r.values], [_s(v) for v in r.raw], r.sum_by]
                for r in self.rows
            ],
            "problems": [[p.row, p.name, p.reason] for p in self.problems],
        }

    @classmethod
    def from_payload(cls, data: dict) -> ParsedSheet:
        return cls(
            year=int(data["year"]),
            columns=list(data["columns"]),
            ignored=list(data["ignored"]),
            thousands=str(data["thousands"]),
            rows=[
                SheetRow(n, name, [_d(v) for v in values], [_d(v) for v in raw], sum_by)
                for n, name, values, raw, sum_by in data["rows"]
            ],
            problems=[Rejection(*p) for p in data["problems"]],
        )


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _open(content: bytes):
    if len(content) > MAX_BYTES:
        raise ImportRefused("Filen är större än 5 MB. Är det verkligen en budget?")
    if not zipfile.is_zipfile(BytesIO(content)):
        raise ImportRefused(
            "Filen är ingen Excel-fil (.xlsx). Spara den som Excel-arbetsbok och försök igen."
        )
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(
            "Filen är ingen Excel-fil (.xlsx). Spara den som Excel-arbetsbok och försök igen."
        ) from exc
    # zipfile stops every entry at its declared size (and checks its CRC), so the
    # declared sizes bound what reading can unpack.
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED:
        raise ImportRefused(
            f"Filen packas upp till {unpacked // (1024 * 1024)} MB i {len(entries)} delar; en "
            f"budget är långt mindre (högst {MAX_UNPACKED // (1024 * 1024)} MB och "
            f"{MAX_ENTRIES} delar läses). Spara bara budgetbladet i en ny arbetsbok."
        )
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise ImportRefused("Excel-import kräver paketet defusedxml på servern.")
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or hostile file
        raise ImportRefused(_unreadable(exc)) from exc


def _unreadable(exc: Exception) -> str:
    name = exc.__class__.__name__
    causes, cause = set(), exc
    while cause is not None and len(causes) < 20:
        causes.add(cause.__class__.__name__)
        cause = cause.__cause__ or cause.__context__
    if causes & {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
        return (
            "Excel-filen innehåller XML-entiteter eller externa referenser, som en vanlig "
            "arbetsbok aldrig har. Den läses inte av säkerhetsskäl."
        )
    if isinstance(exc, InvalidFileException | KeyError | zipfile.BadZipFile):
        return "Excel-filen kan inte läsas: den är trasig eller ingen Excel-arbetsbok."
    return f"Excel-filen kan inte läsas ({name})."


def _cell(column: int, row: int) -> str:
    return f"{get_column_letter(column + 1)}{row}"


def _heading(value) -> tuple[str, int] | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else ""
    match = HEADING.match(text)
    if not match or len(text) > 40:
        return None
    return (match["kind"] or "").lower(), int(match["year"])


def _find_header(rows: list[tuple]) -> int | None:
    for index, values in enumerate(rows):
        cells = [(i, v) for i, v in enumerate(values) if v is not None and str(v).strip()]
        headings = [i for i, v in cells if _heading(v)]
        if len(headings) >= 2 or (headings and cells and headings[0] != cells[0][0]):
            return index
    return None


def _amount(raw, where: str) -> Decimal:
    if isinstance(raw, bool):
        raise AmountError(f"Cellen {where}: ett belopp väntades, inte sant/falskt.")
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        raise AmountError(f"Cellen {where}: ett belopp väntades, inte ett datum.")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise AmountError(f"Cellen {where} är inget ändligt belopp ({raw}).")
        try:
            value = Decimal(str(round(raw, 2)))
        except (InvalidOperation, OverflowError) as exc:
            raise AmountError(f"Cellen {where}: ”{raw}” är inget belopp.") from exc
    else:
        text = str(raw)
        if CONTROL.search(text):
            raise AmountError(f"Cellen {where} innehåller styrtecken; skriv bara ett belopp.")
        if len(text.strip()) > 40:
            raise AmountError(f"Cellen {where}: texten är för lång för att vara ett belopp.")
        try:
            value = parse_amount(text)
        except AmountError as exc:
            raise AmountError(f"Cellen {where}: {exc.messages[0]}") from exc
    return value


def _bounded(value: Decimal, where: str, thousands: bool) -> Decimal:
    scaled = value * 1000 if thousands else value
    if not scaled.is_finite() or abs(scaled) > MAX_AMOUNT:
        raise AmountError(
            f"Cellen {where}: beloppet är större än det största belopp som kan sparas "
            f"({format_kronor(MAX_AMOUNT, 2)} kr)."
        )
    return scaled


def parse_budget_xlsx(content: bytes, *, year: int, thousands: bool = False) -> ParsedSheet:
    """Read the first sheet's rows for budget `year` and its two plan years."""
    workbook = _open(content)
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple] = []
        try:
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(values)
                if len(rows) > MAX_ROWS:
                    raise ImportRefused(
                        f"Bladet har fler än {MAX_ROWS} rader; en budget har långt färre."
                    )
        except ImportRefused:
            raise
        except ValueError as exc:
            found = re.search(r"'(.{0,40})'", str(exc))
            raise ImportRefused(
                f"Rad {len(rows) + 1} i bladet har en cell som inte är ett ändligt tal"
                + (f" (”{found.group(1)}”)" if found else "")
                + ". Skriv ett belopp eller lämna cellen tom."
            ) from exc
        except Exception as exc:
            raise ImportRefused(_unreadable(exc)) from exc
    finally:
        workbook.close()
    header_index = _find_header(rows)
    if header_index is None:
        raise ImportRefused(
            "Filen har ingen rubrikrad med år (till exempel ”Budgetpost | Budget "
            f"{year} | Plan {year + 1} | Plan {year + 2}”). Lägg till en sådan rad "
            "ovanför beloppen och läs in filen igen."
        )
    header = rows[header_index]
    headings = {i: h for i, v in enumerate(header) if (h := _heading(v))}
    texts = {i: " ".join(str(header[i]).split()) for i in headings}
    columns: dict[int, int] = {}  # offset -> column
    for offset, kinds in YEAR_KINDS.items():
        candidates = [
            (kinds.index(kind), i)
            for i, (kind, y) in headings.items()
            if y == year + offset and kind in kinds
        ]
        if candidates:
            columns[offset] = min(candidates)[1]
    if 0 not in columns:
        budget_years = sorted({y for kind, y in headings.values() if kind in ("budget", "")})
        named = ", ".join(texts[i] for i in sorted(texts))
        if budget_years:
            other = budget_years[-1] if budget_years[-1] < year else budget_years[0]
            raise ImportRefused(
                f"Filen gäller budget {other}, inte budget {year}: rubrikerna är {named}."
            )
        raise ImportRefused(
            f"Rubrikerna i filen ({named}) nämner inte budget {year}. Är filen för ett annat år?"
        )
    reason = ""
    for values in rows[: header_index + 1]:
        for v in values:
            if isinstance(v, str) and (m := THOUSANDS.search(v)):
                reason = f"rubriken säger ”{m.group(0)}”"
                break
        if reason:
            break
    if not reason and thousands:
        reason = "du har angett att beloppen är i tkr"
    scale = bool(reason)
    name_column = max(min(headings) - 1, 0)
    used = set(columns.values())
    parsed = ParsedSheet(
        year=year,
        rows=[],
        columns=[texts[columns[o]] if o in columns else "" for o in range(3)],
        ignored=[texts[i] for i in sorted(headings) if i not in used],
        thousands=reason,
    )
    block: list[list[Decimal]] = []  # all year columns of the rows since a heading or sum
    for index in range(header_index + 1, len(rows)):
        values = rows[index]
        number = index + 1
        raw_name = values[name_column] if name_column < len(values) else None
        if raw_name is None or str(raw_name).strip() == "":
            continue
        name = " ".join(str(raw_name).split())
        if CONTROL.search(str(raw_name)):
            parsed.problems.append(
                Rejection(
                    number,
                    CONTROL.sub("", name)[:60],
                    f"Cellen {_cell(name_column, number)} innehåller styrtecken; skriv "
                    "namnet utan dem.",
                )
            )
            continue
        if len(name) > 200:
            parsed.problems.append(
                Rejection(number, name[:60] + "…", "Namnet är längre än 200 tecken.")
            )
            continue
        every: list[Decimal] = []
        amounts: dict[int, Decimal] = {}
        bad = False
        for column in sorted(headings):
            raw = values[column] if column < len(values) else None
            if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-", "–")):
                every.append(Decimal(0))
                continue
            where = _cell(column, number)
            try:
                value = _amount(raw, where)
                if column in used:
                    _bounded(value, where, scale)
            except AmountError as exc:
                if column in used:
                    parsed.problems.append(Rejection(number, name, exc.messages[0]))
                    bad = True
                every.append(Decimal(0))
                continue
            every.append(value)
            if column in used:
                amounts[column] = value
        if bad:
            continue
        if not amounts and all(v == 0 for v in every):
            if not any(values[c] is not None for c in headings if c < len(values)):  # a heading
                block = []
            continue
        sum_by = ""
        if SUM_WORDS.match(name):
            sum_by = "ord"
        elif (
            len(block) >= 2
            and any(v != 0 for v in every)
            and all(sum(col) == v for col, v in zip(zip(*block, strict=True), every, strict=True))
        ):
            sum_by = "belopp"
        raw_values = [amounts.get(columns[o]) if o in columns else None for o in range(3)]
        parsed.rows.append(
            SheetRow(
                number,
                name,
                [None if v is None else (v * 1000 if scale else v) for v in raw_values],
                raw_values,
                sum_by,
            )
        )
        block = [] if sum_by else [*block, every]
    return parsed


# --- import: comparing with the budget ------------------------------------------------


@dataclass
class Change:
    line_id: int
    line_name: str
    offset: int
    old: Decimal | None
    new: Decimal
    cell_version: int
    raw: Decimal | None = None  # as written in the file (tkr when scaled)


@dataclass
class Unknown:
    index: int  # position in ParsedSheet.rows
    number: int
    name: str
    values: list[Decimal | None]
    mapped_to: int | None = None  # the remembered line (None: unknown or skipped)
    skipped: bool = False
    remembered: bool = False


@dataclass
class ImportPreview:
    changes: list[Change] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)  # rows needing a choice
    mapped: list[Unknown] = field(default_factory=list)  # rows matched by a mapping
    sums: list[SheetRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def can_apply(self) -> bool:
        return bool(self.changes) and not self.rejections and not self.unknown


def compare(
    parsed: ParsedSheet,
    *,
    grid: Grid,
    mappings: dict[str, int | None],
    closed_years: frozenset[int] = frozenset(),
) -> ImportPreview:
    """What the sheet would change in the grid's version, and what stops it."""
    by_name = {}
    by_id = {}
    for group in grid.groups:
        for row in group.rows:
            by_name[normalise_name(row.line.name)] = row
            by_id[row.line.id] = row
    preview = ImportPreview(rejections=list(parsed.problems))
    totals: dict[int, list[Decimal | None]] = {}
    raws: dict[int, list[Decimal | None]] = {}
    first_row: dict[int, SheetRow] = {}
    order: list[int] = []
    recognised = 0
    for index, sheet_row in enumerate(parsed.rows):
        key = normalise_name(sheet_row.name)
        row = by_name.get(key)
        if sheet_row.sum_by == "ord" and row is None:
            preview.sums.append(sheet_row)
            continue
        if row is None and key in mappings:
            entry = Unknown(
                index, sheet_row.number, sheet_row.name, sheet_row.values, remembered=True
            )
            target = mappings[key]
            if target is None:
                entry.skipped = True
                preview.mapped.append(entry)
                continue
            row = by_id.get(target)
            if row is not None:
                entry.mapped_to = target
                preview.mapped.append(entry)
        if row is None:
            if sheet_row.sum_by:
                preview.sums.append(sheet_row)
                # A sum found by its figures could be a line after all: offer the choice.
                preview.mapped.append(
                    Unknown(
                        index, sheet_row.number, sheet_row.name, sheet_row.values, skipped=True
                    )
                )
                continue
            if all(v is None for v in sheet_row.values):
                continue
            preview.unknown.append(
                Unknown(index, sheet_row.number, sheet_row.name, sheet_row.values)
            )
            continue
        recognised += 1
        if row.line.id not in totals:
            order.append(row.line.id)
            first_row[row.line.id] = sheet_row
            totals[row.line.id] = [None, None, None]
            raws[row.line.id] = [None, None, None]
        for offset in range(3):
            value = sheet_row.values[offset]
            if value is None:
                continue
            current = totals[row.line.id][offset]
            totals[row.line.id][offset] = value if current is None else current + value
            raw = sheet_row.raw[offset]
            before = raws[row.line.id][offset]
            raws[row.line.id][offset] = raw if before is None else before + (raw or 0)
    if recognised == 0 and not (preview.unknown or preview.mapped or preview.rejections):
        raise ImportRefused(
            "Ingen rad i filen matchar förbundets budgetposter. Är filen för ett annat förbund?"
        )
    year = grid.budget.year
    for line_id in order:
        row = by_id[line_id]
        sheet_row = first_row[line_id]
        for offset in range(3):
            amount = totals[line_id][offset]
            if amount is None:
                continue
            cell = row.cells[offset]
            if (cell.amount if cell.amount is not None else Decimal(0)) == amount:
                preview.unchanged += 1
                continue
            reason = ""
            if year + offset in closed_years:
                reason = f"Räkenskapsåret {year + offset} är stängt."
            elif grid.version.is_decided:
                reason = "Versionen är beslutad och kan inte ändras."
            elif not cell.editable:
                reason = (
                    f"Raden fylls från medlemsbidragen ({format_kronor(cell.amount)} kr "
                    f"för {year + offset}); ändra tilldelningen under Bidrag."
                    if row.line.from_contributions
                    else "Cellen kan inte ändras."
                )
            if reason:
                preview.rejections.append(Rejection(sheet_row.number, sheet_row.name, reason))
                continue
            preview.changes.append(
                Change(
                    row.line.id,
                    row.line.name,
                    offset,
                    cell.amount,
                    amount,
                    cell.cell_version,
                    raws[line_id][offset] if parsed.thousands else None,
                )
            )
    preview.changes.sort(key=lambda c: c.offset)
    preview.warnings = _scale_warnings(parsed, preview)
    if recognised == 0 and not preview.mapped:
        preview.warnings.insert(
            0,
            "Ingen rad i filen heter som någon av förbundets budgetposter. Är filen för ett "
            "annat förbund? Annars: välj budgetpost för raderna nedan.",
        )
    return preview


def _scale_warnings(parsed: ParsedSheet, preview: ImportPreview) -> list[str]:
    """Amounts that look a thousand times too big (or too small) for this budget."""
    new = [c.new for c in preview.changes]
    old = sum((abs(c.old) for c in preview.changes if c.old), Decimal(0))
    total = sum((abs(v) for v in new), Decimal(0))
    largest = max((abs(v) for v in new), default=Decimal(0))
    if parsed.thousands and (largest > IMPLAUSIBLE_LINE or (old and total > 100 * old)):
        return [
            f"Beloppen läses som tusental kronor ({parsed.thousands}), men de ser ut att vara "
            f"tusen gånger för stora: det största blir {format_kronor(largest)} kr. Är filen "
            "redan i kronor? Läs i så fall in den igen utan tkr."
        ]
    if not parsed.thousands and old and total * 100 < old:
        return [
            "Beloppen ser ut att vara tusen gånger för små jämfört med budgeten nu. Är filen "
            "i tusental kronor? Läs i så fall in den igen med tkr ikryssat."
        ]
    return []
