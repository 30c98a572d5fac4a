"""Decisions are snapshots: what the board decides (a budget version with its plan,
an annual report when the year is closed) is frozen in the decision's own
transaction — the document's structure and its PDF/A with SHA-256 — and shown from
that snapshot from then on. Before deciding, a checklist says what is missing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgets.models import BudgetVersion, FiscalYear
from members.models import Association, StateAllocation
from reporting import consistency, documents, render, snapshots
from reporting.models import AR, VP, DecidedDocument


@dataclass
class Checklist:
    """What a decision would freeze that is missing: `blocking` refuses the decision
    (a placeholder text), `warnings` ask for a confirmation."""

    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.blocking and not self.warnings


def _has_content(block: Any) -> bool:
    if isinstance(block, documents.Text):
        return not block.empty
    if isinstance(block, documents.Table):
        return bool(block.rows)
    if isinstance(block, documents.Signatures):
        return bool(block.people)
    return True


def _text_title(doc: documents.Document, section: Any, block: Any) -> str:
    """A text named as "Skriv texterna" titles it, with its place in the document."""
    name = documents.NARRATIVE_TITLES.get(doc.kind, {}).get(block.key)
    if not name:
        return "”" + f"{section.number} {section.title}".strip() + "”"
    place = section.number if section.title == name else f"{section.number} {section.title}"
    return f"”{name}” ({place.strip()})" if place.strip() else f"”{name}”"


def check_document(doc: documents.Document) -> Checklist:
    found = Checklist()
    for section in doc.sections:
        title = f"{section.number} {section.title}".strip()
        for block in section.blocks:
            if isinstance(block, documents.Text) and block.empty and block.key:
                found.blocking.append(
                    f"Avsnittet {_text_title(doc, section, block)} har ingen text: platshållaren "
                    "”Texten är inte skriven ännu.” står kvar. Skriv texten under Skriv texterna."
                )
            elif isinstance(block, documents.Table) and not block.rows:
                found.warnings.append(f"Tabellen ”{block.caption}” i ”{title}” är tom.")
            elif isinstance(block, documents.Signatures) and not block.people:
                found.warnings.append(
                    f"”{title}” har inga namn: lägg in uppdragen under Organisation."
                )
        if not any(_has_content(b) for b in section.blocks) and not any(
            isinstance(b, documents.Text) and b.empty and b.key for b in section.blocks
        ):
            found.warnings.append(f"Avsnittet ”{title}” är tomt.")
    # What the document says must agree with itself (reporting/consistency.py).
    found.warnings.extend(consistency.check(doc))
    return found


def plan_checklist(association: Association, version: BudgetVersion) -> Checklist:
    from budgets.selectors import amount_warnings, budget_grid

    year = version.budget.year
    plan_doc = documents.plan(association, year, version=version)
    found = check_document(plan_doc)
    grid = budget_grid(budget=version.budget, version_number=version.number)
    found.warnings.extend(f"Budgeten, {w}" for w in amount_warnings(grid))
    if not StateAllocation.objects.filter(association=association, year=year).exists():
        found.warnings.append(
            f"Det finns ingen tilldelning för {year} under Bidrag: budgetens medlemsbidrag "
            "är inte avstämda mot statens och medlemmarnas beslut."
        )
    found.warnings.extend(equity_warnings(association, year, plan_doc, grid))
    return found


EQUITY_TABLE = "Eget kapital under budgetperioden"


def _equity_goal(association: Association, year: int) -> Decimal | None:
    """The plan's own equity goal: a financial goal of the year about the equity,
    with a target in percent ("högst 20 % av bidragen")."""
    from insatser.models import Goal

    for goal in Goal.objects.filter(association=association, year=year, area="finansiell"):
        words = goal.text.lower()
        if goal.target is not None and goal.unit in ("%", "procent") and "kapital" in words:
            return goal.target
    return None


def _equity_rows(doc: documents.Document, grid) -> tuple[list[tuple], bool]:
    """(year heading, opening, result, closing, share of income) per budget year from
    the plan's equity table; without one (no booked year-end, no estimate) from the
    budget itself with an opening equity of 0 kr, which the second value says."""
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, documents.Table) and block.caption.startswith(EQUITY_TABLE):
                return [(row.label, *row.values) for row in block.rows], True
    rows = []
    for offset, (income, result) in enumerate(zip(grid.income, grid.result, strict=True)):
        heading = f"{'Budget' if offset == 0 else 'Plan'} {grid.budget.year + offset}"
        share = result * 100 / income if income else None
        rows.append((heading, Decimal(0), result, result, share))
    return rows, False


def equity_warnings(
    association: Association, year: int, doc: documents.Document, grid
) -> list[str]:
    """A budget whose result would take the equity past the plan's own equity goal or
    the 20 % ceiling, year by year, with the figures (a warning, not a refusal)."""
    from finsam.money import format_kronor, format_percent
    from reporting.statements import CEILING_PERCENT

    goal = _equity_goal(association, year)
    limits = sorted(
        {
            (
                CEILING_PERCENT,
                f"taket {format_percent(CEILING_PERCENT, 0)} av intäkterna som Nationella "
                "rådet rekommenderar",
            )
        }
        | ({(goal, f"planens eget mål, högst {format_percent(goal, 0)}")} if goal else set())
    )
    rows, known = _equity_rows(doc, grid)
    warnings = []
    for heading, opening, result, closing, share in rows:
        if share is None or not isinstance(share, Decimal) or result in (None, ""):
            continue
        over = " och ".join(what for limit, what in limits if share > limit)
        if not over:
            continue
        start = "" if known else " (inget ingående eget kapital är känt; räknat från 0 kr)"
        warnings.append(
            f"Eget kapital, {heading.lower()}: ingående {format_kronor(opening)} kr + "
            f"resultat {format_kronor(result)} kr = {format_kronor(closing)} kr, "
            f"{format_percent(share)} av intäkterna{start}. Det är över {over}."
        )
    return warnings


def annual_report_checklist(association: Association, year: int) -> Checklist:
    """The document's gaps, what the statements find wrong (the bokslut page's own
    findings, which refuse the closing) and what the import left "ej fördelat"."""
    from reporting.selectors import year_statements

    found = check_document(documents.annual_report(association, year))
    found.blocking.extend(year_statements(association=association, year=year).findings)
    found.warnings.extend(unassigned_warnings(association, year))
    return found


def unassigned_warnings(association: Association, year: int) -> list[str]:
    """The amounts the SIE import left on the groups' "ej fördelat" lines (its fourth
    rule): each is a line of the statements nobody has placed yet (one query)."""
    from django.db.models import Q, Sum

    from budgets.models import Actual
    from budgets.sie_mapping import UNASSIGNED_NAMES
    from finsam.money import format_kronor

    wanted = Q()
    for group, name in UNASSIGNED_NAMES.items():
        wanted |= Q(line__group=group, line__name=name)
    rows = (
        Actual.objects.filter(wanted, line__association=association, year=year)
        .values("line__name")
        .annotate(total=Sum("amount"))
        .order_by("line__name")
    )
    return [
        f"{row['line__name']}: {format_kronor(row['total'])} kr ligger kvar som ej fördelat "
        f"{year}. Mappa kontona i SIE-inläsningen till rätt rader, eller bekräfta."
        for row in rows
        if row["total"]
    ]


def freeze_decision(
    *,
    association: Association,
    budget_version: BudgetVersion | None = None,
    fiscal_year: FiscalYear | None = None,
    by: Any = None,
) -> DecidedDocument:
    """Freeze the decided document and store its PDF/A; call inside the decision's
    transaction, after the version is marked decided or the year closed. The caller
    records the decision, naming this document and its hash, as one change."""
    if budget_version is not None:
        year = budget_version.budget.year
        doc = documents.plan(association, year, version=budget_version)
        kind, decision = VP, f"version {budget_version.number}"
    else:
        year = fiscal_year.year
        doc = documents.annual_report(association, year)
        kind, decision = AR, "bokslut"
    data = snapshots.freeze(doc, logo_uri=render.logo_uri(association))
    # The PDF is rendered from the snapshot itself, so the two can never differ.
    pdf = render.pdf_bytes(snapshots.thaw(data, association), "pdf/a-2b")
    record = DecidedDocument(
        association=association,
        document=kind,
        year=year,
        decision=f"{decision}, {doc.decided_on} {doc.paragraph}".strip(),
        budget_version=budget_version,
        fiscal_year=fiscal_year,
        snapshot=data,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        decided_on=doc.decided_on,
        paragraph=doc.paragraph,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record.save()
    return record


def current_decided(
    association: Association, document: str, year: int, *, snapshot: bool = True
) -> DecidedDocument | None:
    """The decision in force for a document and year (the latest decided budget
    version; the closing of the year), without its PDF bytes, and without its
    snapshot unless asked for (read when first used)."""
    found = DecidedDocument.objects.filter(
        association=association, document=document, year=year, superseded=False
    ).defer("pdf", *([] if snapshot else ["snapshot"]))
    if document == VP:
        found = found.filter(budget_version__status=BudgetVersion.DECIDED).order_by(
            "-budget_version__number", "-created_at"
        )
    else:
        found = found.filter(fiscal_year__closed_on__isnull=False).order_by("-created_at", "-id")
    return found.first()


def frozen_document(record: DecidedDocument) -> documents.Document:
    return snapshots.thaw(record.snapshot, record.association)


__all__ = [
    "AR",
    "VP",
    "Checklist",
    "annual_report_checklist",
    "check_document",
    "current_decided",
    "freeze_decision",
    "frozen_document",
    "plan_checklist",
]
