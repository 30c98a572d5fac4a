"""Reads that feed the statements: stored outcome and year-end balances turned into
the plain inputs of `reporting.statements`, in a fixed number of queries whatever
the number of lines, insatser, months and years."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from budgets.models import (
    Actual,
    BalanceLine,
    BudgetAmount,
    BudgetLine,
    FiscalYear,
    cost_category_of,
)
from budgets.selectors import (
    _contribution_key,
    _current_versions,
    contribution_amounts,
    contribution_for,
)
from finsam.money import format_kronor
from members.models import Association
from reporting.statements import (
    Balances,
    BalanceSheet,
    CashFlow,
    CostDistribution,
    IncomeStatement,
    KeyFigures,
    YearFigures,
    balance_sheet,
    cash_flow,
    cost_distribution,
    income_statement,
    key_figures,
    statements_json,
)

ZERO = Decimal(0)
COST_GROUPS = {BudgetLine.ADMINISTRATION, BudgetLine.INSATS, BudgetLine.UNALLOCATED}
OPERATING_INCOME_GROUPS = {BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME}


@dataclass
class _Year:
    fiscal_year: FiscalYear | None = None
    first: bool = False  # the association's first year: no year before it
    has_outcome: bool = False
    has_balances: bool = False
    income: Decimal = ZERO
    costs: Decimal = ZERO
    financial_income: Decimal = ZERO
    financial_costs: Decimal = ZERO
    contributions: Decimal = ZERO
    categories: dict[str, Decimal] = field(default_factory=dict)
    items: dict[str, Decimal] = field(default_factory=dict)

    def balances(self) -> Balances:
        return Balances(
            receivables=self.items.get(BalanceLine.RECEIVABLES, ZERO),
            short_term_placements=self.items.get(BalanceLine.PLACEMENTS, ZERO),
            cash_and_bank=self.items.get(BalanceLine.CASH, ZERO),
            pension_provisions=self.items.get(BalanceLine.PENSIONS, ZERO),
            short_term_liabilities=self.items.get(BalanceLine.LIABILITIES, ZERO),
        )


def _load(association: Association, years: range) -> dict[int, _Year]:
    """Three queries: fiscal years, outcome summed per kind of line, balances per item.
    Years before the association was formed are left out (a stray row for one is not
    a year of the association's)."""
    first = association.founded.year if association.founded else None
    data = {year: _Year(first=year == first) for year in years if first is None or year >= first}
    years = range(max(years.start, first or years.start), years.stop)
    for fy in FiscalYear.objects.filter(association=association, year__in=list(years)):
        data[fy.year].fiscal_year = fy
    rows = (
        Actual.objects.filter(line__association=association, year__in=list(years))
        .values("year", "line__group", "line__insats__kind", "line__category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        y = data[row["year"]]
        y.has_outcome = True
        group, amount = row["line__group"], row["total"]
        if group in OPERATING_INCOME_GROUPS:
            y.income += amount
            if group == BudgetLine.CONTRIBUTION:
                y.contributions += amount
        elif group == BudgetLine.FINANCIAL_INCOME:
            y.financial_income += amount
        elif group == BudgetLine.FINANCIAL_COST:
            y.financial_costs += amount
        else:
            y.costs += amount
            category = cost_category_of(group, row["line__insats__kind"], row["line__category"])
            y.categories[category] = y.categories.get(category, ZERO) + amount
    items = (
        BalanceLine.objects.filter(
            fiscal_year__association=association, fiscal_year__year__in=list(years)
        )
        .values("fiscal_year__year", "item")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in items:
        y = data[row["fiscal_year__year"]]
        y.has_balances = True
        y.items[row["item"]] = row["total"]
    return data


@dataclass(frozen=True)
class YearStatements:
    """One year's statements beside last year's, with every failed check."""

    year: int
    fiscal_year: FiscalYear | None
    figures: YearFigures | None
    opening: Balances | None
    income: IncomeStatement | None
    balance: BalanceSheet | None
    cash_flow: CashFlow | None
    key_figures: KeyFigures | None
    costs: CostDistribution | None
    previous: YearStatements | None
    findings: tuple[str, ...]
    # Whether the year's outcome is stored (a year may hold only its year-end balances
    # and the key figures of an earlier annual report).
    has_outcome: bool = True

    @property
    def is_empty(self) -> bool:
        return self.figures is None

    @property
    def previous_with_outcome(self) -> YearStatements | None:
        """Last year's statements where its outcome is known, else None: a column of
        last year is printed from what is known, never as zeros."""
        before = self.previous
        if before is None or before.figures is None or not before.has_outcome:
            return None
        return before

    def as_json(self) -> dict:
        """The JSON of `manage.py statements --format json`."""
        if self.figures is None:
            return {"findings": list(self.findings)}
        previous = self.previous if self.previous and self.previous.figures else None
        data = statements_json(
            self.figures,
            self.opening,
            previous.figures if previous else None,
            previous.opening if previous else None,
        )
        data["findings"] = list(self.findings)
        if previous:
            data["previous_year"]["findings"] = list(previous.findings)
        return data


def _first_opening(fy: FiscalYear | None) -> Balances:
    """A first year's opening balances: as the import stored them from #IB, else zero."""
    stored = fy.opening_balances if fy is not None else {}
    amount = {item: Decimal(stored.get(item, "0")) for item, _ in BalanceLine.ITEMS}
    return Balances(
        receivables=amount[BalanceLine.RECEIVABLES],
        short_term_placements=amount[BalanceLine.PLACEMENTS],
        cash_and_bank=amount[BalanceLine.CASH],
        pension_provisions=amount[BalanceLine.PENSIONS],
        short_term_liabilities=amount[BalanceLine.LIABILITIES],
    )


def _closing_equity(before: _Year | None) -> Decimal | None:
    """Last year's closing equity, where last year and its opening equity are known."""
    if before is None or before.fiscal_year is None:
        return None
    if not (before.has_outcome or before.has_balances):
        return None
    b = before.fiscal_year
    if b.equity_opening is None:
        return None
    return (
        b.equity_opening
        + b.capital_contribution
        + before.income
        - before.costs
        + before.financial_income
        - before.financial_costs
    )


def _equity_opening(year: int, this: _Year, before: _Year | None) -> tuple[Decimal, list[str]]:
    """This year's opening equity and what is wrong with it. A first year without a
    stored opening equity starts from zero: nothing came before it."""
    fy = this.fiscal_year
    closing_before = _closing_equity(before)
    if fy is not None and fy.equity_opening is not None:
        if closing_before is not None and closing_before != fy.equity_opening:
            return fy.equity_opening, [
                f"Ingående eget kapital {year} ({format_kronor(fy.equity_opening)}) är inte "
                f"förra årets utgående eget kapital ({format_kronor(closing_before)})."
            ]
        return fy.equity_opening, []
    if closing_before is not None:
        return closing_before, []
    if this.first:
        return ZERO, []
    return ZERO, [f"Ingående eget kapital för {year} saknas."]


def _statements(year: int, data: dict[int, _Year], with_previous: bool) -> YearStatements:
    this = data.get(year) or _Year()
    before = data.get(year - 1)
    previous = _statements(year - 1, data, False) if with_previous and before else None
    if not (this.has_outcome or this.has_balances):
        return YearStatements(
            year, this.fiscal_year, None, None, None, None, None, None, None, previous, ()
        )
    fy = this.fiscal_year
    equity_opening, findings = _equity_opening(year, this, before)
    figures = YearFigures(
        year=year,
        income=this.income,
        costs=this.costs,
        financial_income=this.financial_income,
        financial_costs=this.financial_costs,
        balances=this.balances(),
        equity_opening=equity_opening,
        capital_contribution=fy.capital_contribution if fy else ZERO,
        contributions_total=this.contributions,
        realisation_gains=fy.realisation_gains if fy else ZERO,
    )
    if this.first:
        opening = _first_opening(fy)
    else:
        opening = before.balances() if before is not None and before.has_balances else None
    sheet = balance_sheet(figures)
    flow = cash_flow(figures, opening) if opening is not None else None
    if not this.has_balances:
        findings.append(f"Balansposterna för {year} är inte inlagda.")
    if opening is None:
        findings.append(
            f"Balansposterna för {year - 1} saknas, så kassaflödesanalysen kan inte beräknas."
        )
    findings.extend(sheet.findings)
    if flow is not None:
        findings.extend(flow.findings)
    return YearStatements(
        year=year,
        fiscal_year=fy,
        figures=figures,
        opening=opening,
        income=income_statement(figures),
        balance=sheet,
        cash_flow=flow,
        key_figures=key_figures(figures),
        costs=cost_distribution(this.categories),
        previous=previous,
        findings=tuple(findings),
        has_outcome=this.has_outcome,
    )


def year_statements(*, association: Association, year: int) -> YearStatements:
    """This year's and last year's statements (three queries)."""
    return _statements(year, _load(association, range(year - 2, year + 1)), True)


@dataclass(frozen=True)
class OverviewYear:
    year: int
    income: Decimal | None
    costs: Decimal | None  # negative, as printed
    result: Decimal | None
    solidity_percent: Decimal | None
    employees: Decimal | None
    equity: Decimal | None = None
    contributions: Decimal | None = None
    equity_share_percent: Decimal | None = None  # of the year's contributions (20 % rule)
    operating_income: Decimal | None = None  # verksamhetens intäkter, no financial items
    operating_costs: Decimal | None = None  # negative, no financial items (LKBR)


def five_year_overview(*, association: Association, year: int) -> list[OverviewYear]:
    """Femårsöversikt: the five years up to `year`, oldest first (four queries). A
    year without stored outcome takes the key figures kansli entered from an earlier
    annual report (`EarlierYearFigures`)."""
    from reporting.models import EarlierYearFigures

    data = _load(association, range(year - 5, year + 1))
    earlier = {
        e.year: e
        for e in EarlierYearFigures.objects.filter(
            association=association, year__gte=year - 4, year__lte=year
        )
    }
    result = []
    for y in range(year - 4, year + 1):
        if y not in data:
            continue  # before the association was formed
        s = _statements(y, data, False)
        fy = data[y].fiscal_year
        if (s.figures is None or not data[y].has_outcome) and y in earlier:
            e = earlier[y]
            result.append(
                OverviewYear(
                    y,
                    None,
                    None,
                    e.result,
                    e.solidity_percent,
                    e.employees if e.employees is not None else (fy.employees if fy else None),
                    operating_income=e.income,
                    operating_costs=-e.costs,
                )
            )
            continue
        if s.figures is None or not data[y].has_outcome:
            # Balances alone (a year before the first outcome) make no overview row.
            result.append(OverviewYear(y, None, None, None, None, fy.employees if fy else None))
            continue
        total_income = s.income.verksamhetens_intakter + s.income.finansiella_intakter
        total_costs = s.income.verksamhetens_kostnader + s.income.finansiella_kostnader
        result.append(
            OverviewYear(
                y,
                total_income,
                total_costs,
                s.income.arets_resultat,
                s.key_figures.soliditet_procent if data[y].has_balances else None,
                fy.employees if fy else None,
                s.balance.eget_kapital if data[y].has_balances else None,
                s.figures.contributions_total,
                s.key_figures.eget_kapital_andel_av_bidrag_procent
                if data[y].has_balances
                else None,
                s.income.verksamhetens_intakter,
                s.income.verksamhetens_kostnader,
            )
        )
    return result


# --- Driftredovisning ---


@dataclass(frozen=True)
class OperatingRow:
    label: str
    outcome_income: Decimal
    outcome_cost: Decimal  # negative, as printed
    budget_income: Decimal | None
    budget_cost: Decimal | None  # negative
    previous_income: Decimal | None  # None: no outcome booked the year before
    previous_cost: Decimal | None  # negative

    @property
    def outcome_net(self) -> Decimal:
        return self.outcome_income + self.outcome_cost

    @property
    def budget_net(self) -> Decimal | None:
        if self.budget_income is None and self.budget_cost is None:
            return None
        return (self.budget_income or ZERO) + (self.budget_cost or ZERO)

    @property
    def deviation(self) -> Decimal | None:
        budget = self.budget_net
        return None if budget is None else self.outcome_net - budget

    @property
    def previous_net(self) -> Decimal | None:
        if self.previous_income is None and self.previous_cost is None:
            return None
        return (self.previous_income or ZERO) + (self.previous_cost or ZERO)


def _sum_rows(label: str, rows: list[OperatingRow]) -> OperatingRow:
    def total(name: str) -> Decimal | None:
        values = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        return sum(values, ZERO) if values else None

    return OperatingRow(
        label,
        total("outcome_income") or ZERO,
        total("outcome_cost") or ZERO,
        total("budget_income"),
        total("budget_cost"),
        total("previous_income"),
        total("previous_cost"),
    )


@dataclass(frozen=True)
class OperatingSection:
    key: str
    label: str
    rows: tuple[OperatingRow, ...]
    total: OperatingRow


@dataclass(frozen=True)
class OperatingReport:
    """Driftredovisning: per line and per insats, outcome, budget, deviation and last
    year's outcome; costs negative as printed."""

    year: int
    sections: tuple[OperatingSection, ...]
    operating_total: OperatingRow
    financial: OperatingRow
    total: OperatingRow
    insatser: tuple[OperatingRow, ...]


# The members' contributions are the driftredovisning's income; other operating
# income (a fee, a refund) is the kansli's and stands among the administration, as
# Västmanland 2024 prints its 5 tkr (Summa intäkter 19 038, administration 5 − 2 436);
# a line reported under another (there: Kansli + bilkonto) stands on that line's row.
SECTIONS = (
    ("intakter", "Intäkter", lambda line: line.group == BudgetLine.CONTRIBUTION),
    (
        "administration",
        "Administrativa kostnader",
        lambda line: line.group in (BudgetLine.ADMINISTRATION, BudgetLine.OTHER_INCOME),
    ),
    ("individ", "Individinsatser", lambda line: line.cost_category == "individ"),
    ("struktur", "Strukturella insatser", lambda line: line.cost_category == "struktur"),
    ("processtod", "Processtöd", lambda line: line.cost_category == "processtod"),
)


def _insats_row_label(rows: list[tuple[BudgetLine, OperatingRow]], insats_name: str) -> str:
    """An insats's row is named as the year's budget names it (the line the board
    budgeted under), else as the line with the year's outcome, else after the insats:
    a renamed or relinked line never splits the insats into two rows."""
    if len(rows) == 1:
        return rows[0][1].label
    for has in (
        lambda r: r.budget_income is not None or r.budget_cost is not None,
        lambda r: r.outcome_income or r.outcome_cost,
    ):
        found = [line.name for line, row in rows if has(row)]
        if len(found) == 1:
            return found[0]
    return insats_name


def _grouped_by_insats(
    rows: list[tuple[BudgetLine, OperatingRow]],
) -> list[OperatingRow]:
    """One row per insats (its lines summed), the lines without insats as they are,
    in the order of each group's first line."""
    groups: dict[tuple[str, int], list[tuple[BudgetLine, OperatingRow]]] = {}
    for line, row in rows:
        key = ("insats", line.insats_id) if line.insats_id else ("line", line.id)
        groups.setdefault(key, []).append((line, row))
    result = []
    for (kind, _), members in groups.items():
        if kind == "line" or len(members) == 1:
            result.extend(row for _, row in members)
            continue
        label = _insats_row_label(members, members[0][0].insats.name)
        result.append(_sum_rows(label, [row for _, row in members]))
    return result


def _operating_amounts(association: Association, year: int):
    """Outcome per line and year, the year's budget per line and its version, and the
    contributions (four queries)."""
    outcome: dict[tuple[int, int], Decimal] = {}
    for row in (
        Actual.objects.filter(line__association=association, year__in=[year - 1, year])
        .values("line_id", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        outcome[(row["line_id"], row["year"])] = row["total"]
    version = _current_versions(association, [year]).get(year)
    budget: dict[int, Decimal] = {}
    if version is not None:
        budget = dict(
            BudgetAmount.objects.filter(budget_version=version, offset=0).values_list(
                "line_id", "amount"
            )
        )
    contributions = contribution_amounts(association=association, years=[year])
    return outcome, version, budget, contributions


def _operating_row(line: BudgetLine, year: int, amounts) -> OperatingRow | None:
    outcome, version, budget, contributions = amounts
    now, before = outcome.get((line.id, year)), outcome.get((line.id, year - 1))
    planned = budget.get(line.id)
    if line.from_contributions and version is not None:
        known, amount = contribution_for(contributions, _contribution_key(line), year)
        if known:
            planned = amount
    if now is None and before is None and planned is None:
        return None
    sign = 1 if line.is_income else -1

    def split(value: Decimal | None) -> tuple[Decimal, Decimal]:
        value = value or ZERO
        return (value, ZERO) if sign > 0 else (ZERO, -value)

    oi, oc = split(now)
    # No outcome the year before (a new line, or the association's first year) is
    # None, not 0, so a column of last year's outcome is left out where it has none.
    pi, pc = (None, None) if before is None else split(before)
    bi, bc = (None, None) if planned is None else split(planned)
    return OperatingRow(line.name, oi, oc, bi, bc, pi, pc)


def _reported_under(lines: list[BudgetLine], year: int, amounts) -> dict[int, OperatingRow]:
    """Each line's row; a line reported under another (`BudgetLine.reported_under`, an
    income such as Västmanland's 5 tkr on Kansli + bilkonto) adds its outcome, budget
    and last year's outcome to that line's row and has none of its own."""
    rows: dict[int, OperatingRow] = {}
    for line in lines:
        row = _operating_row(line, year, amounts)
        if row is not None:
            rows[line.id] = row
    by_id = {line.id: line for line in lines}
    for line in lines:
        target = by_id.get(line.reported_under_id)
        if target is None or target.id == line.id or line.id not in rows:
            continue
        moved = rows.pop(line.id)
        own = rows.get(target.id)
        rows[target.id] = _sum_rows(target.name, [r for r in (own, moved) if r is not None])
    return rows


def operating_report(*, association: Association, year: int) -> OperatingReport:
    """Five queries: lines, outcome, budget versions, budget amounts, contributions.
    The lines of one insats make one row (see `_grouped_by_insats`)."""
    lines = list(BudgetLine.objects.filter(association=association).select_related("insats"))
    amounts = _operating_amounts(association, year)
    # One pass over the lines: each line's row is made once and goes to its section
    # (the first that it belongs to), the financial items and its insats.
    by_section: dict[str, list[tuple[BudgetLine, OperatingRow]]] = {
        key: [] for key, _, _ in SECTIONS
    }
    financial_rows: list[OperatingRow] = []
    by_insats: dict[int, list[OperatingRow]] = {}
    names: dict[int, str] = {}
    rows_by_line = _reported_under(lines, year, amounts)
    for line in lines:
        row = rows_by_line.get(line.id)
        if row is None:
            continue
        for key, _, belongs in SECTIONS:
            if belongs(line):
                by_section[key].append((line, row))
                break
        if line.group in (BudgetLine.FINANCIAL_INCOME, BudgetLine.FINANCIAL_COST):
            financial_rows.append(row)
        if line.insats_id is not None:
            by_insats.setdefault(line.insats_id, []).append(row)
            names[line.insats_id] = line.insats.name
    sections = [
        OperatingSection(key, label, tuple(rows), _sum_rows(f"Summa {label.lower()}", rows))
        for key, label, _ in SECTIONS
        if (rows := _grouped_by_insats(by_section[key]))
    ]
    operating_total = _sum_rows("Summa", [s.total for s in sections])
    financial = _sum_rows("Finansiella intäkter och kostnader", financial_rows)
    insatser = tuple(
        _sum_rows(names[i], rows)
        for i, rows in sorted(by_insats.items(), key=lambda kv: names[kv[0]])
    )
    return OperatingReport(
        year=year,
        sections=tuple(sections),
        operating_total=operating_total,
        financial=financial,
        total=_sum_rows("Summa efter finansiella poster", [operating_total, financial]),
        insatser=insatser,
    )


def balances_at(*, association: Association, years: list[int]) -> dict[int, Balances]:
    """The stored year-end balances of those years that have any (one query)."""
    data: dict[int, _Year] = {}
    for row in (
        BalanceLine.objects.filter(
            fiscal_year__association=association, fiscal_year__year__in=years
        )
        .values("fiscal_year__year", "item")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        data.setdefault(row["fiscal_year__year"], _Year()).items[row["item"]] = row["total"]
    return {year: y.balances() for year, y in data.items()}
