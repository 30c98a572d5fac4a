"""Årsredovisning N (DOMAIN §8, seeds 002 Västerås 2020 and 004 Västmanland 2024).

`annual_report` reads like the report's contents list; the data it prints is loaded
once (`_Data`) and handed to each section."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Prefetch, Sum
from django.utils.html import format_html

from budgets.models import Actual, BalanceLine, BudgetLine
from insatser.models import Activity, EndReason, Insats, ParticipantBreakdown, ParticipantStats
from members.models import Appointment, Association
from reporting import charts
from reporting.documents import financial
from reporting.documents.blocks import (
    COUNT,
    MIXED,
    TEXT,
    Attachment,
    Chart,
    Document,
    Row,
    Section,
    Signatures,
    Table,
    Text,
)
from reporting.documents.common import (
    NARRATIVE_TITLES,
    counted,
    cover,
    escape_md,
    goal_table,
    narratives,
    organisation_table,
    people,
    staffing_text,
)
from reporting.markdown import labelled, render
from reporting.models import AR, AuditReport, Indicator, ReportSettings, SteeringDocument
from reporting.selectors import (
    OperatingReport,
    OverviewYear,
    YearStatements,
    five_year_overview,
    operating_report,
    year_statements,
)

PRINCIPLES = (
    "Årsredovisningen är i tillämpliga delar upprättad enligt lagen (2018:597) om kommunal "
    "bokföring och redovisning och Rådet för kommunal redovisnings rekommendationer, "
    "anpassade till ett samordningsförbunds verksamhet. Belopp anges i kronor om inget "
    "annat sägs."
)


@dataclass
class _Data:
    statements: YearStatements
    overview: list[OverviewYear]
    report: OperatingReport | None
    people: dict[str, list[Appointment]]
    texts: dict[str, Text]
    stats: list[ParticipantStats]
    structural: list[Insats]
    activities: list[Activity]
    indicators: list[Indicator]
    steering: list[SteeringDocument]
    audit_report: AuditReport | None
    cost_share_base: str
    income_actuals: list[dict]
    balance_lines: list[BalanceLine]
    goals: Table | None
    insats_order: list[str]


def _participant_stats(association: Association, year: int) -> list[ParticipantStats]:
    """The year's participant figures per insats, in the order the association entered
    the insatser (as the seed), each with `end_reason_list` and `breakdown_list`: rows
    of counts read as plain values, since an annual report at scale has thousands."""
    stats = list(
        ParticipantStats.objects.filter(insats__association=association, year=year)
        .select_related("insats")
        .order_by("insats__pk")
    )
    reasons: dict[int, list] = {st.pk: [] for st in stats}
    breakdowns: dict[int, list] = {st.pk: [] for st in stats}
    same = {"stats__insats__association": association, "stats__year": year}
    for row in EndReason.objects.filter(**same).values("stats_id", "reason", "women", "men"):
        reasons[row["stats_id"]].append(SimpleNamespace(**row))
    for row in ParticipantBreakdown.objects.filter(**same).values(
        "stats_id", "dimension", "category", "women", "men"
    ):
        breakdowns[row["stats_id"]].append(SimpleNamespace(**row))
    for st in stats:
        st.end_reason_list, st.breakdown_list = reasons[st.pk], breakdowns[st.pk]
    return stats


def _load(association: Association, year: int) -> _Data:
    s = year_statements(association=association, year=year)
    report = operating_report(association=association, year=year) if s.figures else None
    structural = list(
        Insats.objects.filter(association=association, kind=Insats.STRUKTUR)
        .exclude(status=Insats.AVSLAGEN)
        .exclude(start__gt=datetime.date(year, 12, 31))
        .exclude(end__lt=datetime.date(year, 1, 1))
        .prefetch_related(
            Prefetch("staffing", to_attr="staffing_list"),
            Prefetch("members", to_attr="member_list"),
        )
        .order_by("pk")
    )
    settings = ReportSettings.objects.filter(association=association).first()
    return _Data(
        statements=s,
        overview=five_year_overview(association=association, year=year),
        report=report,
        people=people(association, year),
        texts=narratives(association, AR, year),
        stats=_participant_stats(association, year),
        structural=structural,
        activities=list(
            Activity.objects.filter(insats__association=association, year=year)
            .select_related("insats")
            .order_by("insats__pk", "pk")  # as entered: a date is not always known
        ),
        indicators=list(Indicator.objects.filter(association=association, year=year)),
        steering=list(SteeringDocument.objects.filter(association=association)),
        audit_report=AuditReport.objects.filter(association=association, year=year)
        .defer("pdf")
        .first(),
        cost_share_base=settings.cost_share_base if settings else ReportSettings.COSTS,
        income_actuals=list(
            Actual.objects.filter(
                line__association=association,
                year__in=[year - 1, year],
                line__group__in=[BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME],
            )
            .values("line_id", "line__name", "line__sort_order", "year")
            .annotate(total=Sum("amount"))
            .order_by()
        ),
        balance_lines=list(
            BalanceLine.objects.filter(
                fiscal_year__association=association, fiscal_year__year__in=[year - 1, year]
            ).select_related("fiscal_year")
        ),
        goals=goal_table(association, year, follow_up=True),
        insats_order=list(
            Insats.objects.filter(association=association)
            .order_by("pk")
            .values_list("name", flat=True)
        ),
    )


def _ran_in(year: int, d: _Data) -> list[Insats]:
    """The structural insatser that ran in the year (the period check is in the
    query): with outcome, budget or activities that year, started by then, or
    ongoing without a known start. One only granted, without a start and without a
    krona that year, had not begun (Västerås's Arbetsgivarkoordinator, a 2022 insats,
    is not described in 2020)."""
    money = {
        r.label
        for r in (d.report.insatser if d.report is not None else ())
        if r.outcome_net or r.budget_net
    }
    active = {a.insats_id for a in d.activities}

    def ran(i: Insats) -> bool:
        if i.name in money or i.pk in active:
            return True
        if i.status == Insats.ANSOKAN:
            return False
        if i.start is not None:
            return i.start.year <= year
        return i.status in (Insats.PAGAENDE, Insats.AVSLUTAD)

    return [i for i in d.structural if ran(i)]


def annual_report(association: Association, year: int) -> Document:
    """Årsredovisning N."""
    d = _load(association, year)
    d.structural = _ran_in(year, d)
    s = d.statements
    fy = s.fiscal_year
    notes = _note_numbers(d)
    sections: list[Section] = [
        Section(
            "forord", "", NARRATIVE_TITLES[AR]["forord"], [d.texts["forord"]], page_break=True
        ),
        *_management_report(association, year, d),
    ]
    if s.figures is not None:
        sections.extend(financial.statement_sections(s, 2, notes))
        sections.append(financial.operating_section(d.report, year, "5", d.insats_order))
        sections.append(_notes(d, notes))
    sections.append(_board_signatures(d))
    sections.append(_audit_signatures(d))
    appendices = _appendices(d)
    if appendices:
        sections.append(Section("bilagor", "", NARRATIVE_TITLES[AR]["bilagor"], appendices))
    return Document(
        kind=AR,
        slug="arsredovisning",
        title=f"Årsredovisning {year}",
        association=association,
        year=year,
        sections=sections,
        decided_on=fy.closed_on if fy else None,
        paragraph=fy.closed_paragraph if fy else "",
        # the vision is printed once, in 1 Förvaltningsberättelse, not also on the cover
        **{**cover(association), "vision": ""},
    )


# --- 1 Förvaltningsberättelse -----------------------------------------------------------


def _management_report(association: Association, year: int, d: _Data) -> list[Section]:
    texts = d.texts
    intro = [
        Text(
            render(
                f"{association.name} är ett samordningsförbund enligt lagen (2003:1210) om "
                "finansiell samordning av rehabiliteringsinsatser (Finsam)."
            )
        )
    ]
    if (org := organisation_table(d.people)) is not None:
        intro.append(org)
    intro.append(texts["uppdrag"])
    if not texts["verksamhetside"].empty or association.vision:
        intro.append(Text(render("**Verksamhetsidé och vision**"), key="verksamhetside-rubrik"))
    if not texts["verksamhetside"].empty:
        intro.append(texts["verksamhetside"])
    if association.vision:
        intro.append(Text(labelled("Vision", association.vision), key="vision"))
    overview = financial.overview_table(d.overview)
    sections = [
        Section("forvaltningsberattelse", "1", "Förvaltningsberättelse", intro, page_break=True),
        Section(
            "femarsoversikt",
            "1.1",
            "Översikt över verksamhetens utveckling",
            [overview, financial.overview_footnote()] if overview else [],
            level=3,
        ),
        Section(
            "forhallanden",
            "1.2",
            NARRATIVE_TITLES[AR]["forhallanden"],
            [texts["forhallanden"]],
            level=3,
        ),
        Section(
            "handelser", "1.3", NARRATIVE_TITLES[AR]["handelser"], [texts["handelser"]], level=3
        ),
        Section(
            "styrning",
            "1.4",
            NARRATIVE_TITLES[AR]["styrning"],
            [texts["styrning"], *_steering_documents(d.steering)],
            level=3,
        ),
        Section(
            "hushallning",
            "1.5",
            "God ekonomisk hushållning, måluppfyllelse och ekonomisk ställning",
            _stewardship(year, d),
            level=3,
        ),
        *_follow_up(year, d),
        Section(
            "balanskrav",
            "",
            "Balanskravsresultat",
            [financial.balance_requirement(d.statements)] if d.statements.figures else [],
            level=3,
        ),
        Section("personal", "1.6", NARRATIVE_TITLES[AR]["personal"], [texts["personal"]], level=3),
        Section(
            "utveckling", "1.7", NARRATIVE_TITLES[AR]["utveckling"], [texts["utveckling"]], level=3
        ),
    ]
    return [sec for sec in sections if sec.blocks]


def _steering_documents(documents: list[SteeringDocument]) -> list:
    if not documents:
        return []
    grouped: dict[str, list[str]] = {}
    for doc in documents:
        grouped.setdefault(doc.group, []).append(_plain(doc.title))
    lines = ["**Styrdokument**", ""]
    for title in grouped.get("", []):
        lines.append(f"- {title}")
    for group, titles in grouped.items():
        if group:
            lines.append(f"- {_plain(group)}")
            lines.extend(f"    - {t}" for t in titles)
    return [Text(render("\n".join(lines)), key="styrdokument")]


def _plain(text: str) -> str:

    return escape_md(text)


def _stewardship(year: int, d: _Data) -> list:
    s = d.statements
    blocks: list = [financial.budget_result_table(d.report, s, year)]
    if s.figures:
        blocks.extend(financial.equity_blocks(d.overview))
        blocks.extend(financial.cost_distribution_blocks(s, d.report, d.cost_share_base))
    if d.goals is not None:
        blocks.append(d.goals)
    return blocks


# --- Uppföljning av verksamheten ------------------------------------------------------------


def _follow_up(year: int, d: _Data) -> list[Section]:
    sections = []
    if not d.texts["malgrupper"].empty:
        sections.append(
            Section(
                "malgrupper",
                "",
                NARRATIVE_TITLES[AR]["malgrupper"],
                [d.texts["malgrupper"]],
                level=3,
            )
        )
    individual = [st for st in d.stats if st.insats.kind == Insats.INDIVID]
    if individual:
        sections.append(
            Section(
                "deltagare",
                "",
                "Uppföljning av individinsatser",
                _participant_blocks(year, individual),
                level=3,
            )
        )
    if d.structural or d.activities:
        sections.append(
            Section(
                "strukturella",
                "",
                "Strukturpåverkande insatser",
                _structural_blocks(year, d),
                level=3,
            )
        )
    if d.indicators:
        sections.append(
            Section("indikatorer", "", "Indikatorer Finsam", _indicator_blocks(year, d), level=3)
        )
    return sections


def _both(w, m):
    return None if w is None or m is None else w + m


WORK_OR_STUDIES = ("arbete", "studier")


def _participant_blocks(year: int, stats: list[ParticipantStats]) -> list:
    rows = []
    for st in stats:
        reasons = list(st.end_reason_list)
        to_work = sum(r.women + r.men for r in reasons if r.reason in WORK_OR_STUDIES)
        trial = sum(r.women + r.men for r in reasons if r.reason == "provtid")
        ended = st.women_ended + st.men_ended
        counted = ended - trial
        share = (
            Decimal(to_work * 100) / counted if reasons and counted else None
        )  # of those ended and counted in the result (after the trial period)
        rows.append(
            Row(
                st.insats.name,
                [
                    st.women_total,
                    st.men_total,
                    _both(st.women_total, st.men_total),
                    st.women_new + st.men_new,
                    ended,
                    _both(st.women_ongoing, st.men_ongoing),
                    to_work if reasons else None,
                    share,
                ],
            )
        )
    table = Table(
        f"Deltagare i individinsatser {year}",
        [
            "Kvinnor",
            "Män",
            "Totalt",
            "Nya",
            "Avslutade",
            "Pågående",
            "Till arbete eller studier",
            "Andel till arbete eller studier av avslutade efter prövotiden (%)",
        ],
        rows,
        unit=MIXED,
        sheet="Deltagare",
        first_column="Insats",
    ).without_empty_columns()
    blocks: list = []
    women = [st.women_total if st.women_total is not None else st.women_ended for st in stats]
    men = [st.men_total if st.men_total is not None else st.men_ended for st in stats]
    if any(women) or any(men):
        blocks.append(
            Chart(
                charts.bars(
                    title=f"Deltagare per insats {year}, kvinnor och män",
                    labels=[st.insats.name for st in stats],
                    series=[("Kvinnor", women), ("Män", men)],
                )
            )
        )
    blocks.append(table)
    blocks.extend(_reason_tables(year, stats))
    blocks.extend(_breakdown_tables(year, stats))
    return blocks


def _reason_tables(year: int, stats: list[ParticipantStats]) -> list:
    reasons = dict(EndReason.REASONS)
    blocks = []
    for st in stats:
        found = [r for r in st.end_reason_list if r.women or r.men]
        if not found:
            continue
        ended = st.women_ended + st.men_ended
        rows = [
            Row(
                reasons.get(r.reason, r.reason),
                [r.women, r.men, r.women + r.men, Decimal(r.women + r.men) * 100 / ended],
            )
            for r in found
        ]
        rows.append(
            Row(
                "Summa avslutade",
                [st.women_ended, st.men_ended, ended, Decimal(100) if ended else None],
                True,
            )
        )
        blocks.append(
            Table(
                f"Avslutsorsaker {year}: {st.insats.name}",
                ["Kvinnor", "Män", "Totalt", "Andel av avslutade (%)"],
                rows,
                unit=MIXED,
                sheet=f"Avslut {st.insats.name}"[:31],
                first_column="Avslutsorsak",
                shares_of_whole=["Andel av avslutade (%)"],
            )
        )
    return blocks


def _breakdown_tables(year: int, stats: list[ParticipantStats]) -> list:
    """Support before and after side by side, time in support, age and education,
    per insats, each only where the insats reported it."""
    blocks = []
    dims = dict(ParticipantBreakdown.DIMENSIONS)
    for st in stats:
        by_dim: dict[str, dict[str, ParticipantBreakdown]] = {}
        for b in st.breakdown_list:
            by_dim.setdefault(b.dimension, {})[b.category] = b
        before = by_dim.get(ParticipantBreakdown.SUPPORT_BEFORE, {})
        after = by_dim.get(ParticipantBreakdown.SUPPORT_AFTER, {})
        if before or after:
            rows = [
                Row(
                    label,
                    [
                        _total(before.get(key)),
                        _total(after.get(key)),
                    ],
                )
                for key, label in ParticipantBreakdown.SUPPORT
                if key in before or key in after
            ]
            blocks.append(
                Table(
                    f"Försörjning före och efter insatsen {year}: {st.insats.name}",
                    ["Före (antal)", "Efter (antal)"],
                    rows,
                    unit=COUNT,
                    sheet=f"Försörjning {st.insats.name}"[:31],
                    first_column="Försörjning",
                ).without_empty_columns()
            )
        for dim in (
            ParticipantBreakdown.TIME_IN_SUPPORT,
            ParticipantBreakdown.AGE,
            ParticipantBreakdown.EDUCATION,
        ):
            found = by_dim.get(dim)
            if not found:
                continue
            rows = [
                Row(label, [found[key].women, found[key].men, _total(found[key])])
                for key, label in ParticipantBreakdown.CATEGORIES[dim]
                if key in found
            ]
            blocks.append(
                Table(
                    f"{dims[dim]} {year}: {st.insats.name}",
                    ["Kvinnor", "Män", "Totalt"],
                    rows,
                    unit=COUNT,
                    sheet=f"{dims[dim][:12]} {st.insats.name}"[:31],
                    first_column=dims[dim],
                )
            )
    return blocks


def _total(b: ParticipantBreakdown | None) -> int | None:
    return None if b is None else b.women + b.men


def _structural_blocks(year: int, d: _Data) -> list:
    money = {}
    if d.report is not None:
        money = {r.label: r.outcome_net for r in d.report.insatser}
    by_insats: dict[int, list[Activity]] = {}
    for a in d.activities:
        by_insats.setdefault(a.insats_id, []).append(a)
    rows = []
    for insats in d.structural:
        acts = by_insats.get(insats.pk, [])
        cost = money.get(insats.name)
        rows.append(
            Row(
                insats.name,
                [
                    len(acts) or None,
                    sum(a.attendees for a in acts) or None,
                    -cost if cost else None,
                ],
            )
        )
    blocks: list = []
    table = Table(
        f"Strukturpåverkande insatser {year}",
        ["Aktiviteter", "Deltagare", "Kostnad (kr)"],
        [r for r in rows if any(v is not None for v in r.values)],
        unit=MIXED,
        sheet="Strukturella insatser",
        first_column="Insats",
    ).without_empty_columns()
    if not table.is_empty:
        total_people = sum(a.attendees for a in d.activities)
        blocks.append(table)
        if total_people:
            blocks.append(
                Text(
                    render(
                        f"Under {year} deltog sammanlagt "
                        f"{counted(total_people, 'person', 'personer')} i "
                        f"{counted(len(d.activities), 'aktivitet', 'aktiviteter')}."
                    )
                )
            )
    if d.activities:
        blocks.append(_activity_table(year, d.activities))
    blocks.extend(_structural_descriptions(d.structural))
    return blocks


def _activity_table(year: int, activities: list[Activity]) -> Table:
    """The year's activities; a date only where it is known, and no column of dates
    when none is."""
    dated = any(a.date for a in activities)
    rows = [
        Row(
            a.title,
            [a.insats.name, a.date.isoformat() if a.date else "", str(a.attendees)]
            if dated
            else [a.insats.name, str(a.attendees)],
        )
        for a in activities
    ]
    return Table(
        f"Aktiviteter {year}",
        ["Insats", "Datum", "Deltagare"] if dated else ["Insats", "Deltagare"],
        rows,
        unit=TEXT,
        sheet="Aktiviteter",
        first_column="Aktivitet",
    )


def _structural_descriptions(insatser: list[Insats]) -> list:
    """Each structural insats that has a description or staffing: its purpose, target
    group, the members running it and its staffing, as the plan prints them."""
    blocks = []
    for insats in insatser:
        fields = (
            ("Syfte", insats.purpose),
            ("Målgrupp", insats.target_group),
            ("Utförare", ", ".join(m.name for m in insats.member_list)),
            ("Bemanning", staffing_text(insats.staffing_list)),
        )
        if not (insats.purpose or insats.staffing_list):
            continue
        # Plain-text fields: escaped, never Markdown.
        html = format_html("<h4>{}</h4>", insats.name)
        for label, value in fields:
            if value:
                html += labelled(label, value)  # safe + safe stays safe
        blocks.append(Text(html, key=f"struktur-{insats.pk}"))
    return blocks


def _indicator_blocks(year: int, d: _Data) -> list:
    has_national = any(i.national_percent is not None for i in d.indicators)
    table = Table(
        f"Indikatorer Finsam {year}: andel som instämmer",
        ["Förbundet (%)", "Riket (%)"] if has_national else ["Förbundet (%)"],
        [
            Row(
                i.text,
                [i.share_percent, i.national_percent] if has_national else [i.share_percent],
            )
            for i in d.indicators
        ],
        unit="procent",
        sheet="Indikatorer",
        first_column="Påstående",
    )
    series = [("Förbundet", [i.share_percent for i in d.indicators])]
    if has_national:
        series.append(("Riket", [i.national_percent or 0 for i in d.indicators]))
    chart = charts.bars(
        title=f"Indikatorer Finsam {year}",
        labels=[f"{n}." for n in range(1, len(d.indicators) + 1)],
        series=series,
        unit="%",
    )
    return [table, Chart(chart)]


# --- 6 Noter ------------------------------------------------------------------------------


def _note_numbers(d: _Data) -> financial.NoteNumbers:
    """Which notes have content, so the statements refer only to those."""
    available = set()
    s = d.statements
    if d.income_actuals:
        available.add("intakter")
    if s.costs is not None:
        available.add("kostnader")
    for key, (item, _, _) in financial.BALANCE_NOTES.items():
        if any(line.item == item and line.amount for line in d.balance_lines):
            available.add(key)
    if s.figures is not None:
        available.add("eget_kapital")
    return financial.NoteNumbers(available=available)


def _notes(d: _Data, notes: financial.NoteNumbers) -> Section:
    s = d.statements
    year = s.year
    principles = d.texts["principer"]
    blocks: list = [
        Text(render("**Not 1. Redovisningsprinciper**"), key="not-1"),
        principles if not principles.empty else Text(render(PRINCIPLES), key="principer"),
    ]
    for key, number in notes.numbers.items():
        if key == "intakter":
            table = financial.income_note(number, d.income_actuals, year)
        elif key == "kostnader":
            table = financial.cost_note(number, s)
        elif key == "eget_kapital":
            table = financial.equity_note(number, s)
        else:
            table = financial.balance_note(number, key, d.balance_lines, year)
        if table is not None:
            blocks.append(table)
    return Section("noter", "6", "Noter", blocks, page_break=True)


# --- 7, 8 and appendices ----------------------------------------------------------------


def _board_signatures(d: _Data) -> Section:
    return Section(
        "underskrifter-styrelse",
        "7",
        "Styrelsens underskrifter",
        [
            Signatures(
                [
                    (a.person.name, a.get_role_display())
                    for a in d.people["board"]
                    if a.role != Appointment.ERSATTARE
                ],
                "Vi intygar att årsredovisningen ger en rättvisande bild av förbundets "
                "resultat och ekonomiska ställning.",
            )
        ],
        page_break=True,
    )


def _audit_signatures(d: _Data) -> Section:
    return Section(
        "underskrifter-revisorer",
        "8",
        "Revisorernas underskrifter",
        [Signatures([(a.person.name, a.get_role_display()) for a in d.people["audit"]])],
    )


def _appendices(d: _Data) -> list:
    blocks = []
    if not d.texts["bilagor"].empty:
        blocks.append(d.texts["bilagor"])
    if d.audit_report is not None:
        blocks.append(
            Attachment(
                title=f"Revisionsberättelse {d.statements.year}",
                filename=d.audit_report.filename,
                sha256=d.audit_report.sha256,
            )
        )
    return blocks
