"""Reads for the budget pages and reports: a fixed number of queries per call."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import Actual, Budget, BudgetAmount, BudgetLine, BudgetVersion
from finsam.money import format_kronor
from members.models import Association, Contribution

ZERO = Decimal(0)
OFFSETS = (0, 1, 2)


@dataclass
class Cell:
    line_id: int
    offset: int
    amount: Decimal | None
    cell_version: int  # 0 when nothing is stored yet
    editable: bool
    typed: str | None = None  # what the user typed, when it could not be saved
    error: str | None = None
    year: str = ""  # the cell's year, for its label
    # Plain strings for the grid's attributes, made once: the template would otherwise
    # localise each integer and add year and offset per cell.
    key: str = field(init=False, repr=False)
    col: str = field(init=False, repr=False)
    line: str = field(init=False, repr=False)
    version: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.line = str(self.line_id)
        self.col = str(self.offset)
        self.key = f"{self.line_id}-{self.offset}"
        self.version = str(self.cell_version)


@dataclass
class Row:
    line: BudgetLine
    cells: list[Cell]


@dataclass
class Group:
    key: str
    label: str
    is_income: bool
    rows: list[Row] = field(default_factory=list)

    def totals(self) -> list[Decimal]:
        return [sum((r.cells[o].amount or ZERO for r in self.rows), ZERO) for o in OFFSETS]


@dataclass
class Grid:
    budget: Budget
    version: BudgetVersion
    versions: list[BudgetVersion]
    groups: list[Group]

    def _sum(self, income: bool) -> list[Decimal]:
        result = [ZERO, ZERO, ZERO]
        for group in self.groups:
            if group.is_income == income:
                result = [a + b for a, b in zip(result, group.totals(), strict=True)]
        return result

    @property
    def income(self) -> list[Decimal]:
        return self._sum(True)

    @property
    def costs(self) -> list[Decimal]:
        return self._sum(False)

    @property
    def result(self) -> list[Decimal]:
        return [i - c for i, c in zip(self.income, self.costs, strict=True)]

    @property
    def years(self) -> list[int]:
        return [self.budget.year + o for o in OFFSETS]


def contribution_amounts(
    *, association: Association, years: list[int]
) -> dict[tuple[str, int], Decimal]:
    """Contribution per (line key, year); the key is 'state' or 'member:<id>'. A year
    with an allocation fills every contribution line of that year (zero if the member
    has no part), so its figures are never typed twice."""
    result: dict[tuple[str, int], Decimal] = {}
    for c in Contribution.objects.filter(
        allocation__association=association, allocation__year__in=years
    ).select_related("allocation"):
        key = "state" if c.member_id is None else f"member:{c.member_id}"
        result[(key, c.allocation.year)] = c.amount
        result[("allocated", c.allocation.year)] = ZERO
    return result


def contribution_for(
    contributions: dict[tuple[str, int], Decimal], key: str | None, year: int
) -> tuple[bool, Decimal | None]:
    """(whether the figure comes from the members app, the figure)."""
    if key is None or ("allocated", year) not in contributions:
        return False, None
    return True, contributions.get((key, year), ZERO)


def _contribution_key(line: BudgetLine) -> str | None:
    if line.group != BudgetLine.CONTRIBUTION:
        return None
    if line.state:
        return "state"
    return f"member:{line.member_id}" if line.member_id else None


def budget_grid(
    *, budget: Budget, version_number: int | None = None, can_edit: bool = False
) -> Grid:
    versions = list(budget.versions.order_by("-number"))
    version = next((v for v in versions if v.number == version_number), versions[0])
    stored = {
        (a.line_id, a.offset): a for a in BudgetAmount.objects.filter(budget_version=version)
    }
    contributions = contribution_amounts(
        association=budget.association, years=[budget.year + o for o in OFFSETS]
    )
    lines = list(
        BudgetLine.objects.filter(association=budget.association).select_related("insats")
    )
    used = {line_id for line_id, _ in stored}
    editable = can_edit and not version.is_decided
    groups = {
        key: Group(key, label, key in BudgetLine.INCOME_GROUPS) for key, label in BudgetLine.GROUPS
    }
    years = [str(budget.year + o) for o in OFFSETS]
    for line in lines:
        if line.retired and line.id not in used:
            continue
        key = _contribution_key(line)
        cells = []
        for offset in OFFSETS:
            amount_row = stored.get((line.id, offset))
            filled, contribution = contribution_for(contributions, key, budget.year + offset)
            if version.is_decided and amount_row is not None:
                # Frozen at the decision, whatever the allocation says now.
                cells.append(
                    Cell(
                        line.id,
                        offset,
                        amount_row.amount,
                        amount_row.version,
                        False,
                        year=years[offset],
                    )
                )
            elif filled:
                cells.append(Cell(line.id, offset, contribution, 0, False, year=years[offset]))
            else:
                cells.append(
                    Cell(
                        line.id,
                        offset,
                        amount_row.amount if amount_row else None,
                        amount_row.version if amount_row else 0,
                        editable and not line.retired,
                        year=years[offset],
                    )
                )
        groups[line.group].rows.append(Row(line, cells))
    return Grid(budget, version, versions, [g for g in groups.values() if g.rows])


@dataclass(frozen=True)
class InsatsMoney:
    year: int
    budget: Decimal | None
    outcome: Decimal | None


def insats_money(
    *, association: Association, insats_ids, years: Iterable[int] | None = None
) -> dict[int, dict[int, InsatsMoney]]:
    """Budget (current version of each year) and outcome per insats and year, of
    `years` if given, else of every year. Read as plain values (no model objects) and
    summed as Decimal here, so the cost follows the rows asked for."""
    ids = list(insats_ids)
    wanted = None if years is None else set(years)
    budget_by: dict[tuple[int, int], Decimal] = {}
    versions: dict[int, tuple[bool, int, int]] = {}  # year -> (decided, number, pk)
    chosen = BudgetVersion.objects.filter(budget__association=association)
    if wanted is not None:
        chosen = chosen.filter(budget__year__in=wanted)
    for pk, year, status, number in chosen.values_list("pk", "budget__year", "status", "number"):
        decided = status == BudgetVersion.DECIDED
        current = versions.get(year)
        if current is None or (decided, number) > current[:2]:
            versions[year] = (decided, number, pk)
    for insats_id, year, amount in BudgetAmount.objects.filter(
        budget_version__in=[v[2] for v in versions.values()], offset=0, line__insats_id__in=ids
    ).values_list("line__insats_id", "budget_version__budget__year", "amount"):
        key = (insats_id, year)
        budget_by[key] = budget_by.get(key, ZERO) + amount
    outcome_by: dict[tuple[int, int], Decimal] = {}
    actuals = Actual.objects.filter(line__insats_id__in=ids)
    if wanted is not None:
        actuals = actuals.filter(year__in=wanted)
    for insats_id, year, amount in actuals.values_list("line__insats_id", "year", "amount"):
        key = (insats_id, year)
        outcome_by[key] = outcome_by.get(key, ZERO) + amount
    result: dict[int, dict[int, InsatsMoney]] = {}
    for insats_id, year in set(budget_by) | set(outcome_by):
        result.setdefault(insats_id, {})[year] = InsatsMoney(
            year, budget_by.get((insats_id, year)), outcome_by.get((insats_id, year))
        )
    return result


@dataclass
class ComparisonRow:
    line: BudgetLine
    values: list[Decimal | None]  # bokslut N-2, budget N-1, prognos N-1, budget N, plan N+1, N+2
    outcome_to_date: Decimal | None = None

    @property
    def deviation(self) -> Decimal | None:
        if self.outcome_to_date is None or self.values[3] is None:
            return None
        return self.outcome_to_date - self.values[3]

    @property
    def deviation_percent(self) -> Decimal | None:
        if self.deviation is None or not self.values[3]:
            return None
        return self.deviation * 100 / self.values[3]


@dataclass
class ComparisonGroup:
    key: str
    label: str
    is_income: bool
    rows: list[ComparisonRow] = field(default_factory=list)

    def totals(self) -> list[Decimal | None]:
        return [_sum_or_none(r.values[i] for r in self.rows) for i in range(6)]

    def outcome_total(self) -> Decimal | None:
        return _sum_or_none(r.outcome_to_date for r in self.rows)


def _sum_or_none(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


@dataclass
class Comparison:
    year: int
    groups: list[ComparisonGroup]
    months_with_outcome: int

    @property
    def headings(self) -> list[str]:
        y = self.year
        return [
            f"Bokslut {y - 2}",
            f"Budget {y - 1}",
            f"Prognos {y - 1}",
            f"Budget {y}",
            f"Plan {y + 1}",
            f"Plan {y + 2}",
        ]

    @property
    def shown(self) -> list[int]:
        """The columns with any figure (budget N always): the page leaves out a
        bokslut, budget or prognos column that holds nothing, as the documents do."""
        return [
            i
            for i in range(6)
            if i == 3 or any(r.values[i] is not None for g in self.groups for r in g.rows)
        ]

    @property
    def shown_headings(self) -> list[str]:
        return [self.headings[i] for i in self.shown]

    def _total(self, income: bool, index: int) -> Decimal | None:
        return _sum_or_none(
            g.totals()[index] if index >= 0 else g.outcome_total()
            for g in self.groups
            if g.is_income == income
        )

    def result(self) -> list[Decimal | None]:
        out = []
        for i in range(6):
            income, costs = self._total(True, i), self._total(False, i)
            out.append(
                None if income is None and costs is None else (income or ZERO) - (costs or ZERO)
            )
        return out

    def income(self) -> list[Decimal | None]:
        return [self._total(True, i) for i in range(6)]

    def costs(self) -> list[Decimal | None]:
        return [self._total(False, i) for i in range(6)]


def _current_versions(association: Association, years: list[int]) -> dict[int, BudgetVersion]:
    chosen: dict[int, BudgetVersion] = {}
    for v in BudgetVersion.objects.filter(
        budget__association=association, budget__year__in=years
    ).select_related("budget"):
        current = chosen.get(v.budget.year)
        if current is None or (v.is_decided, v.number) > (current.is_decided, current.number):
            chosen[v.budget.year] = v
    return chosen


def comparison(
    *, budget: Budget, version: BudgetVersion | None = None, as_of: datetime.date | None = None
) -> Comparison:
    """The six columns of the source documents and the follow-up of year N, in a
    fixed number of queries; year N from `version` when given (a draft to preview).

    A decided version's contribution lines hold the figures frozen at its decision;
    a draft's follow the members' allocations as they are now. `as_of` (the date of
    a decision) leaves out forecasts made after it."""
    from budgets.models import Forecast

    association, year = budget.association, budget.year
    versions = _current_versions(association, [year - 1, year])
    if version is not None:
        versions[year] = version
    decided_years = {y for y, v in versions.items() if v.is_decided}
    amounts: dict[tuple[int, int, int], Decimal] = {}
    # Plain values rather than model objects: these reads grow with lines × years.
    for line_id, budget_year, offset, amount in BudgetAmount.objects.filter(
        budget_version__in=list(versions.values())
    ).values_list("line_id", "budget_version__budget__year", "offset", "amount"):
        amounts[(line_id, budget_year, offset)] = amount
    contributions = contribution_amounts(
        association=association, years=[year - 1, year, year + 1, year + 2]
    )
    forecasts: dict[int, Decimal] = {}
    for line_id, amount in (
        Forecast.objects.filter(
            line__association=association,
            year=year - 1,
            **({"made_on__lte": as_of} if as_of is not None else {}),
        )
        .order_by("made_on", "id")
        .values_list("line_id", "amount")
    ):
        forecasts[line_id] = amount  # the latest wins
    outcome: dict[tuple[int, int], Decimal] = {}
    months = set()
    for line_id, actual_year, month, amount in Actual.objects.filter(
        line__association=association, year__in=[year - 2, year]
    ).values_list("line_id", "year", "month", "amount"):
        outcome[(line_id, actual_year)] = outcome.get((line_id, actual_year), ZERO) + amount
        if actual_year == year:
            months.add(month)
    groups = {
        key: ComparisonGroup(key, label, key in BudgetLine.INCOME_GROUPS)
        for key, label in BudgetLine.GROUPS
    }
    for line in BudgetLine.objects.filter(association=association):
        key = _contribution_key(line)

        def budgeted(budget_year: int, offset: int, line=line, key=key) -> Decimal | None:
            stored = amounts.get((line.id, budget_year, offset))
            if budget_year in decided_years and stored is not None:
                return stored
            filled, contribution = contribution_for(contributions, key, budget_year + offset)
            if filled:
                return contribution
            return stored

        values = [
            outcome.get((line.id, year - 2)),
            budgeted(year - 1, 0),
            forecasts.get(line.id),
            budgeted(year, 0),
            budgeted(year, 1),
            budgeted(year, 2),
        ]
        row = ComparisonRow(line, values, outcome.get((line.id, year)))
        if any(v is not None for v in values) or row.outcome_to_date is not None:
            groups[line.group].rows.append(row)
    return Comparison(year, [g for g in groups.values() if g.rows], max(months, default=0))


def amount_warnings(grid) -> list[str]:
    """Amounts that are allowed but rarely right: a negative cost or a negative
    contribution. Warned about when saved and before deciding, never refused (a
    refund can make a cost line negative)."""
    warnings = []
    for group in grid.groups:
        for row in group.rows:
            for cell in row.cells:
                if (warning := cell_warning(group, cell)) is not None:
                    year = grid.budget.year + cell.offset
                    warnings.append(f"{row.line.name} {year}: {warning}")
    return warnings


def cell_warning(group, cell) -> str | None:
    if cell.amount is None or cell.amount >= 0:
        return None
    amount = f"{format_kronor(cell.amount)} kr"
    if not group.is_income:
        return f"negativ kostnad ({amount}). Kostnader skrivs som positiva belopp."
    if group.key == BudgetLine.CONTRIBUTION:
        return f"negativt medlemsbidrag ({amount})."
    return None
