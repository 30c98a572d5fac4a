"""The ledger import: an SIE 4 file read into a preview, then applied in one go.

`plan_import` parses and checks the file and compares what it would store with what
is stored (nothing is written); `apply_import` writes the plan in one transaction
through the budget services and records the import. The same file twice is a no-op.
Signs: SIE has debit positive (assets, costs) and credit negative (income, equity,
liabilities); stored figures are positive for what the line or balance item is.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction

from budgets import services
from budgets.models import (
    AccountMapping,
    Actual,
    BalanceLine,
    BudgetLine,
    FiscalYear,
    LedgerImport,
)
from budgets.sie import SieError, Verification, parse
from finsam.models import AuditEntry
from finsam.money import format_kronor
from finsam.services import ServiceError, audit, save_recorded, snapshot
from finsam.validators import normalize_orgnr
from members.models import Association

ZERO = Decimal(0)
PROJECT_DIMENSION = "6"
ITEM_LABELS = dict(BalanceLine.ITEMS)
EQUITY = "eget_kapital"


class ImportRefused(ServiceError):
    """The file cannot be imported; the message names the line and the reason."""


def default_item(account: str) -> str | None:
    """The balance item of a balance account by its class (Kommun-Bas and BAS alike);
    None for what the statements have no place for (fixed assets, long-term debt)."""
    two = account[:2]
    if two in ("15", "16", "17"):
        return BalanceLine.RECEIVABLES
    if two == "18":
        return BalanceLine.PLACEMENTS
    if two == "19":
        return BalanceLine.CASH
    if two == "20":
        return EQUITY
    if two == "22":
        return BalanceLine.PENSIONS
    if two in ("24", "25", "26", "27", "28", "29"):
        return BalanceLine.LIABILITIES
    return None


def _is_balance_account(account: str) -> bool:
    return account[:1] in ("1", "2")


@dataclass
class Change:
    label: str
    stored: Decimal
    new: Decimal

    @property
    def changed(self) -> bool:
        return self.stored != self.new


@dataclass
class Unmapped:
    account: str
    name: str
    amount: Decimal
    balance: bool


@dataclass
class ImportPlan:
    association: Association
    year: int
    file_name: str
    sha256: str
    company_name: str
    verification_count: int
    actuals: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    balances: list[tuple[str, str, Decimal, str]] = field(default_factory=list)
    equity_opening: Decimal | None = None
    unmapped: list[Unmapped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: list[Change] = field(default_factory=list)
    insatser: list[Change] = field(default_factory=list)
    items: list[Change] = field(default_factory=list)
    equity: Change | None = None
    unchanged: bool = False

    @property
    def can_apply(self) -> bool:
        return not self.unmapped and not self.unchanged

    def summary(self) -> dict[str, Any]:
        return {
            "ar": self.year,
            "utfall": {c.label: [str(c.stored), str(c.new)] for c in self.lines if c.changed},
            "balanser": {c.label: [str(c.stored), str(c.new)] for c in self.items if c.changed},
            "ingaende_eget_kapital": [str(self.equity.stored), str(self.equity.new)]
            if self.equity and self.equity.changed
            else None,
        }


class _Targets:
    """Where each account (and projekt object) goes, from the association's mapping,
    its insatser's short codes and the default by account class."""

    def __init__(self, association: Association, account_types: dict[str, str]):
        self.lines = {
            line.id: line
            for line in BudgetLine.objects.filter(association=association).select_related("insats")
        }
        self.mapping = {
            m.account: m for m in AccountMapping.objects.filter(association=association)
        }
        by_insats: dict[str, list[BudgetLine]] = defaultdict(list)
        for line in sorted(self.lines.values(), key=lambda x: (x.retired, x.sort_order, x.id)):
            if line.insats_id is not None:
                by_insats[line.insats.code].append(line)
        self.by_code = {code: lines[0] for code, lines in by_insats.items()}
        self.financial = {}
        for group in (BudgetLine.FINANCIAL_INCOME, BudgetLine.FINANCIAL_COST):
            candidates = [
                x for x in self.lines.values() if x.group == group and not x.retired
            ] or [x for x in self.lines.values() if x.group == group]
            if candidates:
                self.financial[group] = min(candidates, key=lambda x: (x.sort_order, x.id))
        self.account_types = account_types

    def line(self, account: str, project: str | None, total: Decimal) -> BudgetLine | None:
        if project and project in self.by_code:
            return self.by_code[project]
        mapped = self.mapping.get(account)
        if mapped is not None and mapped.line_id:
            return self.lines.get(mapped.line_id)
        if account.startswith("8"):
            kind = self.account_types.get(account)
            income = kind == "I" if kind in ("I", "K") else total < 0
            group = BudgetLine.FINANCIAL_INCOME if income else BudgetLine.FINANCIAL_COST
            return self.financial.get(group)
        return None

    def item(self, account: str) -> str | None:
        mapped = self.mapping.get(account)
        if mapped is not None and mapped.item:
            return mapped.item
        return default_item(account)


def _project(objects: tuple[tuple[str, str], ...]) -> str | None:
    for dim, code in objects:
        if dim == PROJECT_DIMENSION:
            return code
    return None


def _hash_and_rewind(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def plan_import(
    *,
    association: Association,
    stream: IO[bytes],
    file_name: str,
    expected_year: int | None = None,
) -> ImportPlan:
    """Read and check an SIE 4 file and preview what importing it would change.

    Raises ImportRefused (nothing is stored either way)."""
    sha256 = _hash_and_rewind(stream)
    movements: dict[tuple[str, str | None, int], Decimal] = defaultdict(lambda: ZERO)
    earliest: list[Verification] = []
    latest: list[Verification] = []

    def on_verification(ver: Verification) -> None:
        # Only the earliest and latest verification are kept, for the date check.
        if not earliest or ver.date < earliest[0].date:
            earliest[:] = [ver]
        if not latest or ver.date > latest[0].date:
            latest[:] = [ver]
        yyyymm = ver.date.year * 100 + ver.date.month
        for t in ver.transactions:
            if not _is_balance_account(t.account):
                movements[(t.account, _project(t.objects), yyyymm)] += t.amount

    try:
        sie = parse(stream, on_verification)
    except SieError as exc:
        raise ImportRefused(f"{file_name}: {exc}") from exc

    if 0 not in sie.years:
        raise ImportRefused(f"{file_name}: filen saknar #RAR 0, så räkenskapsåret är okänt.")
    start, end = sie.years[0]
    if (start.month, start.day, end.month, end.day) != (1, 1, 12, 31) or start.year != end.year:
        raise ImportRefused(
            f"{file_name}: räkenskapsåret {start}–{end} är inte ett kalenderår; "
            "förbundens räkenskapsår är kalenderår."
        )
    year = start.year
    for ver in (*earliest, *latest):
        if not start <= ver.date <= end:
            raise ImportRefused(
                f"{file_name}: rad {ver.line}: verifikationen {ver.series} {ver.number} är "
                f"daterad {ver.date}, utanför räkenskapsåret {year}."
            )
    if not sie.orgnr:
        raise ImportRefused(
            f"{file_name}: filen saknar #ORGNR, så den kan inte knytas till förbundet."
        )
    if not association.orgnr:
        raise ImportRefused(
            f"{association.name} har inget organisationsnummer inlagt; lägg in det under "
            "förbundets uppgifter innan en SIE-fil läses in."
        )
    try:
        file_orgnr = normalize_orgnr(sie.orgnr)
    except Exception:
        file_orgnr = sie.orgnr
    if file_orgnr != association.orgnr:
        name = f" ({sie.company_name})" if sie.company_name else ""
        raise ImportRefused(
            f"{file_name}: filen gäller organisationsnummer {sie.orgnr}{name}, inte "
            f"{association.name} ({association.orgnr})."
        )
    if expected_year is not None and year != expected_year:
        raise ImportRefused(
            f"{file_name}: filen gäller räkenskapsåret {year}, men du läser in för {expected_year}."
        )
    fiscal_year = FiscalYear.objects.filter(association=association, year=year).first()
    if fiscal_year is not None and fiscal_year.is_closed:
        raise ImportRefused(
            f"{file_name}: räkenskapsåret {year} är stängt ({fiscal_year.closed_on}) och kan inte ändras."
        )

    # Outcome per account, projekt object and month: #PSALDO where the file has it,
    # else the verifications.
    periods = [p for p in sie.period_balances if p[0] == 0]
    if periods:
        movements = defaultdict(lambda: ZERO)
        totals: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
        for _, period, account, objects, amount in periods:
            if _is_balance_account(account):
                continue
            month = int(period)
            if not objects:
                totals[(account, month)] += amount
            elif (project := _project(objects)) is not None and len(objects) == 1:
                movements[(account, project, month)] += amount
        for (account, month), total in totals.items():
            in_projects = sum(
                (v for (a, _, m), v in movements.items() if a == account and m == month), ZERO
            )
            movements[(account, None, month)] += total - in_projects

    plan = ImportPlan(
        association=association,
        year=year,
        file_name=file_name,
        sha256=sha256,
        company_name=sie.company_name,
        verification_count=sie.verification_count,
    )
    targets = _Targets(association, sie.account_types)
    per_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account, _, _), amount in movements.items():
        per_account[account] += amount
    unmapped: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account, project, yyyymm), amount in sorted(
        movements.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
    ):
        if amount == 0:
            continue
        line = targets.line(account, project, per_account[account])
        if line is None:
            unmapped[account] += amount
            continue
        month = yyyymm % 100
        if yyyymm // 100 != year or not 1 <= month <= 12:
            raise ImportRefused(
                f"{file_name}: perioden {yyyymm} ligger utanför räkenskapsåret {year}."
            )
        value = -amount if line.is_income else amount
        key = (line.id, month)
        plan.actuals[key] = plan.actuals.get(key, ZERO) + value
    plan.actuals = {k: v for k, v in plan.actuals.items() if v != 0}
    for account, amount in sorted(unmapped.items()):
        if amount != 0:
            plan.unmapped.append(Unmapped(account, sie.accounts.get(account, ""), amount, False))
    for (year_no, account), amount in sorted(sie.results.items()):
        if year_no == 0 and per_account.get(account, ZERO) != amount:
            plan.warnings.append(
                f"Konto {account}: #RES anger {format_kronor(amount)} men transaktionerna "
                f"summerar till {format_kronor(per_account.get(account, ZERO))}."
            )

    # Balances at the end of the year, and the opening equity.
    equity_opening = ZERO
    has_equity = False
    labels: set[tuple[str, str]] = set()
    for (year_no, account), amount in sorted(sie.opening.items()):
        if year_no == 0 and targets.item(account) == EQUITY:
            equity_opening -= amount
            has_equity = True
    plan.equity_opening = equity_opening if has_equity else None
    for (year_no, account), amount in sorted(sie.closing.items()):
        if year_no != 0 or amount == 0:
            continue
        item = targets.item(account)
        if item == EQUITY:
            continue
        if item is None:
            plan.unmapped.append(Unmapped(account, sie.accounts.get(account, ""), amount, True))
            continue
        value = amount if account.startswith("1") else -amount
        label = sie.accounts.get(account) or f"Konto {account}"
        if (item, label) in labels:
            label = f"{label} ({account})"
        labels.add((item, label))
        plan.balances.append((item, label, value, account))

    _compare(plan, targets, fiscal_year)
    return plan


def _compare(plan: ImportPlan, targets: _Targets, fiscal_year: FiscalYear | None) -> None:
    stored_actuals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    stored_months: dict[tuple[int, int], Decimal] = {}
    for a in Actual.objects.filter(line__association=plan.association, year=plan.year):
        stored_actuals[a.line_id] += a.amount
        stored_months[(a.line_id, a.month)] = a.amount
    new_actuals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (line_id, _), amount in plan.actuals.items():
        new_actuals[line_id] += amount
    insats_changes: dict[str, Change] = {}
    for line in sorted(targets.lines.values(), key=lambda x: (x.sort_order, x.id)):
        if line.id not in stored_actuals and line.id not in new_actuals:
            continue
        change = Change(
            line.name, stored_actuals.get(line.id, ZERO), new_actuals.get(line.id, ZERO)
        )
        plan.lines.append(change)
        if line.insats_id is not None:
            c = insats_changes.setdefault(line.insats.name, Change(line.insats.name, ZERO, ZERO))
            c.stored += change.stored
            c.new += change.new
    plan.insatser = list(insats_changes.values())
    stored_balances: dict[tuple[str, str], tuple[Decimal, str]] = {}
    if fiscal_year is not None:
        for b in fiscal_year.balance_lines.all():
            stored_balances[(b.item, b.label)] = (b.amount, b.account)
    for item, label in BalanceLine.ITEMS:
        stored = sum((a for (i, _), (a, _) in stored_balances.items() if i == item), ZERO)
        new = sum((a for (i, _, a, _) in plan.balances if i == item), ZERO)
        plan.items.append(Change(label, stored, new))
    stored_equity = fiscal_year.equity_opening if fiscal_year else None
    if plan.equity_opening is not None:
        plan.equity = Change("Ingående eget kapital", stored_equity or ZERO, plan.equity_opening)
    new_balances = {(i, label): (a, acc) for i, label, a, acc in plan.balances}
    plan.unchanged = (
        stored_months == plan.actuals
        and {k: v[0] for k, v in stored_balances.items()}
        == {k: v[0] for k, v in new_balances.items()}
        and (plan.equity_opening is None or plan.equity_opening == stored_equity)
        and fiscal_year is not None
    )


@transaction.atomic
def apply_import(
    *,
    association: Association,
    stream: IO[bytes],
    file_name: str,
    expected_year: int | None = None,
    by: Any = None,
) -> tuple[ImportPlan, LedgerImport | None]:
    """Import the file: outcome, balances and opening equity of its year, all or
    nothing. Returns the plan and the record (None when the file changed nothing).

    Imports of one association queue on its row, so the same file sent twice at once
    is applied once and the second finds nothing to change."""
    Association.objects.select_for_update(no_key=True).filter(pk=association.pk).first()
    plan = plan_import(
        association=association, stream=stream, file_name=file_name, expected_year=expected_year
    )
    if plan.unmapped:
        accounts = ", ".join(f"{u.account} {u.name}".strip() for u in plan.unmapped)
        raise ImportRefused(
            f"{file_name}: konton utan mappning: {accounts}. Ange vart de hör innan filen läses in."
        )
    if plan.unchanged:
        return plan, None
    fiscal_year = services.fiscal_year_ensure(association=association, year=plan.year)
    services.actuals_replace_year(fiscal_year=fiscal_year, amounts=plan.actuals, by=by)
    services.balance_lines_replace(fiscal_year=fiscal_year, rows=plan.balances, by=by)
    if plan.equity_opening is not None and plan.equity_opening != fiscal_year.equity_opening:
        services.year_end_save(
            fiscal_year=fiscal_year, data={"equity_opening": plan.equity_opening}, by=by
        )
    record = LedgerImport.objects.create(
        association=association,
        fiscal_year=fiscal_year,
        file_name=file_name[:255],
        sha256=plan.sha256,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
        changes=plan.summary(),
    )
    audit(
        association_id=association.id,
        user=by,
        action=AuditEntry.CREATE,
        obj=record,
        before=None,
        after=snapshot(record),
    )
    return plan, record


@transaction.atomic
def account_mapping_save(
    *,
    association: Association,
    account: str,
    line: BudgetLine | None = None,
    item: str = "",
    by: Any = None,
) -> AccountMapping:
    """Say where an account goes: a budget line or a balance item."""
    account = account.strip()
    if not account.isdigit():
        raise ServiceError(f"Kontonumret {account!r} ska bestå av siffror.")
    if (line is None) == (not item):
        raise ServiceError(f"Välj antingen en budgetpost eller en balanspost för konto {account}.")
    if line is not None and line.association_id != association.id:
        raise ServiceError("Budgetposten hör till ett annat förbund.")
    if item and item not in ITEM_LABELS:
        raise ServiceError(f"Okänd balanspost {item!r}.")
    mapping = (
        AccountMapping.objects.select_for_update()
        .filter(association=association, account=account)
        .first()
    )
    before = snapshot(mapping) if mapping else None
    if mapping is None:
        mapping = AccountMapping(association=association, account=account)
    mapping.line, mapping.item = line, item
    if before is not None and snapshot(mapping) == before:
        return mapping
    return save_recorded(mapping, association_id=association.id, by=by, before=before)
