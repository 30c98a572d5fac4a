"""Verksamhetsplan och budget N (DOMAIN §8, seeds 000 and 003 Västra Mälardalen 2021
and 2023, 001 Västerås 2022).

`plan` reads like the plan's contents list; the budget comparison, the five-year
overview and the stored year-ends are loaded once and handed down."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from budgets.models import Budget, BudgetVersion
from budgets.selectors import Comparison, comparison, insats_money
from insatser.models import Insats
from members.models import Association
from reporting.documents.blocks import MIXED, TKR, Document, Row, Section, Table, Text
from reporting.documents.common import (
    NARRATIVE_TITLES,
    cover,
    decided_version,
    escape_md,
    goal_table,
    narratives,
    organisation_table,
    people,
)
from reporting.markdown import render
from reporting.models import VP
from reporting.selectors import OverviewYear, balances_at, five_year_overview
from reporting.statements import Balances

ZERO = Decimal(0)


@dataclass
class _Data:
    budget: Budget | None
    version: BudgetVersion | None
    comparison: Comparison | None
    overview: list[OverviewYear]
    balances: dict[int, Balances]
    insatser: list[Insats]
    insats_budget: dict[int, Decimal]


def _load(association: Association, year: int) -> _Data:
    budget = Budget.objects.filter(association=association, year=year).first()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    insatser = list(
        Insats.objects.filter(association=association)
        .exclude(status=Insats.AVSLAGEN)
        .exclude(end__lt=start)
        .exclude(start__gt=end)
        .exclude(start__isnull=True, end__isnull=True, status=Insats.AVSLUTAD)
        .prefetch_related("staffing", "members", "goals")
        .order_by("kind", "pk")
    )
    money = insats_money(association=association, insats_ids=[i.pk for i in insatser])
    return _Data(
        budget=budget,
        version=decided_version(association, year),
        comparison=comparison(budget=budget) if budget is not None else None,
        overview=five_year_overview(association=association, year=year - 1),
        balances=balances_at(association=association, years=[year - 2, year - 1]),
        insatser=insatser,
        insats_budget={
            pk: m[year].budget for pk, m in money.items() if year in m and m[year].budget
        },
    )


def plan(association: Association, year: int) -> Document:
    """Verksamhetsplan och budget N."""
    texts = narratives(association, VP, year)
    d = _load(association, year)
    org = organisation_table(people(association, year))
    goals = goal_table(association, year, follow_up=False)
    sections = [
        Section("inledning", "1", NARRATIVE_TITLES[VP]["inledning"], [texts["inledning"]]),
        Section("bakgrund", "2", NARRATIVE_TITLES[VP]["bakgrund"], [texts["bakgrund"]]),
        Section("organisation", "3", "Organisation", [org] if org else []),
        Section("behov", "4", NARRATIVE_TITLES[VP]["behov"], [texts["behov"]]),
        Section("mal", "5", "Mål", [goals] if goals else []),
        Section("insatser", "6", "Planerade insatser", _planned_insatser(d, year)),
        Section("budget", "7", "Budget", _budget_blocks(d, year), page_break=True),
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
        decided_on=d.version.decided_on if d.version else None,
        paragraph=d.version.paragraph if d.version else "",
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
        staffing = ", ".join(
            f"{s.count} {s.role.lower()} ({s.percent.normalize():f} %)".replace(".", ",")
            for s in insats.staffing.all()
        )
        goals = "; ".join(g.text for g in insats.goals.all() if g.year == year)
        budget = d.insats_budget.get(insats.pk)
        parts = [f"#### {escape_md(insats.name)} ({insats.get_kind_display().lower()})"]
        for label, value in (
            ("Syfte", insats.purpose),
            ("Mål", goals),
            ("Målgrupp", insats.target_group),
            ("Utförare", ", ".join(m.name for m in insats.members.all())),
            ("Bemanning", staffing),
            ("Styrgrupp", insats.steering_group),
            ("Årsplatser", str(insats.capacity) if insats.capacity else ""),
            (f"Budget {year}", f"{_tkr(budget)} tkr" if budget else ""),
        ):
            if value:
                parts.append(f"**{label}:** {escape_md(value)}")
        blocks.append(Text(render("\n\n".join(parts))))
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
        rows.append(Row(group.label.upper(), [""] * 6, heading=True))
        rows.extend(Row(r.line.name, list(r.values)) for r in group.rows)
        rows.append(Row(f"Summa {group.label.lower()}", group.totals(), True))
    rows.append(Row("Summa intäkter", income, True))
    rows.append(Row("Summa kostnader", costs, True))
    rows.append(Row("Årets resultat", result, True))
    blocks: list = [
        Table(
            f"Resultatbudget {year}", comp.headings, rows, unit=TKR, sheet="Resultatbudget"
        ).without_empty_columns()
    ]
    blocks.extend(_equity_budget(d, year, result, income))
    blocks.extend(_position_budget(d, year, result))
    return blocks


def _last_equity(d: _Data, year: int) -> tuple[int, Decimal] | None:
    last = None
    for o in reversed(d.overview):
        if o.equity is not None:
            last = (o.year, o.equity)
            break
    budget = d.budget
    if (
        budget is not None
        and budget.equity_estimate is not None
        and (last is None or last[0] < year - 1)
    ):
        last = (year - 1, budget.equity_estimate)  # the plan's own estimate
    return last


def _equity_budget(d: _Data, year: int, result: list, income: list) -> list:
    """Equity roll-forward over the budget years and the 20 % check. The opening
    equity is the last year-end stored before the budget year, or the plan's own
    estimate when last year is not closed; a year-end two years back is rolled on
    with last year's forecast result (or its budget when there is no forecast)."""
    last = _last_equity(d, year)
    if last is None:
        return []
    base_year, equity = last
    notes = []
    if base_year < year - 1:
        previous = result[2] if result[2] is not None else result[1]
        if previous is not None and base_year == year - 2:
            equity += previous
            source = "prognosen" if result[2] is not None else "budgeten"
            notes.append(
                f"Eget kapital utgår från bokslutet {base_year} och {source} för {year - 1}."
            )
        else:
            notes.append(
                f"Eget kapital utgår från bokslutet {base_year}; för {year - 1} finns varken "
                "bokslut, prognos eller budget, så dess resultat är inte med."
            )
    rows = []
    for y, index in [(year, 3), (year + 1, 4), (year + 2, 5)]:
        change = result[index]
        if change is None:
            break
        opening = equity
        equity = equity + change
        share = equity * 100 / income[index] if income[index] else None
        rows.append(Row(str(y), [opening, change, equity, share]))
    if not rows:
        return []
    return [
        *[Text(render(note)) for note in notes],
        Table(
            "Eget kapital under budgetperioden och andel av intäkterna, mot taket 20 %",
            [
                "Ingående eget kapital (kr)",
                "Budgeterat resultat (kr)",
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
    """Kassaflödesbudget and balansbudget: from the last stored year-end, receivables,
    provisions and liabilities are held where they were and each budgeted result goes
    to cash and equity (a year-end two years back is first rolled on with last year's
    forecast result, or its budget)."""
    overview = {o.year: o for o in d.overview}
    base_year = max(
        (y for y in d.balances if overview.get(y) and overview[y].equity is not None),
        default=None,
    )
    if base_year is None:
        return []
    balances, equity = d.balances[base_year], overview[base_year].equity
    cash = balances.cash_and_bank + balances.short_term_placements
    if base_year == year - 2:
        previous = result[2] if result[2] is not None else result[1]
        if previous is None:
            return []
        cash, equity = cash + previous, equity + previous
    years = [(year + i, result[3 + i]) for i in range(3) if result[3 + i] is not None]
    if not years:
        return []
    flow_rows, position = [], []
    for y, change in years:
        flow_rows.append((y, change, cash, cash + change))
        cash, equity = cash + change, equity + change
        position.append((y, cash, equity))
    columns = [str(y) for y, _ in years]
    cash_table = Table(
        f"Kassaflödesbudget {year}–{years[-1][0]}",
        columns,
        [
            Row("Årets resultat", [r[1] for r in flow_rows]),
            Row("Kassaflöde från den löpande verksamheten", [r[1] for r in flow_rows], True),
            Row("Årets kassaflöde", [r[1] for r in flow_rows], True),
            Row("Likvida medel vid årets början", [r[2] for r in flow_rows]),
            Row("Likvida medel vid årets slut", [r[3] for r in flow_rows], True),
        ],
        sheet="Kassaflödesbudget",
    )
    other = balances.receivables
    held = balances.pension_provisions + balances.short_term_liabilities
    balance_table = Table(
        f"Balansbudget per 31 december, utgående från bokslutet {base_year}",
        columns,
        [
            Row("Fordringar", [other for _ in position]),
            Row("Kassa, bank och placeringar", [p[1] for p in position]),
            Row("Summa tillgångar", [other + p[1] for p in position], True),
            Row("Eget kapital", [p[2] for p in position]),
            Row("Avsättningar för pensioner", [balances.pension_provisions for _ in position]),
            Row("Kortfristiga skulder", [balances.short_term_liabilities for _ in position]),
            Row(
                "Summa eget kapital, avsättningar och skulder",
                [p[2] + held for p in position],
                True,
            ),
        ],
        sheet="Balansbudget",
    )
    return [cash_table, balance_table]
