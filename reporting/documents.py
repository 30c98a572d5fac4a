"""The documents of DOMAIN §8 as plain structures: sections holding texts, tables and
charts. One structure feeds the HTML page, the PDF (same templates, print styles) and
the XLSX (its tables, with real numbers), so the three always agree.

Each builder reads through the selectors, in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString

from budgets.models import Budget, BudgetLine, BudgetVersion, FiscalYear, Forecast
from budgets.selectors import comparison
from finsam.money import round_to
from insatser.models import EndReason, Goal, Insats, ParticipantStats
from members.models import Appointment, Association
from reporting import charts
from reporting.markdown import render
from reporting.models import AR, VP, NarrativeSection
from reporting.selectors import (
    YearStatements,
    five_year_overview,
    operating_report,
    year_statements,
)
from reporting.statements import CEILING_PERCENT, COST_CATEGORIES, cost_distribution

ZERO = Decimal(0)
KR, TKR, PCT, COUNT, TEXT = "kr", "tkr", "procent", "antal", "text"

# The narrative texts of each document, in document order: key, title.
NARRATIVES = {
    VP: [
        ("inledning", "Inledning"),
        ("bakgrund", "Bakgrund och vision"),
        ("behov", "Behov och målgrupper"),
        ("arshjul", "Årshjul"),
        ("risker", "Risk- och konsekvensanalys"),
    ],
    AR: [
        ("forord", "Ordföranden har ordet"),
        ("uppdrag", "Förbundets uppdrag och finansiering"),
        ("forhallanden", "Viktiga förhållanden för resultat och ekonomisk ställning"),
        ("handelser", "Händelser av väsentlig betydelse"),
        ("styrning", "Styrning och uppföljning"),
        ("personal", "Väsentliga personalförhållanden"),
        ("utveckling", "Förväntad utveckling"),
        ("principer", "Redovisningsprinciper"),
        ("bilagor", "Bilagor"),
    ],
}
NARRATIVE_TITLES = {doc: dict(items) for doc, items in NARRATIVES.items()}


@dataclass
class Row:
    label: str
    values: list[Decimal | int | str | None]
    strong: bool = False
    note: str = ""


@dataclass
class Table:
    caption: str
    columns: list[str]  # headings of the value columns
    rows: list[Row]
    unit: str = KR  # how the values print: kr, tkr, procent, antal, text
    sheet: str = ""  # the XLSX sheet's name (defaults to the caption)
    notes: bool = False  # a column of note references
    template: str = "reporting/blocks/table.html"


@dataclass
class Text:
    html: SafeString
    key: str = ""
    empty: bool = False
    template: str = "reporting/blocks/text.html"


@dataclass
class Chart:
    svg: SafeString
    template: str = "reporting/blocks/chart.html"


@dataclass
class Signatures:
    people: list[tuple[str, str]]  # name, role
    lead: str = ""
    template: str = "reporting/blocks/signatures.html"


@dataclass
class Section:
    anchor: str
    number: str
    title: str
    blocks: list = field(default_factory=list)
    level: int = 2
    page_break: bool = False


@dataclass
class Document:
    kind: str
    slug: str  # short name in URLs and file names
    title: str
    association: Association
    year: int
    sections: list[Section]
    decided_on: object = None
    paragraph: str = ""
    subtitle: str = ""

    @property
    def is_decided(self) -> bool:
        return self.decided_on is not None

    @property
    def tables(self) -> list[Table]:
        found = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart) and getattr(block, "table", None):
                    found.append(block.table)
        return found

    @property
    def contents(self) -> list[Section]:
        return [s for s in self.sections if s.level <= 2]


def _narratives(association: Association, document: str, year: int) -> dict[str, Text]:
    stored = {
        n.key: n.body
        for n in NarrativeSection.objects.filter(
            association=association, document=document, year=year
        )
    }
    texts = {}
    for key, _ in NARRATIVES[document]:
        body = stored.get(key, "").strip()
        texts[key] = Text(render(body), key=key, empty=not body)
    return texts


# --- statements as tables ---------------------------------------------------------


def _pair(now, before, names: list[tuple[str, str, bool, str]]) -> list[Row]:
    return [
        Row(label, [getattr(now, key), getattr(before, key) if before else None], strong, note)
        for key, label, strong, note in names
    ]


INCOME = [
    ("verksamhetens_intakter", "Verksamhetens intäkter", False, "2"),
    ("verksamhetens_kostnader", "Verksamhetens kostnader", False, "3"),
    ("verksamhetens_resultat", "Verksamhetens resultat", True, ""),
    ("finansiella_intakter", "Finansiella intäkter", False, ""),
    ("finansiella_kostnader", "Finansiella kostnader", False, ""),
    ("resultat_efter_finansiella_poster", "Resultat efter finansiella poster", True, ""),
    ("arets_resultat", "Årets resultat", True, ""),
]
BALANCE = [
    ("fordringar", "Fordringar", False, "4"),
    ("kortfristiga_placeringar", "Kortfristiga placeringar", False, "5"),
    ("kassa_och_bank", "Kassa och bank", False, ""),
    ("summa_tillgangar", "Summa tillgångar", True, ""),
    ("arets_resultat", "Årets resultat", False, "6"),
    ("ovrigt_eget_kapital", "Övrigt eget kapital", False, "6"),
    ("eget_kapital", "Summa eget kapital", True, ""),
    ("avsattningar_pensioner", "Avsättningar för pensioner", False, ""),
    ("kortfristiga_skulder", "Kortfristiga skulder", False, "7"),
    (
        "summa_eget_kapital_avsattningar_och_skulder",
        "Summa eget kapital, avsättningar och skulder",
        True,
        "",
    ),
]
CASH = [
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
    ("investeringsverksamhet", "Kassaflöde från investeringsverksamheten", False, ""),
    ("finansieringsverksamhet", "Kassaflöde från finansieringsverksamheten", False, ""),
    ("arets_kassaflode", "Årets kassaflöde", True, ""),
    ("likvida_medel_vid_arets_borjan", "Likvida medel vid årets början", False, ""),
    ("likvida_medel_vid_arets_slut", "Likvida medel vid årets slut", True, ""),
]


def _statement_sections(s: YearStatements, start: int, notes: bool) -> list[Section]:
    year = s.year
    before = s.previous if s.previous and s.previous.figures else None
    columns = [str(year), str(year - 1)]
    balance_columns = [f"{year}-12-31", f"{year - 1}-12-31"]
    sections = [
        Section(
            "resultatrakning",
            str(start),
            "Resultaträkning",
            [
                Table(
                    "Resultaträkning (kr)",
                    columns,
                    _pair(s.income, before and before.income, INCOME),
                    notes=notes,
                )
            ],
            page_break=True,
        ),
        Section(
            "balansrakning",
            str(start + 1),
            "Balansräkning",
            [
                Table(
                    "Balansräkning (kr)",
                    balance_columns,
                    _pair(s.balance, before and before.balance, BALANCE),
                    notes=notes,
                )
            ],
        ),
    ]
    if s.cash_flow is not None:
        sections.append(
            Section(
                "kassaflodesanalys",
                str(start + 2),
                "Kassaflödesanalys",
                [
                    Table(
                        "Kassaflödesanalys (kr)",
                        columns,
                        _pair(s.cash_flow, before and before.cash_flow, CASH),
                    )
                ],
            )
        )
    return sections


def _operating_section(association: Association, year: int, number: str) -> Section:
    report = operating_report(association=association, year=year)
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
        rows.append(Row(section.label.upper(), [""] * 8, True))
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
    blocks = [
        Table(f"Driftredovisning {year} (tkr)", columns, rows, unit=TKR, sheet="Driftredovisning")
    ]
    cost_sections = [sec for sec in report.sections if sec.key != "intakter"]
    if cost_sections:
        blocks.insert(
            0,
            Chart(
                charts.bars(
                    title=f"Kostnader {year}: utfall mot budget per slag (tkr)",
                    labels=[sec.label for sec in cost_sections],
                    series=[
                        (
                            "Utfall",
                            [round_to(-sec.total.outcome_cost / 1000, 0) for sec in cost_sections],
                        ),
                        (
                            "Budget",
                            [
                                round_to(-(sec.total.budget_cost or ZERO) / 1000, 0)
                                for sec in cost_sections
                            ],
                        ),
                    ],
                    unit="tkr",
                )
            ),
        )
    if report.insatser:
        blocks.append(
            Table(
                f"Utfall och budget per insats {year} (kr)",
                ["Utfall", "Budget", "Avvikelse", f"Utfall {year - 1}"],
                [
                    Row(r.label, [r.outcome_net, r.budget_net, r.deviation, r.previous_net])
                    for r in report.insatser
                ],
                sheet="Per insats",
            )
        )
    return Section("driftredovisning", number, "Driftredovisning", blocks, page_break=True)


def _overview_table(association: Association, year: int) -> Table:
    rows = five_year_overview(association=association, year=year)
    return Table(
        "Femårsöversikt",
        [str(o.year) for o in rows],
        [
            Row("Verksamhetens intäkter inkl. finansiella (tkr)", [o.income for o in rows]),
            Row("Verksamhetens kostnader inkl. finansiella (tkr)", [o.costs for o in rows]),
            Row("Årets resultat (tkr)", [o.result for o in rows], True),
            Row("Soliditet (%)", [o.solidity_percent for o in rows]),
            Row("Antal anställda", [o.employees for o in rows]),
        ],
        unit="blandat",
        sheet="Femårsöversikt",
    )


def _cost_distribution_blocks(s: YearStatements, association: Association) -> list:
    if s.costs is None or not s.costs.percent:
        return []
    report = operating_report(association=association, year=s.year)
    budget = cost_distribution(
        {
            sec.key: -sec.total.budget_cost
            for sec in report.sections
            if sec.key != "intakter" and sec.total.budget_cost is not None
        }
    )
    before = s.previous.costs if s.previous and s.previous.costs else None
    rows = [
        Row(
            label,
            [
                s.costs.costs.get(key),
                s.costs.percent.get(key),
                budget.percent.get(key) if budget.percent else None,
                before.percent.get(key) if before and before.percent else None,
            ],
        )
        for key, label in COST_CATEGORIES
    ]
    table = Table(
        f"Kostnadsfördelning {s.year}",
        [
            f"Utfall {s.year} (kr)",
            "Andel utfall (%)",
            "Andel budget (%)",
            f"Andel {s.year - 1} (%)",
        ],
        rows,
        unit="blandat",
        sheet="Kostnadsfördelning",
    )
    chart = charts.bars(
        title=f"Kostnadsfördelning {s.year}: andel av verksamhetens kostnader",
        unit="%",
        labels=[label for _, label in COST_CATEGORIES],
        series=[
            (f"Utfall {s.year}", [s.costs.percent.get(k, 0) for k, _ in COST_CATEGORIES]),
            (
                "Budget",
                [budget.percent.get(k, 0) if budget.percent else 0 for k, _ in COST_CATEGORIES],
            ),
        ],
    )
    return [Chart(chart), table]


def _equity_blocks(association: Association, year: int) -> list:
    overview = five_year_overview(association=association, year=year)
    rows = [
        Row(str(o.year), [o.equity, o.contributions, o.equity_share_percent])
        for o in overview
        if o.equity is not None
    ]
    table = Table(
        "Eget kapital i förhållande till årets medlemsbidrag (rekommenderat tak 20 %)",
        ["Eget kapital (kr)", "Medlemsbidrag (kr)", "Andel (%)"],
        rows,
        unit="blandat",
        sheet="Eget kapital mot taket",
    )
    chart = charts.bars(
        title="Eget kapital som andel av årets medlemsbidrag, mot taket 20 %",
        unit="%",
        labels=[str(o.year) for o in overview],
        series=[("Andel", [o.equity_share_percent or 0 for o in overview])],
        ceiling=CEILING_PERCENT,
    )
    return [Chart(chart), table]


# --- the annual report --------------------------------------------------------------


def _people(association: Association, year: int) -> dict[str, list[Appointment]]:
    import datetime

    end = datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    found: dict[str, list[Appointment]] = {"board": [], "audit": [], "office": []}
    for a in (
        Appointment.objects.filter(association=association, start__lte=end)
        .exclude(end__lt=start)
        .select_related("person", "appointed_by")
        .order_by("role", "person__name")
    ):
        if a.role in Appointment.BOARD_ROLES:
            found["board"].append(a)
        elif a.role in Appointment.AUDIT_ROLES:
            found["audit"].append(a)
        else:
            found["office"].append(a)
    order = [r for r, _ in Appointment.ROLES]
    for people in found.values():
        people.sort(key=lambda a: (order.index(a.role), a.person.name))
    return found


def _organisation_table(people: dict[str, list[Appointment]]) -> Table:
    rows = [
        Row(a.person.name, [a.get_role_display(), a.appointed_by.name if a.appointed_by else ""])
        for group in ("board", "office", "audit")
        for a in people[group]
    ]
    return Table(
        "Styrelse, kansli och revisorer",
        ["Uppdrag", "Utsedd av"],
        rows,
        unit=TEXT,
        sheet="Organisation",
    )


def _income_note(association: Association, year: int) -> Table:
    from django.db.models import Sum

    from budgets.models import Actual

    totals: dict[tuple[int, int], Decimal] = {}
    names: dict[int, tuple[int, str]] = {}
    for row in (
        Actual.objects.filter(
            line__association=association,
            year__in=[year - 1, year],
            line__group__in=[BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME],
        )
        .values("line_id", "line__name", "line__sort_order", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        totals[(row["line_id"], row["year"])] = row["total"]
        names[row["line_id"]] = (row["line__sort_order"], row["line__name"])
    rows = [
        Row(name, [totals.get((line_id, year)), totals.get((line_id, year - 1))])
        for line_id, (_, name) in sorted(names.items(), key=lambda kv: kv[1])
    ]
    rows.append(
        Row(
            "Summa",
            [
                sum((v for (_, y), v in totals.items() if y == year), ZERO),
                sum((v for (_, y), v in totals.items() if y == year - 1), ZERO),
            ],
            True,
        )
    )
    return Table(
        "Not 2. Verksamhetens intäkter (kr)",
        [str(year), str(year - 1)],
        rows,
        sheet="Not 2 Intäkter",
    )


def _cost_note(s: YearStatements) -> Table:
    before = s.previous.costs if s.previous and s.previous.costs else None
    rows = [
        Row(
            label,
            [
                -(s.costs.costs.get(key) or ZERO),
                -(before.costs.get(key) or ZERO) if before else None,
            ],
        )
        for key, label in COST_CATEGORIES
    ]
    rows.append(
        Row(
            "Summa verksamhetens kostnader",
            [
                s.income.verksamhetens_kostnader,
                s.previous.income.verksamhetens_kostnader
                if s.previous and s.previous.income
                else None,
            ],
            True,
        )
    )
    return Table(
        "Not 3. Verksamhetens kostnader (kr)",
        [str(s.year), str(s.year - 1)],
        rows,
        sheet="Not 3 Kostnader",
    )


def _balance_notes(association: Association, year: int, s: YearStatements) -> list:
    from budgets.models import BalanceLine

    lines = list(
        BalanceLine.objects.filter(
            fiscal_year__association=association, fiscal_year__year__in=[year - 1, year]
        ).select_related("fiscal_year")
    )
    blocks = []
    for number, item, title in (
        ("4", BalanceLine.RECEIVABLES, "Fordringar"),
        ("5", BalanceLine.PLACEMENTS, "Kortfristiga placeringar"),
        ("7", BalanceLine.LIABILITIES, "Kortfristiga skulder"),
    ):
        labels: list[str] = []
        values: dict[tuple[str, int], Decimal] = {}
        for line in lines:
            if line.item != item:
                continue
            if line.label not in labels:
                labels.append(line.label)
            values[(line.label, line.fiscal_year.year)] = line.amount
        rows = [
            Row(label, [values.get((label, year)), values.get((label, year - 1))])
            for label in labels
        ]
        rows.append(
            Row(
                f"Summa {title.lower()}",
                [
                    sum((v for (_, y), v in values.items() if y == year), ZERO),
                    sum((v for (_, y), v in values.items() if y == year - 1), ZERO),
                ],
                True,
            )
        )
        blocks.append(
            Table(
                f"Not {number}. {title} (kr)",
                [f"{year}-12-31", f"{year - 1}-12-31"],
                rows,
                sheet=f"Not {number} {title}"[:31],
            )
        )
        if number == "5":
            blocks.append(_equity_note(s))
    return blocks


def _equity_note(s: YearStatements) -> Table:
    def column(x: YearStatements | None) -> list:
        if x is None or x.figures is None:
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
    return Table(
        "Not 6. Eget kapital (kr)",
        [f"{s.year}-12-31", f"{s.year - 1}-12-31"],
        [Row(label, [now[i], before[i]], strong) for i, (label, strong) in enumerate(labels)],
        sheet="Not 6 Eget kapital",
    )


def _goal_table(association: Association, year: int) -> Table | None:
    goals = list(
        Goal.objects.filter(association=association, year=year).order_by(
            "area", "sort_order", "pk"
        )
    )
    if not goals:
        return None
    areas = dict(Goal.AREAS)
    rows = []
    for g in goals:
        target = f"{g.target.normalize():f} {g.unit}".strip() if g.target is not None else ""
        result = f"{g.result.normalize():f} {g.unit}".strip() if g.result is not None else ""
        rows.append(
            Row(
                g.text,
                [
                    areas.get(g.area, g.area),
                    target.replace(".", ","),
                    result.replace(".", ","),
                    g.get_status_display() or "Ej bedömt",
                    g.comment,
                ],
            )
        )
    return Table(
        f"Måluppfyllelse {year}",
        ["Område", "Mål", "Utfall", "Bedömning", "Kommentar"],
        rows,
        unit=TEXT,
        sheet="Mål",
    )


def _participant_table(association: Association, year: int) -> list:
    stats = list(
        ParticipantStats.objects.filter(insats__association=association, year=year)
        .select_related("insats")
        .prefetch_related("end_reasons")
        .order_by("insats__name")
    )
    if not stats:
        return []
    rows = []
    for s in stats:

        def both(w, m):
            return None if w is None or m is None else w + m

        rows.append(
            Row(
                s.insats.name,
                [
                    both(s.women_total, s.men_total),
                    both(s.women_new, s.men_new),
                    both(s.women_ended, s.men_ended),
                    sum(
                        r.women + r.men
                        for r in s.end_reasons.all()
                        if r.reason in ("arbete", "studier")
                    ),
                ],
            )
        )
    blocks: list = [
        Chart(
            charts.bars(
                title=f"Deltagare per insats {year}, kvinnor och män",
                labels=[s.insats.name for s in stats],
                series=[
                    (
                        "Kvinnor",
                        [
                            s.women_total if s.women_total is not None else s.women_ended
                            for s in stats
                        ],
                    ),
                    (
                        "Män",
                        [s.men_total if s.men_total is not None else s.men_ended for s in stats],
                    ),
                ],
            )
        ),
        Table(
            f"Deltagare i individinsatser {year}",
            ["Totalt", "Nya", "Avslutade", "Varav till arbete eller studier"],
            rows,
            unit=COUNT,
            sheet="Deltagare",
        ),
    ]
    reasons = dict(EndReason.REASONS)
    reason_rows = []
    for s in stats:
        ended = (s.women_ended or 0) + (s.men_ended or 0)
        for r in s.end_reasons.all():
            if r.women or r.men:
                share = Decimal(r.women + r.men) * 100 / ended if ended else None
                reason_rows.append(
                    Row(
                        f"{s.insats.name}: {reasons.get(r.reason, r.reason)}",
                        [r.women, r.men, share],
                    )
                )
    if reason_rows:
        blocks.append(
            Table(
                f"Avslutsorsaker {year}",
                ["Kvinnor", "Män", "Andel av avslutade (%)"],
                reason_rows,
                unit="blandat",
                sheet="Avslutsorsaker",
            )
        )
    return blocks


def _balance_requirement(s: YearStatements) -> Table:
    def column(x):
        if x is None or x.figures is None:
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
    return Table(
        "Balanskravsresultat (kr)",
        [str(s.year), str(s.year - 1)],
        [Row(label, [now[i], before[i]], strong) for i, (label, strong) in enumerate(labels)],
        sheet="Balanskrav",
    )


def annual_report(association: Association, year: int) -> Document:
    """Årsredovisning N (DOMAIN §8, seeds 002 and 004)."""
    s = year_statements(association=association, year=year)
    fy: FiscalYear | None = s.fiscal_year
    texts = _narratives(association, AR, year)
    people = _people(association, year)
    sections: list[Section] = [
        Section("forord", "", NARRATIVE_TITLES[AR]["forord"], [texts["forord"]], page_break=True),
    ]
    budget_result = None
    version = _decided_version(association, year)
    if version is not None:
        grid_result = comparison(budget=version.budget).result()[3]
        budget_result = grid_result
    result_rows = [
        Row("Budgeterat resultat", [budget_result]),
        Row("Årets resultat", [s.income.arets_resultat if s.income else None], True),
    ]
    management = [
        Section(
            "forvaltningsberattelse",
            "1",
            "Förvaltningsberättelse",
            [
                Text(
                    render(
                        f"{association.name} är ett samordningsförbund enligt lagen om finansiell samordning av rehabiliteringsinsatser (Finsam)."
                    )
                ),
                _organisation_table(people),
                texts["uppdrag"],
            ],
            page_break=True,
        ),
        Section("femarsoversikt", "1.1", "Femårsöversikt", [_overview_table(association, year)]),
        Section(
            "forhallanden", "1.2", NARRATIVE_TITLES[AR]["forhallanden"], [texts["forhallanden"]]
        ),
        Section("handelser", "1.3", NARRATIVE_TITLES[AR]["handelser"], [texts["handelser"]]),
        Section("styrning", "1.4", NARRATIVE_TITLES[AR]["styrning"], [texts["styrning"]]),
        Section(
            "hushallning",
            "1.5",
            "God ekonomisk hushållning",
            [
                Table(
                    "Budgeterat och verkligt resultat (kr)",
                    [str(year)],
                    result_rows,
                    sheet="Resultat mot budget",
                ),
                *(_equity_blocks(association, year) if s.figures else []),
                *_cost_distribution_blocks(s, association),
                *([t] if (t := _goal_table(association, year)) else []),
                *_participant_table(association, year),
                *([_balance_requirement(s)] if s.figures else []),
            ],
        ),
        Section("personal", "1.6", NARRATIVE_TITLES[AR]["personal"], [texts["personal"]]),
        Section("utveckling", "1.7", NARRATIVE_TITLES[AR]["utveckling"], [texts["utveckling"]]),
    ]
    sections.extend(management)
    if s.figures is not None:
        sections.extend(_statement_sections(s, 2, notes=True))
        sections.append(_operating_section(association, year, "5"))
        notes = [
            texts["principer"],
            _income_note(association, year),
            _cost_note(s),
            *_balance_notes(association, year, s),
        ]
        sections.append(Section("noter", "6", "Noter", notes, page_break=True))
    sections.append(
        Section(
            "underskrifter-styrelse",
            "7",
            "Styrelsens underskrifter",
            [
                Signatures(
                    [
                        (a.person.name, a.get_role_display())
                        for a in people["board"]
                        if a.role != Appointment.ERSATTARE
                    ],
                    "Vi intygar att årsredovisningen ger en rättvisande bild av förbundets resultat och ekonomiska ställning.",
                )
            ],
            page_break=True,
        )
    )
    sections.append(
        Section(
            "underskrifter-revisorer",
            "8",
            "Revisorernas underskrifter",
            [Signatures([(a.person.name, a.get_role_display()) for a in people["audit"]])],
        )
    )
    sections.append(Section("bilagor", "", NARRATIVE_TITLES[AR]["bilagor"], [texts["bilagor"]]))
    return Document(
        kind=AR,
        slug="arsredovisning",
        title=f"Årsredovisning {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=fy.closed_on if fy else None,
        paragraph=fy.closed_paragraph if fy else "",
    )


def _decided_version(association: Association, year: int) -> BudgetVersion | None:
    return (
        BudgetVersion.objects.filter(
            budget__association=association, budget__year=year, status=BudgetVersion.DECIDED
        )
        .select_related("budget")
        .order_by("-number")
        .first()
    )


# --- the plan -----------------------------------------------------------------------


def plan(association: Association, year: int, version: BudgetVersion | None = None) -> Document:
    """Verksamhetsplan och budget N (seeds 000, 001, 003): of `version` (a draft to
    preview), else of the latest decided version, else of the current draft."""
    texts = _narratives(association, VP, year)
    people = _people(association, year)
    budget = Budget.objects.filter(association=association, year=year).first()
    version = version or _decided_version(association, year)
    sections = [
        Section(
            "inledning",
            "1",
            NARRATIVE_TITLES[VP]["inledning"],
            [texts["inledning"]],
            page_break=True,
        ),
        Section(
            "bakgrund",
            "2",
            NARRATIVE_TITLES[VP]["bakgrund"],
            [
                texts["bakgrund"],
                *(
                    [Text(render(f"**Vision:** {association.vision}"))]
                    if association.vision
                    else []
                ),
            ],
        ),
        Section("organisation", "3", "Organisation", [_organisation_table(people)]),
        Section("behov", "4", NARRATIVE_TITLES[VP]["behov"], [texts["behov"]]),
    ]
    goal_table = _goal_table(association, year)
    if goal_table is not None:
        goal_table.columns = goal_table.columns[:2]
        goal_table.rows = [Row(r.label, r.values[:2]) for r in goal_table.rows]
        goal_table.caption = f"Mål {year} per område"
    sections.append(
        Section(
            "mal",
            "5",
            "Mål",
            [goal_table]
            if goal_table
            else [
                Text(
                    render(f"Inga mål är inlagda för {year}. Målen skrivs under Insatser → Mål."),
                    empty=True,
                )
            ],
        )
    )
    sections.append(
        Section("insatser", "6", "Planerade insatser", _planned_insatser(association, year))
    )
    budget_blocks = []
    if budget is not None:
        comp = comparison(budget=budget, version=version)
        rows = []
        for group in comp.groups:
            rows.append(Row(group.label.upper(), [""] * 6, True))
            rows.extend(Row(r.line.name, list(r.values)) for r in group.rows)
            rows.append(Row(f"Summa {group.label.lower()}", group.totals(), True))
        rows.append(Row("Summa intäkter", comp.income(), True))
        rows.append(Row("Summa kostnader", comp.costs(), True))
        rows.append(Row("Årets resultat", comp.result(), True))
        budget_blocks.append(
            Table(
                f"Resultatbudget {year} (tkr)",
                comp.headings,
                rows,
                unit=TKR,
                sheet="Resultatbudget",
            )
        )
        # A year without budgeted costs (or income) has no result to roll on.
        result = [
            r if i is not None and c is not None else None
            for r, i, c in zip(comp.result(), comp.income(), comp.costs(), strict=True)
        ]
        budget_blocks.extend(_equity_budget(association, year, result, comp.income()))
        budget_blocks.extend(_position_budget(association, year, result))
    sections.append(
        Section(
            "budget",
            "7",
            "Budget",
            budget_blocks or [Text(render("Ingen budget är upprättad för året."), empty=True)],
            page_break=True,
        )
    )
    sections.append(
        Section(
            "arshjul",
            "Bilaga 1",
            NARRATIVE_TITLES[VP]["arshjul"],
            [texts["arshjul"]],
            page_break=True,
        )
    )
    sections.append(
        Section("risker", "Bilaga 2", NARRATIVE_TITLES[VP]["risker"], [texts["risker"]])
    )
    return Document(
        kind=VP,
        slug="verksamhetsplan",
        title=f"Verksamhetsplan och budget {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=version.decided_on if version and version.is_decided else None,
        paragraph=version.paragraph if version and version.is_decided else "",
    )


def _planned_insatser(association: Association, year: int) -> list:
    import datetime

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    insatser = (
        Insats.objects.filter(association=association)
        .exclude(status__in=[Insats.AVSLAGEN])
        .exclude(end__lt=start)
        .exclude(start__gt=end)
        .prefetch_related("staffing", "members", "goals")
        .order_by("kind", "name")
    )
    blocks = []
    for insats in insatser:
        if insats.status == Insats.AVSLUTAD and insats.end is None:
            continue
        staffing = ", ".join(
            f"{s.count} {s.role.lower()} ({s.percent.normalize():f} %)".replace(".", ",")
            for s in insats.staffing.all()
        )
        goals = "; ".join(g.text for g in insats.goals.all() if g.year == year)
        parts = [f"#### {insats.name} ({insats.get_kind_display().lower()})"]
        for label, value in (
            ("Syfte", insats.purpose),
            ("Mål", goals),
            ("Målgrupp", insats.target_group),
            ("Utförare", ", ".join(m.name for m in insats.members.all())),
            ("Bemanning", staffing),
            ("Styrgrupp", insats.steering_group),
            ("Årsplatser", str(insats.capacity) if insats.capacity else ""),
        ):
            if value:
                parts.append(f"**{label}:** {_escape_md(value)}")
        blocks.append(Text(render("\n\n".join(parts))))
    return blocks or [Text(render("Inga insatser är planerade för året."), empty=True)]


def _escape_md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def _equity_budget(association: Association, year: int, result: list, income: list) -> list:
    """Equity roll-forward over the budget years and the 20 % check. The opening
    equity is the last year-end stored before the budget year, or the plan's own
    estimate when last year is not closed; a year-end two years back is rolled on
    with last year's forecast result."""
    last = None
    for o in reversed(five_year_overview(association=association, year=year - 1)):
        if o.equity is not None:
            last = (o.year, o.equity)
            break
    budget = Budget.objects.filter(association=association, year=year).first()
    if (
        budget is not None
        and budget.equity_estimate is not None
        and (last is None or last[0] < year - 1)
    ):
        last = (year - 1, budget.equity_estimate)  # the plan's own estimate
    if last is None:
        return [
            Text(render("Inget bokslut finns inlagt att rulla eget kapital från."), empty=True)
        ]
    base_year, equity = last
    rows = []
    budget_years = [(year, 3), (year + 1, 4), (year + 2, 5)]
    notes = []
    if base_year < year - 1:
        forecast_result = result[2] if base_year == year - 2 else None
        if forecast_result is not None:
            equity += forecast_result
            notes.append(
                f"Eget kapital utgår från bokslutet {base_year} och prognosen för {year - 1}."
            )
        else:
            notes.append(
                f"Eget kapital utgår från bokslutet {base_year}; för {year - 1} finns varken "
                "bokslut eller prognos, så dess resultat är inte med."
            )
    for y, index in budget_years:
        change = result[index]
        if change is None:
            break
        opening = equity
        equity = equity + change
        share = equity * 100 / income[index] if income[index] else None
        rows.append(Row(str(y), [opening, change, equity, share]))
    return [
        *[Text(render(note)) for note in notes],
        Table(
            "Eget kapital under budgetperioden (kr) och andel av intäkterna, mot taket 20 %",
            [
                "Ingående eget kapital",
                "Budgeterat resultat",
                "Utgående eget kapital",
                "Andel av intäkterna (%)",
            ],
            rows,
            unit="blandat",
            sheet="Eget kapital budget",
        ),
    ]


def _position_budget(association: Association, year: int, result: list) -> list:
    """Kassaflödesbudget and balansbudget: from the last stored year-end, receivables,
    provisions and liabilities are held where they were and each budgeted result goes
    to cash and equity (a year-end two years back is first rolled on with last year's
    forecast result)."""
    from reporting.selectors import balances_at

    stored = balances_at(association=association, years=[year - 2, year - 1])
    overview = {o.year: o for o in five_year_overview(association=association, year=year - 1)}
    base_year = max(
        (y for y in stored if overview.get(y) and overview[y].equity is not None), default=None
    )
    if base_year is None:
        return []
    balances, equity = stored[base_year], overview[base_year].equity
    cash = balances.cash_and_bank + balances.short_term_placements
    if base_year == year - 2:
        if result[2] is None:
            return []
        cash, equity = cash + result[2], equity + result[2]
    years = [(year + i, result[3 + i]) for i in range(3) if result[3 + i] is not None]
    flow_rows, position = [], []
    for y, change in years:
        flow_rows.append((y, change, cash, cash + change))
        cash, equity = cash + change, equity + change
        position.append((y, cash, equity))
    columns = [str(y) for y, _ in years]
    cash_table = Table(
        f"Kassaflödesbudget {year}–{years[-1][0]} (kr)",
        columns,
        [
            Row("Årets resultat", [r[1] for r in flow_rows]),
            Row("Förändring av rörelsekapital", [ZERO for _ in flow_rows]),
            Row("Kassaflöde från den löpande verksamheten", [r[1] for r in flow_rows], True),
            Row("Likvida medel vid årets början", [r[2] for r in flow_rows]),
            Row("Likvida medel vid årets slut", [r[3] for r in flow_rows], True),
        ],
        sheet="Kassaflödesbudget",
    )
    other = balances.receivables
    held = balances.pension_provisions + balances.short_term_liabilities
    balance_table = Table(
        f"Balansbudget per 31 december (kr), utgående från bokslutet {base_year}",
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


# --- the statements alone -------------------------------------------------------------


def statements(association: Association, year: int) -> Document:
    s = year_statements(association=association, year=year)
    sections = _statement_sections(s, 1, notes=False) if s.figures else []
    sections.append(_operating_section(association, year, str(len(sections) + 1)))
    fy = s.fiscal_year
    return Document(
        kind=AR,
        slug="bokslut",
        title=f"Resultaträkning, balansräkning, kassaflödesanalys och driftredovisning {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=fy.closed_on if fy else None,
        paragraph=fy.closed_paragraph if fy else "",
    )


def follow_up(association: Association, year: int, month: int) -> Document:
    """Budgetuppföljning/delårsrapport: outcome to date against budget and forecast."""
    budget = Budget.objects.filter(association=association, year=year).first()
    blocks = []
    if budget is not None:
        comp = comparison(budget=budget)
        forecasts = {}
        for f in Forecast.objects.filter(line__association=association, year=year).order_by(
            "made_on", "id"
        ):
            forecasts[f.line_id] = f.amount  # the latest forecast wins
        rows = []
        for group in comp.groups:
            for r in group.rows:
                if r.outcome_to_date is None and r.values[3] is None:
                    continue
                rows.append(
                    Row(
                        r.line.name,
                        [r.values[3], r.outcome_to_date, r.deviation, forecasts.get(r.line.id)],
                    )
                )
        blocks.append(
            Table(
                f"Utfall januari–{_MONTHS[month - 1]} {year} mot helårsbudget (kr)",
                [f"Budget {year}", "Utfall hittills", "Utfall − budget", f"Helårsprognos {year}"],
                rows,
                sheet="Uppföljning",
            )
        )
    from budgets.selectors import insats_money

    insats_ids = list(Insats.objects.filter(association=association).values_list("id", flat=True))
    money = insats_money(association=association, insats_ids=insats_ids)
    names = dict(Insats.objects.filter(association=association).values_list("id", "name"))
    rows = [
        Row(
            names[i],
            [
                m[year].budget,
                m[year].outcome,
                (m[year].outcome or ZERO) - (m[year].budget or ZERO),
            ],
        )
        for i, m in sorted(money.items(), key=lambda kv: names[kv[0]])
        if year in m
    ]
    if rows:
        blocks.append(
            Table(
                f"Per insats {year} (kr)",
                ["Budget", "Utfall hittills", "Utfall − budget"],
                rows,
                sheet="Per insats",
            )
        )
    return Document(
        kind="uppfoljning",
        slug="uppfoljning",
        title=f"Budgetuppföljning {year}",
        subtitle=f"Utfall till och med {_MONTHS[month - 1]}",
        association=association,
        year=year,
        sections=[
            Section(
                "uppfoljning",
                "1",
                "Utfall mot budget",
                blocks or [Text(render("Ingen budget finns för året."), empty=True)],
            )
        ],
    )


_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
