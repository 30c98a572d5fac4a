"""Verksamhetsplan och budget N (DOMAIN §8, seeds 000 and 003 Västra Mälardalen 2021
and 2023, 001 Västerås 2022).

`plan` reads like the plan's contents list; the budget comparison, the five-year
overview and the stored year-ends are loaded once and handed down."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from budgets.models import Budget, BudgetVersion
from budgets.selectors import Comparison, comparison, insats_money
from insatser.models import Goal, Insats
from members.models import Association
from reporting.documents.blocks import MIXED, TKR, TKR1, Document, Row, Section, Table, Text
from reporting.documents.common import (
    NARRATIVE_TITLES,
    cover,
    decided_version,
    goal_table,
    narratives,
    organisation_table,
    people,
    staffing_text,
)
from reporting.markdown import labelled
from reporting.models import VP
from reporting.selectors import YearStatements, balances_at, year_statements
from reporting.statements import Balances

ZERO = Decimal(0)


@dataclass
class _Data:
    budget: Budget | None
    version: BudgetVersion | None
    comparison: Comparison | None
    statements: YearStatements
    balances: dict[int, Balances]
    insatser: list[Insats]
    insats_budget: dict[int, Decimal]


def _load(association: Association, year: int, version: BudgetVersion | None) -> _Data:
    budget = Budget.objects.filter(association=association, year=year).first()
    version = version or decided_version(association, year)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    insatser = list(
        Insats.objects.filter(association=association)
        .exclude(status=Insats.AVSLAGEN)
        .exclude(end__lt=start)
        .exclude(start__gt=end)
        .exclude(start__isnull=True, end__isnull=True, status=Insats.AVSLUTAD)
        # Lists, not managers: a manager per insats and relation costs a queryset each.
        .prefetch_related(
            Prefetch("staffing", to_attr="staffing_list"),
            Prefetch("members", to_attr="member_list"),
            Prefetch("goals", queryset=Goal.objects.filter(year=year), to_attr="year_goals"),
        )
        .order_by("kind", "pk")
    )
    money = insats_money(
        association=association, insats_ids=[i.pk for i in insatser], years=[year]
    )
    return _Data(
        budget=budget,
        version=version,
        comparison=comparison(
            budget=budget,
            version=version,
            # A decided plan shows what was known at its decision.
            as_of=version.decided_on if version is not None and version.is_decided else None,
        )
        if budget is not None
        else None,
        statements=year_statements(association=association, year=year - 1),
        balances=balances_at(association=association, years=[year - 2, year - 1]),
        insatser=insatser,
        insats_budget={
            pk: m[year].budget for pk, m in money.items() if year in m and m[year].budget
        },
    )


def plan(association: Association, year: int, version: BudgetVersion | None = None) -> Document:
    """Verksamhetsplan och budget N: of `version` (a draft to preview), else of the
    latest decided version, else of the current draft."""
    texts = narratives(association, VP, year)
    d = _load(association, year, version)
    org = organisation_table(people(association, year))
    goals = goal_table(association, year, follow_up=False)
    sections = [
        Section("inledning", "1", NARRATIVE_TITLES[VP]["inledning"], [texts["inledning"]]),
        Section("bakgrund", "2", NARRATIVE_TITLES[VP]["bakgrund"], [texts["bakgrund"]]),
        Section("organisation", "3", "Organisation", [org] if org else []),
        Section("behov", "4", NARRATIVE_TITLES[VP]["behov"], [texts["behov"]]),
        Section("mal", "5", "Mål", [goals] if goals else []),
        Section("insatser", "6", "Planerade insatser", _planned_insatser(d, year)),
        # The budget follows the insatser on their page: its long tables split.
        Section("budget", "7", "Budget", _budget_blocks(d, year)),
        Section(
            "arshjul",
            "Bilaga 1",
            NARRATIVE_TITLES[VP]["arshjul"],
            [texts["arshjul"]],
            page_break=True,
        ),
        Section("risker", "Bilaga 2", NARRATIVE_TITLES[VP]["risker"], [texts["risker"]]),
    ]
    sections = _renumber([s for s in sections if s.blocks])
    sections[0].page_break = True
    return Document(
        kind=VP,
        slug="verksamhetsplan",
        title=f"Verksamhetsplan och budget {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=d.version.decided_on if d.version and d.version.is_decided else None,
        paragraph=d.version.paragraph if d.version and d.version.is_decided else "",
        **cover(association),
    )


def _renumber(sections: list[Section]) -> list[Section]:
    n = 0
    for s in sections:
        if s.number.isdigit():
            n += 1
            s.number = str(n)
    return sections


# --- 6 Planerade insatser -----------------------------------------------------------------


def _planned_insatser(d: _Data, year: int) -> list:
    blocks = []
    for insats in d.insatser:
        staffing = staffing_text(insats.staffing_list)
        goals = "; ".join(g.text for g in insats.year_goals)
        budget = d.insats_budget.get(insats.pk)
        # Plain-text fields: escaped, never Markdown (only the narrative texts are).
        parts = [format_html("<h4>{} ({})</h4>", insats.name, insats.get_kind_display().lower())]
        for label, value in (
            ("Syfte", insats.purpose),
            ("Mål", goals),
            ("Målgrupp", insats.target_group),
            ("Utförare", ", ".join(m.name for m in insats.member_list)),
            ("Bemanning", staffing),
            ("Styrgrupp", insats.steering_group),
            ("Årsplatser", str(insats.capacity) if insats.capacity else ""),
            (f"Budget {year}", f"{_tkr(budget)} tkr" if budget else ""),
        ):
            if value:
                parts.append(labelled(label, value))
        blocks.append(Text(mark_safe("".join(parts))))  # parts are escaped
    return blocks


def _tkr(value: Decimal) -> str:
    from finsam.money import format_tkr

    return format_tkr(value).replace("\xa0", " ")


# --- 7 Budget -------------------------------------------------------------------------------


def _budget_blocks(d: _Data, year: int) -> list:
    comp = d.comparison
    if comp is None:
        return []
    income, costs = comp.income(), comp.costs()
    # A column without budgeted costs (or income) has no result to print or roll on.
    result = [
        r if i is not None and c is not None else None
        for r, i, c in zip(comp.result(), income, costs, strict=True)
    ]
    rows = []
    for group in comp.groups:
        if all(v is None for r in group.rows for v in r.values):
            continue  # no figure in any column: a heading over nothing tells nothing
        rows.append(Row(group.label.upper(), [""] * 6, heading=True))
        rows.extend(Row(r.line.name, list(r.values)) for r in group.rows)
        rows.append(Row(f"Summa {group.label.lower()}", group.totals(), True))
    rows.append(Row("Summa intäkter", income, True))
    rows.append(Row("Summa kostnader", costs, True))
    rows.append(Row("Årets resultat", result, True))
    equity = _equity_row(d, year, result)
    if any(v is not None for v in equity):
        rows.append(Row("Eget kapital vid årets slut", equity))
    blocks: list = [
        Table(
            f"Resultatbudget {year}", comp.headings, rows, unit=TKR, sheet="Resultatbudget"
        ).without_empty_columns()
    ]
    blocks.extend(_equity_budget(d, year, result, income))
    blocks.extend(_position_budget(d, year, result))
    return blocks


@dataclass
class _Column:
    """One column of the balansbudget and kassaflödesbudget: a year-end as booked
    (bokslut) or projected from its parent column with the budgeted result."""

    heading: str
    index: int  # the column of the comparison it stands for
    result: Decimal | None
    receivables: Decimal
    cash: Decimal
    equity: Decimal
    pensions: Decimal
    liabilities: Decimal
    opening_cash: Decimal | None = None
    receivables_change: Decimal | None = None
    liabilities_change: Decimal | None = None
    opening_equity: Decimal | None = None
    booked: bool = False
    adjustments: Decimal = ZERO  # ej likviditetspåverkande poster (pension provisions)
    other_flows: Decimal = ZERO  # investering and finansiering (a capital contribution)

    @property
    def operating_flow(self) -> Decimal | None:
        if self.result is None or self.receivables_change is None:
            return None
        return self.result + self.adjustments + self.receivables_change + self.liabilities_change

    @property
    def cash_flow(self) -> Decimal | None:
        flow = self.operating_flow
        return None if flow is None else flow + self.other_flows


def _columns(d: _Data, year: int, result: list) -> list[_Column]:
    """The booked year-end the budget starts from, then each budget, forecast and plan
    year rolled on from its parent: short-term receivables are collected and
    short-term liabilities paid in the next year (as the seeds' balansbudgetar
    show), pension provisions are held, and the budgeted result goes to cash and
    equity. A column without a budgeted result ends the chain."""
    base_year = max((y for y in d.balances if y in (year - 2, year - 1)), default=None)
    if base_year is None:
        return []
    s = d.statements if base_year == year - 1 else d.statements.previous
    if s is None or s.figures is None:
        return []
    b = d.balances[base_year]
    flow = s.cash_flow
    base = _Column(
        heading=f"Bokslut {base_year}",
        index=0 if base_year == year - 2 else -1,
        result=s.income.arets_resultat,
        receivables=b.receivables,
        cash=b.cash_and_bank + b.short_term_placements,
        equity=s.balance.eget_kapital,
        pensions=b.pension_provisions,
        liabilities=b.short_term_liabilities,
        opening_cash=flow.likvida_medel_vid_arets_borjan if flow else None,
        receivables_change=flow.forandring_kortfristiga_fordringar if flow else None,
        liabilities_change=flow.forandring_kortfristiga_skulder if flow else None,
        opening_equity=s.figures.equity_opening + s.figures.capital_contribution,
        booked=True,
    )
    if flow is not None:
        base.adjustments = flow.justering_ej_likviditetspaverkande
        base.other_flows = flow.investeringsverksamhet + flow.finansieringsverksamhet

    def child(parent: _Column, index: int, heading: str) -> _Column | None:
        change = result[index]
        if change is None:
            return None
        return _Column(
            heading=heading,
            index=index,
            result=change,
            receivables=ZERO,
            cash=parent.cash + change + parent.receivables - parent.liabilities,
            equity=parent.equity + change,
            pensions=parent.pensions,
            liabilities=ZERO,
            opening_cash=parent.cash,
            receivables_change=parent.receivables,
            liabilities_change=-parent.liabilities,
            opening_equity=parent.equity,
        )

    headings = d.comparison.headings
    columns = [base]
    parent = base
    if base_year == year - 2:
        budget_last = child(base, 1, headings[1])
        forecast_last = child(base, 2, headings[2])
        columns.extend(c for c in (budget_last, forecast_last) if c is not None)
        parent = forecast_last or budget_last
        if parent is None:
            return columns
    for index in (3, 4, 5):
        nxt = child(parent, index, headings[index])
        if nxt is None:
            break
        columns.append(nxt)
        parent = nxt
    return columns


def _equity_row(d: _Data, year: int, result: list) -> list[Decimal | None]:
    """Equity at the end of each column's year, under the result that moves it: booked
    for the bokslut, rolled on with the budgeted results (from the plan's own estimate
    of the opening equity when no year-end is booked)."""
    values: list[Decimal | None] = [None] * 6
    for column in _columns(d, year, result):
        if column.index >= 0:
            values[column.index] = column.equity
    if all(v is None for v in values) and d.budget is not None:
        equity = d.budget.equity_estimate
        for index in (3, 4, 5):
            if equity is None or result[index] is None:
                break
            equity += result[index]
            values[index] = equity
    return values


def _equity_budget(d: _Data, year: int, result: list, income: list) -> list:
    """Equity from the last booked year-end over last year's forecast (or budget) and
    the budget years, against the 20 % ceiling. Without a booked year-end, the plan's
    own estimate of the opening equity is the start."""
    chain = [c for c in _columns(d, year, result) if not c.booked]
    if any(c.index == 2 for c in chain):
        chain = [c for c in chain if c.index != 1]  # the forecast replaces last year's budget
    if not chain and d.budget is not None and d.budget.equity_estimate is not None:
        equity = d.budget.equity_estimate
        for index in (3, 4, 5):
            if result[index] is None:
                break
            chain.append(
                _Column(
                    d.comparison.headings[index],
                    index,
                    result[index],
                    ZERO,
                    ZERO,
                    equity + result[index],
                    ZERO,
                    ZERO,
                    opening_equity=equity,
                )
            )
            equity += result[index]
    if not chain:
        return []
    rows = [
        Row(
            c.heading,
            [
                c.opening_equity,
                c.result,
                c.equity,
                c.equity * 100 / income[c.index] if income[c.index] else None,
            ],
        )
        for c in chain
    ]
    return [
        Table(
            "Eget kapital under budgetperioden och andel av intäkterna, mot taket 20 %",
            [
                "Ingående eget kapital (kr)",
                "Resultat (kr)",
                "Utgående eget kapital (kr)",
                "Andel av intäkterna (%)",
            ],
            rows,
            unit=MIXED,
            sheet="Eget kapital budget",
            first_column="År",
        ),
    ]


def _position_budget(d: _Data, year: int, result: list) -> list:
    """Kassaflödesbudget and balansbudget over the columns of `_columns`."""
    columns = _columns(d, year, result)
    if len(columns) < 2:
        return []
    headings = [c.heading for c in columns]
    cash_table = Table(
        "Kassaflödesbudget",
        headings,
        [
            Row("Den löpande verksamheten", [""] * len(columns), heading=True),
            Row(
                "Årets resultat",
                [c.result if c.receivables_change is not None else None for c in columns],
            ),
            *(
                [
                    Row(
                        "Justering för ej likviditetspåverkande poster",
                        [
                            c.adjustments if c.receivables_change is not None else None
                            for c in columns
                        ],
                    )
                ]
                if any(c.adjustments for c in columns)
                else []
            ),
            Row(
                "Ökning (−)/minskning (+) kortfristiga fordringar",
                [c.receivables_change for c in columns],
            ),
            Row(
                "Ökning (+)/minskning (−) kortfristiga skulder",
                [c.liabilities_change for c in columns],
            ),
            Row(
                "Kassaflöde från den löpande verksamheten",
                [c.operating_flow for c in columns],
                True,
            ),
            *(
                [
                    Row(
                        "Kassaflöde från investering och finansiering",
                        [
                            c.other_flows if c.receivables_change is not None else None
                            for c in columns
                        ],
                    )
                ]
                if any(c.other_flows for c in columns)
                else []
            ),
            Row("Årets kassaflöde", [c.cash_flow for c in columns], True),
            Row("Likvida medel vid årets början", [c.opening_cash for c in columns]),
            Row(
                "Likvida medel vid årets slut",
                [c.cash if c.opening_cash is not None else None for c in columns],
                True,
            ),
        ],
        unit=TKR1,
        sheet="Kassaflödesbudget",
    ).without_empty_columns()
    pensions = any(c.pensions for c in columns)
    rows = [
        Row("Tillgångar", [""] * len(columns), heading=True),
        Row("Omsättningstillgångar", [""] * len(columns), heading=True),
        Row("Fordringar", [c.receivables for c in columns]),
        Row("Kassa och bank", [c.cash for c in columns]),
        Row("Summa tillgångar", [c.receivables + c.cash for c in columns], True),
        Row("Eget kapital, avsättningar och skulder", [""] * len(columns), heading=True),
        Row("Eget kapital", [c.equity for c in columns]),
        Row("därav årets resultat", [c.result for c in columns]),
    ]
    if pensions:
        rows.append(Row("Avsättningar för pensioner", [c.pensions for c in columns]))
    rows.extend(
        [
            Row("Kortfristiga skulder", [c.liabilities for c in columns]),
            Row(
                "Summa eget kapital, avsättningar och skulder",
                [c.equity + c.pensions + c.liabilities for c in columns],
                True,
            ),
        ]
    )
    balance_table = Table(
        "Balansbudget per 31 december", headings, rows, unit=TKR, sheet="Balansbudget"
    ).without_empty_columns()
    return [cash_table, balance_table]
