"""Decisions are snapshots: what the board decides (a budget version with its plan,
an annual report when the year is closed) is frozen in the decision's own
transaction — the document's structure and its PDF/A with SHA-256 — and shown from
that snapshot from then on. Before deciding, a checklist says what is missing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from budgets.models import BudgetVersion, FiscalYear
from members.models import Association, StateAllocation
from reporting import documents, render, snapshots
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


def check_document(doc: documents.Document) -> Checklist:
    found = Checklist()
    for section in doc.sections:
        title = f"{section.number} {section.title}".strip()
        for block in section.blocks:
            if isinstance(block, documents.Text) and block.empty and block.key:
                found.blocking.append(
                    f"Avsnittet ”{title}” har ingen text: platshållaren ”Texten är inte "
                    "skriven ännu.” står kvar. Skriv texten under Skriv texterna."
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
    return found


def plan_checklist(association: Association, version: BudgetVersion) -> Checklist:
    from budgets.selectors import amount_warnings, budget_grid

    year = version.budget.year
    found = check_document(documents.plan(association, year, version=version))
    grid = budget_grid(budget=version.budget, version_number=version.number)
    found.warnings.extend(f"Budgeten, {w}" for w in amount_warnings(grid))
    if not StateAllocation.objects.filter(association=association, year=year).exists():
        found.warnings.append(
            f"Det finns ingen tilldelning för {year} under Bidrag: budgetens medlemsbidrag "
            "är inte avstämda mot statens och medlemmarnas beslut."
        )
    return found


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
