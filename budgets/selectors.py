"""Reads for the budget pages and reports: a fixed number of queries per call."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import Actual, Budget, BudgetAmount, BudgetLine, BudgetVersion
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


def contribution_amounts(*, association: Association, year: int) -> dict[str, Decimal]:
    """Contribution per line key: 'state' or 'member:<id>', for one year."""
    result = {}
    for c in Contribution.objects.filter(
        allocation__association=association, allocation__year=year
    ):
        result["state" if c.member_id is None else f"member:{c.member_id}"] = c.amount
    return result


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
    contributions = contribution_amounts(association=budget.association, year=budget.year)
    lines = list(
        BudgetLine.objects.filter(association=budget.association).select_related("insats")
    )
    used = {line_id for line_id, _ in stored}
    editable = can_edit and not version.is_decided
    groups = {
        key: Group(key, label, key in BudgetLine.INCOME_GROUPS) for key, label in BudgetLine.GROUPS
    }
    for line in lines:
        if line.retired and line.id not in used:
            continue
        key = _contribution_key(line)
        cells = []
        for offset in OFFSETS:
            amount_row = stored.get((line.id, offset))
            if offset == 0 and key is not None:
                cells.append(Cell(line.id, offset, contributions.get(key), 0, False))
            else:
                cells.append(
                    Cell(
                        line.id,
                        offset,
                        amount_row.amount if amount_row else None,
                        amount_row.version if amount_row else 0,
                        editable and not line.retired,
                    )
                )
        groups[line.group].rows.append(Row(line, cells))
    return Grid(budget, version, versions, [g for g in groups.values() if g.rows])


@dataclass(frozen=True)
class InsatsMoney:
    year: int
    budget: Decimal | None
    outcome: Decimal | None


def insats_money(*, association: Association, insats_ids) -> dict[int, dict[int, InsatsMoney]]:
    """Budget (current version of each year) and outcome per insats and year."""
    ids = list(insats_ids)
    budget_by: dict[tuple[int, int], Decimal] = {}
    versions: dict[int, BudgetVersion] = {}
    for v in BudgetVersion.objects.filter(budget__association=association).select_related(
        "budget"
    ):
        current = versions.get(v.budget.year)
        rank = (v.is_decided, v.number)
        if current is None or rank > (current.is_decided, current.number):
            versions[v.budget.year] = v
    for a in BudgetAmount.objects.filter(
        budget_version__in=list(versions.values()), offset=0, line__insats_id__in=ids
    ).select_related("line", "budget_version__budget"):
        key = (a.line.insats_id, a.budget_version.budget.year)
        budget_by[key] = budget_by.get(key, ZERO) + a.amount
    outcome_by: dict[tuple[int, int], Decimal] = {}
    for actual in Actual.objects.filter(line__insats_id__in=ids).select_related("line"):
        key = (actual.line.insats_id, actual.year)
        outcome_by[key] = outcome_by.get(key, ZERO) + actual.amount
    result: dict[int, dict[int, InsatsMoney]] = {}
    for insats_id, year in set(budget_by) | set(outcome_by):
        result.setdefault(insats_id, {})[year] = InsatsMoney(
            year, budget_by.get((insats_id, year)), outcome_by.get((insats_id, year))
        )
    return result
