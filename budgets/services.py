"""Writes to budgets: every one in a transaction, refusing closed years and decided
versions, guarded by version checks, and audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from budgets.models import (
    Actual,
    BalanceLine,
    Budget,
    BudgetAmount,
    BudgetLine,
    BudgetVersion,
    ExcelRowMapping,
    FiscalYear,
    Forecast,
)
from finsam.money import format_kronor
from finsam.services import (
    ServiceError,
    StaleEdit,
    delete_recorded,
    save_recorded,
    snapshot,
)
from members.models import Association, StateAllocation


def refuse_closed_year(association: Association, year: int) -> None:
    if FiscalYear.objects.filter(
        association=association, year=year, closed_on__isnull=False
    ).exists():
        raise ServiceError(f"Räkenskapsåret {year} är stängt och kan inte längre ändras.")


def lock_open_year(association: Association, year: int) -> FiscalYear | None:
    """Lock the year for the rest of the transaction and refuse it when closed.

    Every service that writes a year's figures calls this first, and closing a year
    locks the same row, so a write and the closing of its year never interleave: one
    waits for the other (on SQLite the immediate transaction mode queues writers).
    A year without a row locks the association instead, which closing locks too.
    The locks are FOR NO KEY UPDATE, so rows that merely refer to the locked row
    (the audit entries of every write) are not blocked by them."""
    fiscal_year = (
        FiscalYear.objects.select_for_update(no_key=True)
        .filter(association=association, year=year)
        .first()
    )
    if fiscal_year is None:
        Association.objects.select_for_update(no_key=True).filter(pk=association.pk).first()
        fiscal_year = FiscalYear.objects.filter(association=association, year=year).first()
    if fiscal_year is not None and fiscal_year.is_closed:
        raise ServiceError(f"Räkenskapsåret {year} är stängt och kan inte längre ändras.")
    return fiscal_year


def refuse_future(date: datetime.date, what: str, field: str) -> None:
    """An irreversible step is dated on or before today."""
    today = timezone.localdate()
    if date > today:
        raise ServiceError(
            f"{what} kan inte ligga i framtiden (i dag är det {today:%Y-%m-%d}).", field=field
        )


def _refuse_decided(version: BudgetVersion) -> None:
    if version.is_decided:
        raise ServiceError(
            f"Version {version.number} av budget {version.budget.year} är beslutad "
            f"({version.decided_on}) och kan inte ändras. Gör en revidering i stället."
        )


@transaction.atomic
def fiscal_year_ensure(*, association: Association, year: int, by: Any = None) -> FiscalYear:
    fiscal_year = FiscalYear.objects.filter(association=association, year=year).first()
    if fiscal_year is not None:
        return fiscal_year
    try:
        with transaction.atomic():
            return save_recorded(
                FiscalYear(association=association, year=year),
                association_id=association.id,
                by=by,
                before=None,
            )
    except ServiceError:  # somebody else created it a moment ago
        return FiscalYear.objects.get(association=association, year=year)


@transaction.atomic
def budget_line_save(
    *,
    association: Association,
    data: dict[str, Any],
    line: BudgetLine | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> BudgetLine:
    """Add or change a line (rename, regroup, reorder, retire); its history stays."""
    if line is not None:
        line = BudgetLine.objects.select_for_update().get(pk=line.pk, association=association)
        if expected_version is not None and line.version != expected_version:
            raise StaleEdit(
                f"Budgetposten {line.name} har ändrats av någon annan. Läs in sidan igen.",
                current=line,
            )
        before = snapshot(line)
    else:
        line = BudgetLine(association=association)
        before = None
        if "sort_order" not in data:
            last = association.budget_lines.aggregate(m=Max("sort_order"))["m"] or 0
            line.sort_order = last + 10
    for name, value in data.items():
        setattr(line, name, value)
    if not line.name.strip():
        raise ServiceError("Ange budgetpostens namn.", field="name")
    duplicate = BudgetLine.objects.filter(association=association, name=line.name)
    if duplicate.exclude(pk=line.pk).exists():
        raise ServiceError(f"Det finns redan en budgetpost som heter {line.name}.", field="name")
    if line.member_id and line.member.association_id != association.id:
        raise ServiceError("Medlemmen hör till ett annat förbund.")
    if line.insats_id and line.insats.association_id != association.id:
        raise ServiceError("Insatsen hör till ett annat förbund.")
    _refuse_contribution_source(association, line)
    _refuse_reported_under(association, line)
    return save_recorded(line, association_id=association.id, by=by, before=before)


def _refuse_contribution_source(association: Association, line: BudgetLine) -> None:
    """A contribution line is filled from the state's half or one member's
    contribution, never both, and no other line is filled from the same."""
    if not (line.state or line.member_id):
        return
    if line.state and line.member_id:
        raise ServiceError(
            "En bidragsrad gäller antingen statens bidrag eller en medlem, inte båda.",
            field="member",
        )
    if line.group != BudgetLine.CONTRIBUTION:
        raise ServiceError(
            "Bara rader i gruppen Medlemsbidrag fylls från Bidrag; välj den gruppen.",
            field="group",
        )
    others = BudgetLine.objects.filter(association=association, retired=False).exclude(pk=line.pk)
    same = others.filter(state=True) if line.state else others.filter(member_id=line.member_id)
    taken = same.first()
    if taken is not None and not line.retired:
        what = "statens bidrag" if line.state else f"{line.member.name}s bidrag"
        raise ServiceError(
            f"Raden {taken.name} fylls redan med {what}.",
            field="state" if line.state else "member",
        )


FINANCIAL_GROUPS = {BudgetLine.FINANCIAL_INCOME, BudgetLine.FINANCIAL_COST}


def _refuse_reported_under(association: Association, line: BudgetLine) -> None:
    """An income line reported in the driftredovisning under another line: a line of
    the same association, not itself, not one reported under a third (one step only),
    and on the same side of the financial items, so the sections' sums and the
    resultaträkning still agree."""
    if line.reported_under_id is None:
        return
    # As stored now, not as the caller's (perhaps older) copy has it.
    target = BudgetLine.objects.get(pk=line.reported_under_id)
    field = "reported_under"
    if target.association_id != association.id:
        raise ServiceError("Raden att redovisa under hör till ett annat förbund.", field=field)
    if line.pk is not None and target.pk == line.pk:
        raise ServiceError("En budgetpost kan inte redovisas under sig själv.", field=field)
    if not line.is_income:
        raise ServiceError(
            "Bara intäktsrader kan redovisas under en annan rad i driftredovisningen.",
            field=field,
        )
    if target.reported_under_id is not None:
        raise ServiceError(
            f"Raden {target.name} redovisas själv under en annan rad; välj den raden.",
            field=field,
        )
    if line.pk is not None and line.reported_here.exists():
        raise ServiceError(
            f"Andra rader redovisas under {line.name}; den kan inte själv redovisas "
            "under en annan rad.",
            field=field,
        )
    if (line.group in FINANCIAL_GROUPS) != (target.group in FINANCIAL_GROUPS):
        raise ServiceError(
            "Finansiella poster redovisas bara under finansiella poster, och "
            "verksamhetens rader bara under verksamhetens.",
            field=field,
        )


# How a new budget may start (DOMAIN §3: the plan years of last year's budget are the
# first draft of this year's).
START_EMPTY = "tom"
START_FROM_PLAN = "plan"
START_FROM_BUDGET = "budget"
STARTS = [
    (START_FROM_PLAN, "Förra årets plan: plan N+1 blir budget, plan N+2 första planår"),
    (START_FROM_BUDGET, "Förra årets budget: samma belopp, år för år"),
    (START_EMPTY, "Tom budget"),
]


def _source_version(association: Association, year: int) -> BudgetVersion | None:
    """Last year's budget as decided (its latest decided version), else its latest draft."""
    versions = list(
        BudgetVersion.objects.filter(budget__association=association, budget__year=year - 1)
        .select_related("budget")
        .prefetch_related("amounts")
        .order_by("-number")
    )
    decided = [v for v in versions if v.is_decided]
    return (decided or versions or [None])[0]


@transaction.atomic
def budget_create(
    *, association: Association, year: int, start: str = START_EMPTY, by: Any = None
) -> BudgetVersion:
    """A new budget for `year`, as a first draft version, empty or started from last
    year's budget: its plan (N+1 → budget, N+2 → first plan year) or its amounts."""
    refuse_closed_year(association, year)
    Association.objects.select_for_update(no_key=True).filter(pk=association.pk).first()
    if start not in dict(STARTS):
        raise ServiceError("Välj hur budgeten ska börja.", field="start")
    if Budget.objects.filter(association=association, year=year).exists():
        raise ServiceError(f"Det finns redan en budget för {year}.")
    source = None
    if start != START_EMPTY:
        source = _source_version(association, year)
        if source is None:
            raise ServiceError(
                f"Det finns ingen budget för {year - 1} att börja från; välj en tom budget.",
                field="start",
            )
    fiscal_year_ensure(association=association, year=year, by=by)
    budget = Budget.objects.create(association=association, year=year)
    version = save_recorded(
        BudgetVersion(budget=budget, number=1),
        association_id=association.id,
        by=by,
        before=None,
        note={"start": start, "from": f"budget {source.budget.year} version {source.number}"}
        if source
        else None,
    )
    if source is not None:
        # Where the new year's offset comes from in last year's budget.
        shift = {0: 1, 1: 2} if start == START_FROM_PLAN else {0: 0, 1: 1, 2: 2}
        from_allocation = set(
            StateAllocation.objects.filter(
                association=association, year__in=[year, year + 1, year + 2]
            ).values_list("year", flat=True)
        )
        closed = set(
            FiscalYear.objects.filter(
                association=association, year__in=[year + 1, year + 2], closed_on__isnull=False
            ).values_list("year", flat=True)
        )
        lines = {line.pk: line for line in BudgetLine.objects.filter(association=association)}
        retired = {pk for pk, line in lines.items() if line.retired}
        by_source = {(a.line_id, a.offset): a.amount for a in source.amounts.all()}
        rows = []
        for new_offset, old_offset in shift.items():
            target = year + new_offset
            if target in closed:
                continue
            for (line_id, offset), amount in by_source.items():
                line = lines[line_id]
                if offset != old_offset or line_id in retired:
                    continue
                if line.from_contributions and target in from_allocation:
                    continue  # filled from the allocation under Bidrag
                rows.append(
                    BudgetAmount(
                        budget_version=version, line_id=line_id, offset=new_offset, amount=amount
                    )
                )
        BudgetAmount.objects.bulk_create(rows)
    return version


@transaction.atomic
def budget_amount_set(
    *,
    budget_version: BudgetVersion,
    line: BudgetLine,
    offset: int,
    amount: Decimal | None,
    expected_version: int | None,
    by: Any = None,
) -> BudgetAmount | None:
    """Set one cell of a draft. `expected_version` is the cell's version as read
    (0 for a cell that was empty); a different one means somebody else saved first."""
    budget_version = BudgetVersion.objects.select_for_update().get(pk=budget_version.pk)
    budget = budget_version.budget
    _refuse_decided(budget_version)
    if offset not in (0, 1, 2):
        raise ServiceError("Budgeten omfattar bara budgetåret och två planår.")
    lock_open_year(budget.association, budget.year + offset)
    if line.association_id != budget.association_id:
        raise ServiceError("Budgetposten hör till ett annat förbund.")
    if (
        line.from_contributions
        and StateAllocation.objects.filter(
            association_id=budget.association_id, year=budget.year + offset
        ).exists()
    ):
        raise ServiceError(
            f"{line.name} fylls från medlemsbidragen för {budget.year + offset}; ändra "
            "tilldelningen under Bidrag i stället."
        )
    cell = (
        BudgetAmount.objects.select_for_update()
        .filter(budget_version=budget_version, line=line, offset=offset)
        .first()
    )
    current_version = cell.version if cell else 0
    if expected_version is not None and expected_version != current_version:
        raise StaleEdit(
            f"{line.name} {budget.year + offset} har ändrats av någon annan sedan du "
            "öppnade sidan. Din ändring är inte sparad.",
            current=cell,
        )
    if cell is not None and amount is not None and cell.amount == amount:
        return cell  # nothing changed: no write, no new version
    if amount is None:
        if cell:
            delete_recorded(cell, association_id=budget.association_id, by=by)
        return None
    before = snapshot(cell) if cell else None
    if cell is None:
        cell = BudgetAmount(budget_version=budget_version, line=line, offset=offset)
    cell.amount = amount
    return save_recorded(cell, association_id=budget.association_id, by=by, before=before)


def _freeze_contributions(version: BudgetVersion) -> int:
    """Write the contribution lines' figures into the version being decided, so the
    decided budget keeps them whatever the allocation says later."""
    from budgets.selectors import (
        OFFSETS,
        _contribution_key,
        contribution_amounts,
        contribution_for,
    )

    budget = version.budget
    contributions = contribution_amounts(
        association=budget.association, years=[budget.year + o for o in OFFSETS]
    )
    stored = {(a.line_id, a.offset): a for a in version.amounts.select_for_update()}
    create, update = [], []
    for line in BudgetLine.objects.filter(association=budget.association):
        key = _contribution_key(line)
        for offset in OFFSETS:
            filled, amount = contribution_for(contributions, key, budget.year + offset)
            if not filled:
                continue
            cell = stored.get((line.id, offset))
            if cell is None:
                create.append(
                    BudgetAmount(budget_version=version, line=line, offset=offset, amount=amount)
                )
            elif cell.amount != amount:
                cell.amount = amount
                cell.version += 1
                update.append(cell)
    BudgetAmount.objects.bulk_create(create)
    BudgetAmount.objects.bulk_update(update, ["amount", "version"])
    return len(create) + len(update)


def _check_decision(
    *,
    decided_on: datetime.date | None,
    paragraph: str,
    field: str,
    what: str,
    without_paragraph: bool = False,
) -> str:
    if decided_on is None:
        raise ServiceError(f"Ange datum för {what}.", field=field)
    refuse_future(decided_on, "Beslutsdatumet", field)
    paragraph = (paragraph or "").strip()
    if not paragraph and not without_paragraph:
        raise ServiceError(
            "Ange paragrafen i styrelsens protokoll, till exempel § 45.", field="paragraph"
        )
    if len(paragraph) > 50:
        raise ServiceError("Paragrafen får vara högst 50 tecken.", field="paragraph")
    return paragraph


def _refuse_unconfirmed(checklist: Any, confirmed: bool) -> None:
    if checklist.blocking:
        raise ServiceError(" ".join(checklist.blocking), field="checklist")
    if checklist.warnings and not confirmed:
        raise ServiceError(
            "Dokumentet är inte komplett: " + " ".join(checklist.warnings) + " Bekräfta att "
            "styrelsen har beslutat det ändå, eller komplettera först.",
            field="confirm",
        )


@transaction.atomic
def budget_decide(
    *,
    budget_version: BudgetVersion,
    decided_on: datetime.date | None,
    paragraph: str,
    confirmed: bool = False,
    without_paragraph: bool = False,
    by: Any = None,
) -> BudgetVersion:
    """The board's decision of a budget version and its plan: a snapshot of the whole
    document and its PDF/A are stored in the same transaction. Refused with a
    placeholder text in the plan, a date in the future or no paragraph; a plan with
    other gaps (empty sections, no organisation, no allocation) needs `confirmed`.

    `without_paragraph` records a decision known only by its date (a published plan
    that names no paragraph, as the demo's source documents do); the documents then
    print the date alone. The board's form never passes it."""
    from reporting.decisions import freeze_decision, plan_checklist

    budget_version = BudgetVersion.objects.select_for_update().get(pk=budget_version.pk)
    budget = budget_version.budget
    _refuse_decided(budget_version)
    lock_open_year(budget.association, budget.year)
    paragraph = _check_decision(
        decided_on=decided_on,
        paragraph=paragraph,
        field="decided_on",
        what="styrelsens beslut",
        without_paragraph=without_paragraph,
    )
    latest = budget.versions.order_by("-number").first()
    if latest is not None and latest.pk != budget_version.pk:
        raise ServiceError(
            f"Version {latest.number} är nyare; bara den senaste versionen kan beslutas."
        )
    _refuse_unconfirmed(plan_checklist(budget.association, budget_version), confirmed)
    before = snapshot(budget_version)
    frozen = _freeze_contributions(budget_version)
    budget_version.status = BudgetVersion.DECIDED
    budget_version.decided_on = decided_on
    budget_version.paragraph = paragraph
    budget_version.decided_by = by if getattr(by, "is_authenticated", False) else None
    budget_version.save()
    document = freeze_decision(
        association=budget.association, budget_version=budget_version, by=by
    )
    save_recorded(
        budget_version,
        association_id=budget.association_id,
        by=by,
        before=before,
        note={
            "document": document.audit_label,
            "sha256": document.sha256,
            **({"frozen_contributions": frozen} if frozen else {}),
        },
    )
    return budget_version


@transaction.atomic
def budget_revise(*, budget: Budget, by: Any = None) -> BudgetVersion:
    """A revision: a new draft version copied from the latest one."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    lock_open_year(budget.association, budget.year)
    latest = budget.versions.order_by("-number").first()
    if latest is not None and not latest.is_decided:
        raise ServiceError(
            f"Version {latest.number} är fortfarande ett utkast; ändra i den i stället."
        )
    number = (latest.number if latest else 0) + 1
    version = save_recorded(
        BudgetVersion(budget=budget, number=number),
        association_id=budget.association_id,
        by=by,
        before=None,
    )
    if latest is not None:
        BudgetAmount.objects.bulk_create(
            [
                BudgetAmount(
                    budget_version=version, line_id=a.line_id, offset=a.offset, amount=a.amount
                )
                for a in latest.amounts.all()
            ]
        )
    return version


def _stale(what: str, current: Any) -> StaleEdit:
    shown = "tomt"
    if current is not None:
        shown = format_kronor(current.amount, 2 if current.amount % 1 else 0) + " kr"
    return StaleEdit(
        f"{what} har ändrats av någon annan sedan du öppnade sidan (nu: {shown}). "
        "Din ändring är inte sparad; läs in sidan igen.",
        current=current,
    )


def forecast_token(forecast: Forecast | None) -> str:
    """What a form remembers of the latest forecast it showed: row and version."""
    return f"{forecast.pk}.{forecast.version}" if forecast is not None else "0"


@transaction.atomic
def forecast_set(
    *,
    line: BudgetLine,
    year: int,
    made_on: datetime.date,
    amount: Decimal,
    expected: str | None = None,
    by: Any = None,
) -> Forecast:
    """A full-year forecast of a line as of `made_on`. `expected` is `forecast_token`
    of the latest forecast the form showed; another one now means somebody else
    saved first, and this save is refused."""
    lock_open_year(line.association, year)
    latest = (
        Forecast.objects.select_for_update()
        .filter(line=line, year=year)
        .order_by("-made_on", "-id")
        .first()
    )
    if expected is not None and expected != forecast_token(latest):
        raise _stale(f"Prognosen för {line.name} {year}", latest)
    forecast = Forecast.objects.filter(line=line, year=year, made_on=made_on).first()
    if forecast is not None and forecast.amount == amount:
        return forecast
    before = snapshot(forecast) if forecast else None
    if forecast is None:
        forecast = Forecast(line=line, year=year, made_on=made_on)
    forecast.amount = amount
    return save_recorded(forecast, association_id=line.association_id, by=by, before=before)


@transaction.atomic
def actuals_set(
    *,
    fiscal_year: FiscalYear,
    line: BudgetLine,
    month: int,
    amount: Decimal,
    expected_version: int | None = None,
    by: Any = None,
) -> Actual:
    """Outcome of one line and month, entered by hand (the ledger import writes the
    same). `expected_version` is the row's version as read, 0 when it was empty."""
    lock_open_year(fiscal_year.association, fiscal_year.year)
    if line.association_id != fiscal_year.association_id:
        raise ServiceError("Budgetposten hör till ett annat förbund.")
    if not 1 <= month <= 12:
        raise ServiceError("Månaden ska vara mellan 1 och 12.")
    actual = (
        Actual.objects.select_for_update()
        .filter(line=line, year=fiscal_year.year, month=month)
        .first()
    )
    if expected_version is not None and expected_version != (actual.version if actual else 0):
        raise _stale(f"Utfallet för {line.name} {fiscal_year.year}-{month:02d}", actual)
    if actual is not None and actual.amount == amount:
        return actual
    before = snapshot(actual) if actual else None
    if actual is None:
        actual = Actual(line=line, year=fiscal_year.year, month=month)
    actual.amount = amount
    return save_recorded(actual, association_id=line.association_id, by=by, before=before)


@transaction.atomic
def actuals_replace_year(
    *,
    fiscal_year: FiscalYear,
    amounts: dict[tuple[int, int], Decimal],
    by: Any = None,
) -> int:
    """Replace all outcome of a fiscal year by `amounts`, keyed (line_id, month).

    What the ledger export says is the whole truth for the year: months and lines
    missing from `amounts` lose their outcome. All or nothing; refused in a closed
    year or for a line of another association. Returns the number of rows changed.
    """
    association = fiscal_year.association
    lock_open_year(association, fiscal_year.year)
    line_ids = {line_id for line_id, _ in amounts}
    lines = {
        line.id: line
        for line in BudgetLine.objects.filter(association=association, pk__in=line_ids)
    }
    if set(lines) != line_ids:
        raise ServiceError("Utfallet nämner en budgetpost som inte hör till förbundet.")
    if any(not 1 <= month <= 12 for _, month in amounts):
        raise ServiceError("Månaden ska vara mellan 1 och 12.")
    existing = {
        (a.line_id, a.month): a
        for a in Actual.objects.select_for_update()
        .filter(line__association=association, year=fiscal_year.year)
        .select_related("line")
    }
    changed = 0
    for key, actual in existing.items():
        if key not in amounts:
            delete_recorded(actual, association_id=association.id, by=by)
            changed += 1
    for (line_id, month), amount in sorted(amounts.items()):
        actual = existing.get((line_id, month))
        if actual is not None and actual.amount == amount:
            continue
        before = snapshot(actual) if actual else None
        if actual is None:
            actual = Actual(line=lines[line_id], year=fiscal_year.year, month=month)
        actual.amount = amount
        save_recorded(actual, association_id=association.id, by=by, before=before)
        changed += 1
    return changed


# --- Year-end: the equity roll-forward, balance specifications, closing a year ---

YEAR_END_FIELDS = ("equity_opening", "capital_contribution", "realisation_gains", "employees")


def _locked_year(fiscal_year: FiscalYear) -> FiscalYear:
    fiscal_year = FiscalYear.objects.select_for_update(no_key=True).get(pk=fiscal_year.pk)
    if fiscal_year.is_closed:
        raise ServiceError(
            f"Räkenskapsåret {fiscal_year.year} är stängt och kan inte längre ändras."
        )
    return fiscal_year


@transaction.atomic
def year_end_save(
    *,
    fiscal_year: FiscalYear,
    data: dict[str, Any],
    expected_version: int | None = None,
    by: Any = None,
) -> FiscalYear:
    """The year's equity roll-forward figures and number of employees."""
    fiscal_year = _locked_year(fiscal_year)
    if expected_version is not None and fiscal_year.version != expected_version:
        raise StaleEdit(
            f"Bokslutsuppgifterna för {fiscal_year.year} har ändrats av någon annan sedan du "
            "öppnade formuläret. Läs in sidan igen och gör din ändring på nytt.",
            current=fiscal_year,
        )
    before = snapshot(fiscal_year)
    for name in YEAR_END_FIELDS:
        if name in data:
            setattr(fiscal_year, name, data[name])
    if fiscal_year.employees is not None and fiscal_year.employees < 0:
        raise ServiceError("Antalet anställda kan inte vara negativt.", field="employees")
    if fiscal_year.realisation_gains is None or fiscal_year.capital_contribution is None:
        raise ServiceError("Ange ett belopp (0 om inget).")
    if snapshot(fiscal_year) == before:
        return fiscal_year
    return save_recorded(
        fiscal_year, association_id=fiscal_year.association_id, by=by, before=before
    )


def _balance_problem(item: str, label: str, amount: Decimal | None) -> str | None:
    items = dict(BalanceLine.ITEMS)
    if item not in items:
        return f"Okänd balanspost {item!r}."
    if not label.strip():
        return "Ange vad raden specificerar."
    if amount is None:
        return "Ange ett belopp."
    return None


@transaction.atomic
def balance_line_save(
    *,
    fiscal_year: FiscalYear,
    data: dict[str, Any],
    line: BalanceLine | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> BalanceLine:
    """Add or change one specification line of a year-end balance item."""
    fiscal_year = _locked_year(fiscal_year)
    if line is not None:
        line = BalanceLine.objects.select_for_update().get(pk=line.pk, fiscal_year=fiscal_year)
        if expected_version is not None and line.version != expected_version:
            raise StaleEdit(
                f"Raden {line.label} har ändrats av någon annan. Läs in sidan igen.",
                current=line,
            )
        before = snapshot(line)
    else:
        line = BalanceLine(fiscal_year=fiscal_year)
        before = None
    for name in ("item", "label", "amount", "account", "sort_order"):
        if name in data:
            setattr(line, name, data[name])
    problem = _balance_problem(line.item, line.label, line.amount)
    if problem:
        raise ServiceError(problem)
    same = BalanceLine.objects.filter(fiscal_year=fiscal_year, item=line.item, label=line.label)
    if same.exclude(pk=line.pk).exists():
        raise ServiceError(
            f"Det finns redan en rad {line.label} under {line.get_item_display().lower()}.",
            field="label",
        )
    if line.pk is None and "sort_order" not in data:
        last = fiscal_year.balance_lines.aggregate(m=Max("sort_order"))["m"] or 0
        line.sort_order = last + 10
    return save_recorded(line, association_id=fiscal_year.association_id, by=by, before=before)


@transaction.atomic
def balance_line_delete(*, line: BalanceLine, by: Any = None) -> None:
    fiscal_year = _locked_year(line.fiscal_year)
    line = BalanceLine.objects.get(pk=line.pk, fiscal_year=fiscal_year)
    delete_recorded(line, association_id=fiscal_year.association_id, by=by)


@transaction.atomic
def balance_lines_replace(
    *,
    fiscal_year: FiscalYear,
    rows: list[tuple[str, str, Decimal, str]],
    by: Any = None,
) -> int:
    """Replace all of a year's balance specifications by `rows` (item, label, amount,
    account), as a ledger import or the demo does. Returns the number of rows changed."""
    fiscal_year = _locked_year(fiscal_year)
    wanted: dict[tuple[str, str], tuple[Decimal, str, int]] = {}
    for order, (item, label, amount, account) in enumerate(rows, 1):
        problem = _balance_problem(item, label, amount)
        if problem:
            raise ServiceError(problem)
        if (item, label) in wanted:
            raise ServiceError(f"Raden {label} förekommer två gånger.")
        wanted[(item, label)] = (amount, account, order * 10)
    existing = {
        (b.item, b.label): b
        for b in BalanceLine.objects.select_for_update().filter(fiscal_year=fiscal_year)
    }
    changed = 0
    for key, line in existing.items():
        if key not in wanted:
            delete_recorded(line, association_id=fiscal_year.association_id, by=by)
            changed += 1
    for (item, label), (amount, account, order) in wanted.items():
        line = existing.get((item, label))
        before = snapshot(line) if line else None
        if line is None:
            line = BalanceLine(fiscal_year=fiscal_year, item=item, label=label)
        line.amount, line.account, line.sort_order = amount, account, order
        if before is not None and snapshot(line) == before:
            continue
        save_recorded(line, association_id=fiscal_year.association_id, by=by, before=before)
        changed += 1
    return changed


@transaction.atomic
def fiscal_year_close(
    *,
    fiscal_year: FiscalYear,
    closed_on: datetime.date | None,
    paragraph: str,
    confirmed: bool = False,
    without_paragraph: bool = False,
    by: Any = None,
) -> FiscalYear:
    """Close a year once the board has decided its annual report: from then on none of
    its figures change, and the annual report is frozen (snapshot and PDF/A) in this
    transaction. Refused while the statements do not add up, with a placeholder text
    in the report, a date in the future or not after the year's end, or no paragraph
    (unless `without_paragraph`, as for `budget_decide`: never from the board's form).

    Locks the association and then the year, as every write of the year's figures
    does (`lock_open_year`), so no write lands between the check and the closing."""
    from reporting.decisions import annual_report_checklist, freeze_decision
    from reporting.selectors import year_statements

    fiscal_year, paragraph = _closing_locked(
        fiscal_year, closed_on, paragraph, without_paragraph=without_paragraph
    )
    statements = year_statements(association=fiscal_year.association, year=fiscal_year.year)
    if statements.findings:
        raise ServiceError(
            "Året kan inte stängas förrän bokslutet går ihop: " + " ".join(statements.findings)
        )
    _refuse_unconfirmed(
        annual_report_checklist(fiscal_year.association, fiscal_year.year), confirmed
    )
    before = snapshot(fiscal_year)
    fiscal_year.closed_on = closed_on
    fiscal_year.closed_paragraph = paragraph
    fiscal_year.save()
    document = freeze_decision(association=fiscal_year.association, fiscal_year=fiscal_year, by=by)
    return save_recorded(
        fiscal_year,
        association_id=fiscal_year.association_id,
        by=by,
        before=before,
        note={"document": document.audit_label, "sha256": document.sha256},
    )


def _closing_locked(
    fiscal_year: FiscalYear,
    closed_on: datetime.date | None,
    paragraph: str,
    *,
    without_paragraph: bool,
) -> tuple[FiscalYear, str]:
    """A closing's start: the association and then the year locked, as every write of
    the year's figures does (`lock_open_year`), and the board's date and paragraph
    checked; (the locked year, the paragraph)."""
    Association.objects.select_for_update(no_key=True).filter(
        pk=fiscal_year.association_id
    ).first()
    fiscal_year = _locked_year(fiscal_year)
    paragraph = _check_decision(
        decided_on=closed_on,
        paragraph=paragraph,
        field="closed_on",
        what="styrelsens beslut om årsredovisningen",
        without_paragraph=without_paragraph,
    )
    if closed_on <= datetime.date(fiscal_year.year, 12, 31):
        raise ServiceError(
            f"Årsredovisningen för {fiscal_year.year} beslutas efter årets slut; "
            f"ange ett datum {fiscal_year.year + 1} eller senare.",
            field="closed_on",
        )
    return fiscal_year, paragraph


@transaction.atomic
def fiscal_year_close_outside(
    *,
    fiscal_year: FiscalYear,
    closed_on: datetime.date | None,
    paragraph: str,
    confirmed: bool = False,
    without_paragraph: bool = False,
    by: Any = None,
) -> FiscalYear:
    """Close a year whose annual report was made and decided outside Finsam, before the
    association used it: the year's figures lock as at any closing, and no annual
    report is made or stored here (the document pages and the revision page say where
    it was decided). Asks for a confirmation, as nothing is frozen to check it by."""
    if not confirmed:
        raise ServiceError(
            f"Bekräfta att årsredovisningen för {fiscal_year.year} är upprättad och "
            "beslutad utanför Finsam.",
            field="confirm",
        )
    fiscal_year, paragraph = _closing_locked(
        fiscal_year, closed_on, paragraph, without_paragraph=without_paragraph
    )
    before = snapshot(fiscal_year)
    fiscal_year.closed_on = closed_on
    fiscal_year.closed_paragraph = paragraph
    fiscal_year.report_outside = True
    return save_recorded(
        fiscal_year,
        association_id=fiscal_year.association_id,
        by=by,
        before=before,
        note={"report": "upprättad utanför Finsam"},
    )


@transaction.atomic
def fiscal_year_reopen(*, fiscal_year: FiscalYear, reason: str, by: Any) -> FiscalYear:
    """Reopen a closed year: a superuser's act, recorded with its reason."""
    if not getattr(by, "is_superuser", False):
        raise ServiceError("Bara en systemadministratör kan öppna ett stängt år.")
    if not reason.strip():
        raise ServiceError("Ange varför året öppnas igen.", field="reason")
    fiscal_year = FiscalYear.objects.select_for_update(no_key=True).get(pk=fiscal_year.pk)
    if not fiscal_year.is_closed:
        raise ServiceError(f"Räkenskapsåret {fiscal_year.year} är inte stängt.")
    from reporting.models import DecidedDocument

    # The annual report decided at the closing stays stored, marked as replaced by the
    # next closing; recorded in this change's entry.
    superseded = []
    for record in DecidedDocument.objects.filter(fiscal_year=fiscal_year, superseded=False):
        record.superseded = True
        record.save(update_fields=["superseded"])
        superseded.append(record.sha256)
    from signing.services import rounds_void  # the year's signing rounds become "ersatt"

    rounds_void(fiscal_year=fiscal_year, by=by)
    before = snapshot(fiscal_year)
    fiscal_year.closed_on = None
    fiscal_year.closed_paragraph = ""
    fiscal_year.report_outside = False
    return save_recorded(
        fiscal_year,
        association_id=fiscal_year.association_id,
        by=by,
        before=before,
        note={"reopen_reason": reason.strip(), "superseded": superseded},
    )


@transaction.atomic
def budget_equity_estimate_set(
    *, budget: Budget, amount: Decimal | None, by: Any = None
) -> Budget:
    """The equity expected at the start of the budget year, for the plan's equity table
    when last year's accounts are not closed yet. Refused once the plan is decided."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    latest = budget.versions.order_by("-number").first()
    if latest is not None and latest.is_decided:
        raise ServiceError(
            f"Budget {budget.year} är beslutad; gör en revidering för att ändra beräkningen."
        )
    before = snapshot(budget)
    budget.equity_estimate = amount
    if snapshot(budget) == before:
        return budget
    return save_recorded(budget, association_id=budget.association_id, by=by, before=before)


@transaction.atomic
def excel_row_mapping_save(
    *, association: Association, name: str, line: BudgetLine | None, by: Any = None
) -> ExcelRowMapping:
    """Remember which line an Excel row name stands for (None: skip such rows)."""
    from budgets.excel import normalise_name

    key = normalise_name(name)
    if not key or len(key) > 200:
        raise ServiceError("Radnamnet ska ha 1–200 tecken.")
    if line is not None and line.association_id != association.id:
        raise ServiceError("Budgetposten hör till ett annat förbund.")
    mapping = (
        ExcelRowMapping.objects.select_for_update()
        .filter(association=association, name=key)
        .first()
    )
    before = snapshot(mapping) if mapping else None
    if mapping is None:
        mapping = ExcelRowMapping(association=association, name=key)
    elif mapping.line_id == (line.id if line else None):
        return mapping
    mapping.line = line
    return save_recorded(mapping, association_id=association.id, by=by, before=before)
