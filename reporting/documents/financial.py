"""The financial parts of the annual report and the statements document: the
statements in RKR's layout (R14/R15 and the recommendation on the cash-flow
statement), the driftredovisning, the notes (Not 1 Redovisningsprinciper, then
numbered as they appear, empty notes left out), the five-year overview in tkr as
LKBR defines it, and the key figures of 1.5 God ekonomisk hushållning.

Each function takes the data it prints (statements, operating report, overview),
loaded once by the document's builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import BalanceLine
from finsam.money import round_to
from reporting import charts
from reporting.documents.blocks import KR, MIXED, TKR, Chart, Row, Section, Table, Text
from reporting.selectors import OperatingReport, OverviewYear, YearStatements
from reporting.statements import CEILING_PERCENT, COST_CATEGORIES, cost_distribution

ZERO = Decimal(0)


@dataclass
class NoteNumbers:
    """Notes numbered in the order they are first referred to; Not 1 is the
    accounting principles."""

    available: set[str] = field(default_factory=set)  # notes that have content
    numbers: dict[str, str] = field(default_factory=dict)
    enabled: bool = True

    def __call__(self, key: str) -> str:
        if not self.enabled or key not in self.available:
            return ""
        if key not in self.numbers:
            self.numbers[key] = str(len(self.numbers) + 2)
        return self.numbers[key]


def _value(obj, key: str):
    return getattr(obj, key) if obj is not None else None


# key, label, sum row, note key; a key of None is a heading row.
INCOME = [
    ("verksamhetens_intakter", "Verksamhetens intäkter", False, "intakter"),
    ("verksamhetens_kostnader", "Verksamhetens kostnader", False, "kostnader"),
    ("verksamhetens_resultat", "Verksamhetens resultat", True, ""),
    ("finansiella_intakter", "Finansiella intäkter", False, ""),
    ("finansiella_kostnader", "Finansiella kostnader", False, ""),
    ("resultat_efter_finansiella_poster", "Resultat efter finansiella poster", True, ""),
    ("arets_resultat", "Årets resultat", True, ""),
]
BALANCE = [
    (None, "Tillgångar", False, ""),
    (None, "Anläggningstillgångar", False, ""),
    ("anlaggningstillgangar", "Summa anläggningstillgångar", True, ""),
    (None, "Omsättningstillgångar", False, ""),
    ("fordringar", "Fordringar", False, "fordringar"),
    ("kortfristiga_placeringar", "Kortfristiga placeringar", False, "placeringar"),
    ("kassa_och_bank", "Kassa och bank", False, ""),
    ("summa_tillgangar", "Summa omsättningstillgångar", True, ""),
    ("summa_tillgangar", "Summa tillgångar", True, ""),
    (None, "Eget kapital, avsättningar och skulder", False, ""),
    (None, "Eget kapital", False, ""),
    ("arets_resultat", "Årets resultat", False, "eget_kapital"),
    ("ovrigt_eget_kapital", "Övrigt eget kapital", False, "eget_kapital"),
    ("eget_kapital", "Summa eget kapital", True, ""),
    (None, "Avsättningar", False, ""),
    ("avsattningar_pensioner", "Avsättningar för pensioner", False, ""),
    (None, "Skulder", False, ""),
    ("kortfristiga_skulder", "Kortfristiga skulder", False, "skulder"),
    (
        "summa_eget_kapital_avsattningar_och_skulder",
        "Summa eget kapital, avsättningar och skulder",
        True,
        "",
    ),
]
CASH = [
    (None, "Den löpande verksamheten", False, ""),
    ("arets_resultat", "Årets resultat", False, ""),
    (
        "justering_ej_likviditetspaverkande",
        "Justering för ej likviditetspåverkande poster",
        False,
        "",
    ),
    (
        "fore_forandring_rorelsekapital",
        "Medel från verksamheten före förändring av rörelsekapital",
        True,
        "",
    ),
    (
        "forandring_kortfristiga_fordringar",
        "Ökning (−)/minskning (+) kortfristiga fordringar",
        False,
        "",
    ),
    (
        "forandring_kortfristiga_skulder",
        "Ökning (+)/minskning (−) kortfristiga skulder",
        False,
        "",
    ),
    ("lopande_verksamhet", "Kassaflöde från den löpande verksamheten", True, ""),
    ("investeringsverksamhet", "Kassaflöde från investeringsverksamheten", True, ""),
    ("finansieringsverksamhet", "Kassaflöde från finansieringsverksamheten", True, ""),
    ("arets_kassaflode", "Årets kassaflöde", True, ""),
    ("likvida_medel_vid_arets_borjan", "Likvida medel vid årets början", False, ""),
    ("likvida_medel_vid_arets_slut", "Likvida medel vid årets slut", True, ""),
]


def _rows(now, before, names, notes: NoteNumbers) -> list[Row]:
    rows = []
    for key, label, strong, note in names:
        if key is None:
            rows.append(Row(label, ["", ""], heading=True))
            continue
        if key == "anlaggningstillgangar":
            # The associations own no fixed assets; RKR's layout still shows the group.
            rows.append(Row(label, [ZERO, ZERO if before else None], strong))
            continue
        rows.append(Row(label, [_value(now, key), _value(before, key)], strong, notes(note)))
    return rows


def statement_sections(s: YearStatements, start: int, notes: NoteNumbers) -> list[Section]:
    """Resultaträkning, balansräkning (with Ansvarsförbindelser) and kassaflödesanalys."""
    year = s.year
    before = s.previous_with_outcome
    columns = [str(year), str(year - 1)] if before else [str(year)]

    def cut(rows: list[Row]) -> list[Row]:
        if before:
            return rows
        return [Row(r.label, r.values[:1], r.strong, r.note, r.heading) for r in rows]

    income = Table(
        "Resultaträkning",
        columns,
        cut(_rows(s.income, before and before.income, INCOME, notes)),
        notes=notes.enabled,
        sheet="Resultaträkning",
    )
    balance_rows = _rows(s.balance, before and before.balance, BALANCE, notes)
    balance_rows.append(Row("Ansvarsförbindelser", ["Inga", "Inga"]))
    balance = Table(
        "Balansräkning",
        [f"{year}-12-31", f"{year - 1}-12-31"] if before else [f"{year}-12-31"],
        cut(balance_rows),
        notes=notes.enabled,
        sheet="Balansräkning",
    )
    sections = [
        Section("resultatrakning", str(start), "Resultaträkning", [income], page_break=True),
        Section("balansrakning", str(start + 1), "Balansräkning", [balance]),
    ]
    if s.cash_flow is not None:
        flow_before = before.cash_flow if before else None
        cash = Table(
            "Kassaflödesanalys",
            columns,
            cut(_rows(s.cash_flow, flow_before, CASH, NoteNumbers(enabled=False))),
            sheet="Kassaflödesanalys",
        ).without_empty_columns()  # last year's flow needs the balances before it
        sections.append(Section("kassaflodesanalys", str(start + 2), "Kassaflödesanalys", [cash]))
    return sections


def operating_section(
    report: OperatingReport, year: int, number: str, order: list[str] | None = None
) -> Section:
    """`order` lists the insatser by name in the association's own order (as they
    were entered, which is how the seeds list them)."""
    rows: list[Row] = []

    def add(r, strong=False):
        rows.append(
            Row(
                r.label,
                [
                    r.outcome_income,
                    r.outcome_cost,
                    r.outcome_net,
                    r.budget_income,
                    r.budget_cost,
                    r.budget_net,
                    r.deviation,
                    r.previous_net,
                ],
                strong,
            )
        )

    for section in report.sections:
        rows.append(Row(section.label.upper(), [""] * 8, heading=True))
        for r in section.rows:
            add(r)
        add(section.total, True)
    add(report.operating_total, True)
    add(report.financial)
    add(report.total, True)
    columns = [
        f"Utfall {year} intäkt",
        f"Utfall {year} kostnad",
        f"Utfall {year} netto",
        f"Budget {year} intäkt",
        f"Budget {year} kostnad",
        f"Budget {year} netto",
        "Avvikelse utfall − budget",
        f"Utfall {year - 1} netto",
    ]
    blocks: list = []
    cost_sections = [sec for sec in report.sections if sec.key != "intakter"]
    outcome = [round_to(-sec.total.outcome_cost / 1000, 0) for sec in cost_sections]
    budget = [round_to(-(sec.total.budget_cost or ZERO) / 1000, 0) for sec in cost_sections]
    if any(outcome) or any(budget):
        series = [("Utfall", outcome)] + ([("Budget", budget)] if any(budget) else [])
        blocks.append(
            Chart(
                charts.bars(
                    title=f"Kostnader {year}: utfall mot budget per slag (tkr)",
                    labels=[sec.label for sec in cost_sections],
                    series=series,
                    unit="tkr",
                )
            )
        )
    blocks.append(
        Table(
            f"Driftredovisning {year}", columns, rows, unit=TKR, sheet="Driftredovisning"
        ).without_empty_columns()
    )
    insatser = list(report.insatser)
    if order:
        rank = {name: i for i, name in enumerate(order)}
        insatser.sort(key=lambda r: rank.get(r.label, len(rank)))
    if insatser:
        blocks.append(
            Table(
                f"Utfall och budget per insats {year}",
                ["Utfall", "Budget", "Avvikelse", f"Utfall {year - 1}"],
                [
                    Row(r.label, [r.outcome_net, r.budget_net, r.deviation, r.previous_net])
                    for r in insatser
                ],
                sheet="Per insats",
            ).without_empty_columns()
        )
    return Section("driftredovisning", number, "Driftredovisning", blocks, page_break=True)


# --- Förvaltningsberättelse -------------------------------------------------------------


def _tkr(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_to(value / 1000, 0)


def overview_table(overview: list[OverviewYear]) -> Table | None:
    """Översikt över verksamhetens utveckling (LKBR 11 kap. 1 §), newest year first
    as the seeds print it; intäkter and kostnader without the financial items."""
    years = [o for o in reversed(overview) if o.result is not None or o.employees is not None]
    if not years:
        return None
    return Table(
        "Översikt över verksamhetens utveckling",
        [str(o.year) for o in years],
        [
            Row("Verksamhetens intäkter (tkr)", [_tkr(o.operating_income) for o in years]),
            Row("Verksamhetens kostnader (tkr)", [_tkr(o.operating_costs) for o in years]),
            Row("Årets resultat (tkr)", [_tkr(o.result) for o in years], True),
            Row("Soliditet (%)", [o.solidity_percent for o in years]),
            Row("Antal anställda", [o.employees for o in years]),
        ],
        unit=MIXED,
        sheet="Femårsöversikt",
        first_column=" ",
    ).without_empty_columns()


def overview_footnote() -> Text:
    from reporting.markdown import render

    return Text(render("Verksamhetens intäkter och kostnader utan finansiella poster."))


def budget_result_table(report: OperatingReport | None, s: YearStatements, year: int) -> Table:
    """Budgeted against actual: income, costs, result and the equity at year-end (the
    opening equity plus the budgeted result), as Västerås 2020 summarises its
    driftredovisning; "Budgeterat resultat" is the driftredovisning's budget total."""
    total = report.total if report is not None else None
    budget_result = total.budget_net if total is not None else None
    opening = s.figures.equity_opening + s.figures.capital_contribution if s.figures else None
    income = s.income
    rows = [
        Row(
            "Verksamhetens intäkter",
            [income.verksamhetens_intakter if income else None, total and total.budget_income],
        ),
        Row(
            "Verksamhetens kostnader",
            [income.verksamhetens_kostnader if income else None, total and total.budget_cost],
        ),
        Row(
            "Finansiella poster",
            [
                income.finansiella_intakter + income.finansiella_kostnader if income else None,
                None,
            ],
        ),
        Row("Årets resultat", [income.arets_resultat if income else None, budget_result], True),
        Row(
            "Eget kapital vid årets slut",
            [
                s.balance.eget_kapital if s.balance else None,
                opening + budget_result
                if opening is not None and budget_result is not None
                else None,
            ],
            True,
        ),
    ]
    for row in rows:
        outcome, budget = row.values
        row.values.append(outcome - budget if outcome is not None and budget is not None else None)
    if not any(r.values[0] for r in rows[2:3]):
        del rows[2]  # no financial items
    return Table(
        "Budgeterat och verkligt resultat",
        [f"Utfall {year}", f"Budget {year}", "Avvikelse utfall − budget"],
        rows,
        sheet="Resultat mot budget",
    ).without_empty_columns()


def cost_distribution_blocks(
    s: YearStatements, report: OperatingReport | None, base: str = "kostnader"
) -> list:
    """Kostnadsfördelning. Of the income (`base="intakter"`, as Västerås 2020): each
    category's outcome and budget in kronor, its share of the year's income, and the
    outcome's difference from the budget in kronor and in percent of the budget. Of
    the costs: each column's share of its own costs (outcome, budget, last year's
    outcome), each summing to 100. The caption names the base."""
    if s.costs is None or not s.costs.percent:
        return []
    budget = {
        sec.key: -sec.total.budget_cost
        for sec in (report.sections if report is not None else ())
        if sec.key != "intakter" and sec.total.budget_cost is not None
    }
    income = s.income.verksamhetens_intakter if s.income is not None else None
    if base == "intakter" and income:
        table, chart = _costs_against_budget(s, budget, income)
        base_text = "verksamhetens intäkter"
    else:
        table, chart = _cost_shares(s, budget)
        base_text = "verksamhetens kostnader"
    from reporting.markdown import render

    blocks: list = [Chart(chart), table]
    direct = direct_cost_share(s, base)
    if direct is not None:
        blocks.append(
            Text(
                render(
                    "Direkta insatskostnader, det vill säga individinsatser, strukturella "
                    "insatser och processtöd (allt utom administration), utgjorde "
                    f"{direct} % av {base_text} {s.year}."
                ),
                key="direkta-insatskostnader",
            )
        )
    return blocks


def _shown_categories(s: YearStatements, *others: dict) -> list[tuple[str, str]]:
    """The categories with a cost in any column (one without costs is left out)."""
    return [
        (key, label)
        for key, label in COST_CATEGORIES
        if s.costs.costs.get(key) or any(o.get(key) for o in others)
    ]


def _percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return round_to(part * 100 / whole, 0)


def _costs_against_budget(
    s: YearStatements, budget: dict[str, Decimal], income: Decimal
) -> tuple[Table, str]:
    year = s.year
    shown = _shown_categories(s, budget)

    def row(label: str, outcome: Decimal, planned: Decimal | None, strong=False) -> Row:
        diff = None if planned is None else planned - outcome
        return Row(
            label,
            [
                outcome,
                _percent_of(outcome, income),
                planned,
                diff,
                _percent_of(diff, planned),
            ],
            strong,
        )

    rows = [row(label, s.costs.costs.get(key, ZERO), budget.get(key)) for key, label in shown]
    rows.append(
        row(
            "Summa verksamhetens kostnader",
            sum((s.costs.costs.get(k, ZERO) for k, _ in shown), ZERO),
            sum((budget[k] for k, _ in shown if k in budget), ZERO) if budget else None,
            True,
        )
    )
    table = Table(
        f"Kostnadsfördelning {year}, andel av verksamhetens intäkter, utfall mot budget",
        [
            f"Utfall {year} (kr)",
            f"Andel av intäkterna {year} (%)",
            f"Budget {year} (kr)",
            "Budget − utfall (kr)",
            "Budget − utfall (% av budget)",
        ],
        rows,
        unit=MIXED,
        sheet="Kostnadsfördelning",
        first_column="Kostnadsslag",
    ).without_empty_columns()
    series = [(f"Utfall {year}", [_tkr(s.costs.costs.get(k, ZERO)) for k, _ in shown])]
    if budget:
        series.append((f"Budget {year}", [_tkr(budget.get(k, ZERO)) for k, _ in shown]))
    chart = charts.bars(
        title=f"Kostnadsfördelning {year}: utfall och budget (tkr)",
        unit="tkr",
        labels=[label for _, label in shown],
        series=series,
    )
    return table, chart


def _cost_shares(s: YearStatements, budget: dict[str, Decimal]) -> tuple[Table, str]:
    year = s.year
    planned = cost_distribution(budget).percent if budget else {}
    last = s.previous_with_outcome
    before = last.costs.percent if last is not None and last.costs else {}
    shown = _shown_categories(s, budget, before)
    columns = [
        (f"Utfall {year} (kr)", s.costs.costs, False),
        (f"Andel utfall {year} (%)", s.costs.percent, True),
        (f"Andel budget {year} (%)", planned, True),
        (f"Andel utfall {year - 1} (%)", before, True),
    ]
    columns = [c for c in columns if c[1]]
    rows = [Row(label, [values.get(key) for _, values, _ in columns]) for key, label in shown]
    rows.append(
        Row(
            "Summa verksamhetens kostnader",
            [
                Decimal(100) if share else sum((values.get(k, ZERO) for k, _ in shown), ZERO)
                for _, values, share in columns
            ],
            True,
        )
    )
    table = Table(
        f"Kostnadsfördelning {year}, andel av verksamhetens kostnader "
        "(utfall, budget och förra årets utfall var för sig)",
        [heading for heading, _, _ in columns],
        rows,
        unit=MIXED,
        sheet="Kostnadsfördelning",
        first_column="Kostnadsslag",
        shares_of_whole=[heading for heading, _, share in columns if share],
    ).without_empty_columns()
    series = [(f"Utfall {year}", [s.costs.percent.get(k, 0) for k, _ in shown])]
    if planned:
        series.append((f"Budget {year}", [planned.get(k, 0) for k, _ in shown]))
    chart = charts.bars(
        title=f"Kostnadsfördelning {year}: andel av verksamhetens kostnader",
        unit="%",
        labels=[label for _, label in shown],
        series=series,
    )
    return table, chart


def direct_cost_share(s: YearStatements, base: str = "kostnader") -> int | None:
    """The direct insats costs (every cost category but administration) as a whole
    percentage of the year's operating costs, or of its income (`base="intakter"`)."""
    if s.costs is None or not s.costs.costs:
        return None
    direct = sum((v for k, v in s.costs.costs.items() if k != "administration"), Decimal(0))
    if base == "intakter" and s.income is not None and s.income.verksamhetens_intakter:
        whole = s.income.verksamhetens_intakter
    else:
        whole = sum(s.costs.costs.values(), Decimal(0))
    if not whole:
        return None
    return int(round_to(direct * 100 / whole, 0))


def equity_blocks(overview: list[OverviewYear]) -> list:
    shown = [o for o in overview if o.equity is not None and o.equity_share_percent is not None]
    if not shown:
        return []
    table = Table(
        "Eget kapital i förhållande till årets medlemsbidrag (rekommenderat tak 20 %)",
        ["Eget kapital (kr)", "Medlemsbidrag (kr)", "Andel av medlemsbidragen (%)"],
        [Row(str(o.year), [o.equity, o.contributions, o.equity_share_percent]) for o in shown],
        unit=MIXED,
        sheet="Eget kapital mot taket",
        first_column="År",
    )
    chart = charts.bars(
        title="Eget kapital som andel av årets medlemsbidrag, mot taket 20 %",
        unit="%",
        labels=[str(o.year) for o in shown],
        series=[("Andel", [o.equity_share_percent for o in shown])],
        ceiling=CEILING_PERCENT,
    )
    return [Chart(chart), table]


def balance_requirement(s: YearStatements) -> Table:
    """Balanskravsresultat in kronor, as every other statement of the report."""

    def column(x):
        if x is None or x.figures is None or not x.has_outcome:
            return [None, None, None]
        return [
            x.income.arets_resultat,
            -x.figures.realisation_gains,
            x.key_figures.balanskravsresultat,
        ]

    now, before = column(s), column(s.previous)
    labels = [
        ("Årets resultat enligt resultaträkningen", False),
        ("Avgår samtliga realisationsvinster", False),
        ("Balanskravsresultat", True),
    ]
    has_before = before[0] is not None
    return Table(
        "Balanskravsresultat",
        [str(s.year), str(s.year - 1)] if has_before else [str(s.year)],
        [
            Row(label, [now[i], before[i]] if has_before else [now[i]], strong)
            for i, (label, strong) in enumerate(labels)
        ],
        unit=KR,
        sheet="Balanskrav",
    )


# --- Notes ------------------------------------------------------------------------------


def _has_year(values: dict[tuple, Decimal], year: int) -> bool:
    return any(y == year for (_, y) in values)


def _known_sum(values: dict[tuple, Decimal], year: int) -> Decimal | None:
    """The sum of a year's figures, None when the year has none (not a false 0)."""
    found = [v for (_, y), v in values.items() if y == year]
    return sum(found, ZERO) if found else None


def income_note(number: str, actuals: list[dict], year: int) -> Table | None:
    totals: dict[tuple[int, int], Decimal] = {}
    names: dict[int, tuple[int, str]] = {}
    for row in actuals:
        totals[(row["line_id"], row["year"])] = row["total"]
        names[row["line_id"]] = (row["line__sort_order"], row["line__name"])
    if not names:
        return None
    rows = [
        Row(name, [totals.get((line_id, year)), totals.get((line_id, year - 1))])
        for line_id, (_, name) in sorted(names.items(), key=lambda kv: kv[1])
    ]
    rows.append(Row("Summa", [_known_sum(totals, year), _known_sum(totals, year - 1)], True))
    return Table(
        f"Not {number}. Verksamhetens intäkter",
        [str(year), str(year - 1)],
        rows,
        sheet=f"Not {number} Intäkter",
    ).without_empty_columns()


def cost_note(number: str, s: YearStatements) -> Table | None:
    if s.costs is None:
        return None
    last = s.previous_with_outcome
    before = last.costs if last is not None else None
    rows = [
        Row(
            label,
            [
                -(s.costs.costs.get(key) or ZERO),
                -(before.costs.get(key) or ZERO) if before else None,
            ],
        )
        for key, label in COST_CATEGORIES
        # a category without costs in either year is left out, as in the distribution
        if s.costs.costs.get(key) or (before is not None and before.costs.get(key))
    ]
    rows.append(
        Row(
            "Summa verksamhetens kostnader",
            [
                s.income.verksamhetens_kostnader,
                last.income.verksamhetens_kostnader if last is not None else None,
            ],
            True,
        )
    )
    return Table(
        f"Not {number}. Verksamhetens kostnader",
        [str(s.year), str(s.year - 1)],
        rows,
        sheet=f"Not {number} Kostnader",
    ).without_empty_columns()


BALANCE_NOTES = {
    "fordringar": (BalanceLine.RECEIVABLES, "Fordringar", "Summa kortfristiga fordringar"),
    "placeringar": (
        BalanceLine.PLACEMENTS,
        "Kortfristiga placeringar",
        "Summa kortfristiga placeringar",
    ),
    "skulder": (BalanceLine.LIABILITIES, "Kortfristiga skulder", "Summa kortfristiga skulder"),
}


def balance_note(number: str, key: str, lines: list, year: int) -> Table | None:
    """A note specifying a balance item; None when the item is empty both years."""
    item, title, total = BALANCE_NOTES[key]
    labels: list[str] = []
    values: dict[tuple[str, int], Decimal] = {}
    for line in lines:
        if line.item != item:
            continue
        if line.label not in labels:
            labels.append(line.label)
        values[(line.label, line.fiscal_year.year)] = line.amount
    if not any(values.values()):
        return None
    rows = [
        Row(label, [values.get((label, year)), values.get((label, year - 1))]) for label in labels
    ]
    # A year with balances but none of this item holds 0 of it; a year without any
    # stored balances is not known and prints nothing.
    known = {line.fiscal_year.year for line in lines}
    rows.append(
        Row(
            total,
            [
                _known_sum(values, y) if _has_year(values, y) else (ZERO if y in known else None)
                for y in (year, year - 1)
            ],
            True,
        )
    )
    return Table(
        f"Not {number}. {title}",
        [f"{year}-12-31", f"{year - 1}-12-31"],
        rows,
        sheet=f"Not {number} {title}"[:31],
    ).without_empty_columns()


def equity_note(number: str, s: YearStatements) -> Table:
    def column(x: YearStatements | None) -> list:
        if x is None or x.figures is None or not x.has_outcome:
            return [None, None, None, None]
        return [
            x.figures.equity_opening,
            x.figures.capital_contribution,
            x.income.arets_resultat,
            x.balance.eget_kapital,
        ]

    now, before = column(s), column(s.previous)
    labels = [
        ("Ingående eget kapital", False),
        ("Kapitaltillskott från nya förbundsmedlemmar", False),
        ("Årets resultat", False),
        ("Utgående eget kapital", True),
    ]
    rows = [Row(label, [now[i], before[i]], strong) for i, (label, strong) in enumerate(labels)]
    if not now[1] and not before[1]:
        del rows[1]
    return Table(
        f"Not {number}. Eget kapital",
        [f"{s.year}-12-31", f"{s.year - 1}-12-31"],
        rows,
        sheet=f"Not {number} Eget kapital",
    ).without_empty_columns()


NOTE_KR = KR
