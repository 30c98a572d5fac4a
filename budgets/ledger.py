"""The ledger import: an SIE 4 file read into a preview, then applied in one go.

`plan_import` parses and checks the file and compares what it would store with what
is stored (nothing is written); `apply_import` writes the plan in one transaction
and records the import. The same file twice is a no-op.

Per account the best source: the monthly figures from `#PSALDO` where the file has
them for that account (without objects), else from the verifications; the year total
from the same source. Each result account is checked against `#RES` and each balance
account against `#UB` (= `#IB` + the verifications' movements) where the file states
them; a disagreement refuses the file. Accounts go to budget lines and balance items
by the association's mapping, else by projekt object (dimension 6 = an insats's short
code), else by the default of the file's chart of accounts (`#KPTYP`).

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
    ImportJob,
    LedgerImport,
    SieUpload,
)
from budgets.sie import SieError, SieFile, Verification, is_balance_account, parse
from finsam.money import format_kronor
from finsam.services import ServiceError, delete_recorded, save_recorded, snapshot
from finsam.validators import normalize_orgnr
from members.models import Association

ZERO = Decimal(0)
# A queued import that has not ended after this long is given up by the next request
# to import the same file (its worker died or its queue was emptied).
PROJECT_DIMENSION = "6"
ITEM_LABELS = dict(BalanceLine.ITEMS)
EQUITY = "eget_kapital"
COST_GROUPS = (BudgetLine.ADMINISTRATION, BudgetLine.INSATS, BudgetLine.UNALLOCATED)
OPERATING_INCOME_GROUPS = (BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME)


class ImportRefused(ServiceError):
    """The file cannot be imported; the message names the line and the reason.
    `mismatches` lists the accounts whose figures disagree with the file's own
    `#RES`/`#UB`, for the preview."""

    def __init__(self, message: str, *, mismatches: list[Mismatch] | None = None):
        super().__init__(message)
        self.mismatches = mismatches or []


@dataclass
class Mismatch:
    account: str
    name: str
    tag: str  # "#RES" or "#UB"
    stated: Decimal  # what the file states
    computed: Decimal  # what its monthly figures or verifications add up to
    source: str  # where `computed` comes from, in Swedish


# --- the chart of accounts: defaults by account range ---------------------------------

KOMMUNBAS = "kommunbas"
BAS = "bas"

# Categories of result accounts; the cost categories are the line groups the issue
# of the mapping speaks of (personnel, purchased services, premises, other).
INCOME = "intakt"
PERSONNEL = "personal"
SERVICES = "tjanster"
PREMISES = "lokaler"
OTHER = "ovrigt"
FINANCIAL = "finansiellt"
TAX = "skatt"
APPROPRIATIONS = "bokslutsdispositioner"
YEAR_RESULT = "arets_resultat"

CATEGORY_LABELS = {
    INCOME: "intäkter",
    PERSONNEL: "personalkostnader",
    SERVICES: "köpta tjänster",
    PREMISES: "lokalkostnader",
    OTHER: "övriga kostnader",
    FINANCIAL: "finansiella poster",
    TAX: "skatt",
    APPROPRIATIONS: "bokslutsdispositioner",
    YEAR_RESULT: "årets resultat",
}
# Words in a budget line's name that mark it as the line for a cost category.
CATEGORY_WORDS = {
    PERSONNEL: ("personal", "lön", "arvode", "kansli"),
    PREMISES: ("lokal", "hyr"),
    SERVICES: ("köpt", "tjänst", "konsult"),
    OTHER: ("övrig", "administration", "verksamhet"),
}
STATE_WORDS = ("staten", "statligt", "statens", "försäkringskassa", "arbetsförmedling")


def _chart_family(kptyp: str) -> str:
    """Kommun-Bas or BAS (BAS 20xx, EUBAS97, BAS95 and a file without #KPTYP)."""
    return KOMMUNBAS if "KOMMUN" in kptyp.upper() else BAS


def _chart_label(kptyp: str) -> str:
    if not kptyp:
        return "BAS (filen anger ingen kontoplan)"
    return "Kommun-Bas" if _chart_family(kptyp) == KOMMUNBAS else f"BAS ({kptyp})"


def _result_category(account: str, family: str) -> tuple[str | None, str]:
    """The category of a result account (class 3–8) and the range it was read from;
    None for what no chart gives a default (class 9, internal accounts)."""
    two = int(account[:2]) if account[:2].isdigit() and len(account) >= 2 else 0
    first = two // 10
    if not 3 <= first <= 8:
        return None, f"klass {account[:1]}"
    if first == 3:
        return INCOME, "klass 3"
    if family == KOMMUNBAS:
        if first == 4:
            return SERVICES, "klass 4"
        if first == 5:
            return PERSONNEL, "klass 5"
        if 60 <= two <= 63:
            return PREMISES, "60–63"
        if first in (6, 7):
            return OTHER, "64–79"
        return FINANCIAL, "klass 8"
    if first == 4:
        return SERVICES, "klass 4"
    if two in (50, 51):
        return PREMISES, "50–51"
    if two in (65, 66, 67, 68):
        return SERVICES, "65–68"
    if 70 <= two <= 76:
        return PERSONNEL, "70–76"
    if first in (5, 6, 7):
        return OTHER, f"{two}"
    if account[:3] == "899":
        return YEAR_RESULT, "899"
    if two == 88:
        return APPROPRIATIONS, "88"
    if two == 89:
        return TAX, "89"
    return FINANCIAL, "80–87"


def default_item(account: str) -> str | None:
    """The balance item of a balance account by its class (Kommun-Bas and BAS alike)."""
    item, _ = _item_with_note(account)
    return item


def _item_with_note(account: str) -> tuple[str | None, str]:
    """The balance item of a balance account by its class, and a note when the
    statements have no line of its own for it (the nearest line is taken)."""
    two = account[:2]
    if two in ("15", "16", "17"):
        return BalanceLine.RECEIVABLES, ""
    if two == "18":
        return BalanceLine.PLACEMENTS, ""
    if two == "19":
        return BalanceLine.CASH, ""
    if two == "20":
        return EQUITY, ""
    if two == "22":
        return BalanceLine.PENSIONS, ""
    if two in ("24", "25", "26", "27", "28", "29"):
        return BalanceLine.LIABILITIES, ""
    if two in ("10", "11", "12", "13", "14"):
        return BalanceLine.RECEIVABLES, (
            "anläggningstillgångar och lager har ingen egen rad i förbundets "
            "balansräkning; förs till Fordringar"
        )
    if two == "21":
        return BalanceLine.PENSIONS, (
            "obeskattade reserver har ingen egen rad; förs till Avsättningar"
        )
    if two == "23":
        return BalanceLine.LIABILITIES, (
            "långfristiga skulder har ingen egen rad; förs till Kortfristiga skulder"
        )
    return None, ""


# --- the plan ---------------------------------------------------------------------------


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
class AccountRow:
    """One account of the file: where it goes, why, and the figure it brings."""

    account: str
    name: str
    amount: Decimal  # the year's total (result) or closing balance (balance), SIE sign
    balance: bool
    target: str  # the line's or item's name; "" when unmapped
    how: str  # "förbundets mappning", "standard för Kommun-Bas klass 5 (…)", …
    choice: str  # the dropdown's value: "line:<id>" / "item:<key>" / ""
    note: str = ""
    source: str = ""  # "#PSALDO" or "verifikationer" (result accounts)
    changeable: bool = True


@dataclass
class Preview:
    """The statements as they will be after the import."""

    income: Decimal
    costs: Decimal
    financial_income: Decimal
    financial_costs: Decimal
    result: Decimal
    assets: Decimal
    equity: Decimal
    other_side: Decimal  # equity, provisions and liabilities


@dataclass
class ImportPlan:
    association: Association
    year: int
    file_name: str
    sha256: str
    company_name: str
    verification_count: int
    transaction_count: int = 0
    encoding: str = ""
    chart: str = ""
    actuals: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    balances: list[tuple[str, str, Decimal, str]] = field(default_factory=list)
    equity_opening: Decimal | None = None
    unmapped: list[Unmapped] = field(default_factory=list)
    mapping: list[AccountRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    preview: Preview | None = None
    lines: list[Change] = field(default_factory=list)
    insatser: list[Change] = field(default_factory=list)
    items: list[Change] = field(default_factory=list)
    equity: Change | None = None
    unchanged: bool = False

    @property
    def can_apply(self) -> bool:
        return not self.unmapped and not self.unchanged

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.findings)

    def summary(self) -> dict[str, Any]:
        return {
            "ar": self.year,
            "utfall": {c.label: [str(c.stored), str(c.new)] for c in self.lines if c.changed},
            "balanser": {c.label: [str(c.stored), str(c.new)] for c in self.items if c.changed},
            "ingaende_eget_kapital": [str(self.equity.stored), str(self.equity.new)]
            if self.equity and self.equity.changed
            else None,
            "teckenkodning": self.encoding,
            "kontoplan": self.chart,
            "iakttagelser": list(self.findings),
        }


class _Targets:
    """Where each account (and projekt object) goes: the association's mapping, its
    insatser's short codes, else the default of the chart of accounts."""

    def __init__(self, association: Association, sie: SieFile):
        self.lines = {
            line.id: line
            for line in BudgetLine.objects.filter(association=association).select_related(
                "insats", "member"
            )
        }
        self.mapping = {
            m.account: m for m in AccountMapping.objects.filter(association=association)
        }
        ordered = sorted(self.lines.values(), key=lambda x: (x.retired, x.sort_order, x.id))
        self.active = [x for x in ordered if not x.retired]
        by_insats: dict[str, list[BudgetLine]] = defaultdict(list)
        for line in ordered:
            if line.insats_id is not None:
                by_insats[line.insats.code].append(line)
        self.by_code = {code: lines[0] for code, lines in by_insats.items()}
        self.financial = {}
        for group in (BudgetLine.FINANCIAL_INCOME, BudgetLine.FINANCIAL_COST):
            candidates = [x for x in self.active if x.group == group] or [
                x for x in ordered if x.group == group
            ]
            if candidates:
                self.financial[group] = candidates[0]
        self.account_types = sie.account_types
        self.names = sie.accounts
        self.family = _chart_family(sie.chart)
        self.chart_name = "Kommun-Bas" if self.family == KOMMUNBAS else "BAS"
        self._defaults: dict[str, tuple[BudgetLine | None, str, str]] = {}

    # result accounts

    def line(self, account: str, project: str | None, total: Decimal) -> BudgetLine | None:
        if project and project in self.by_code:
            return self.by_code[project]
        return self.account_line(account, total)[0]

    def account_line(self, account: str, total: Decimal) -> tuple[BudgetLine | None, str, str]:
        """(line, how, note) for an account's figures without a projekt object."""
        mapped = self.mapping.get(account)
        if mapped is not None and mapped.line_id and mapped.line_id in self.lines:
            return self.lines[mapped.line_id], "förbundets mappning", ""
        if account not in self._defaults:
            self._defaults[account] = self._default_line(account, total)
        return self._defaults[account]

    def _default_line(self, account: str, total: Decimal) -> tuple[BudgetLine | None, str, str]:
        category, span = _result_category(account, self.family)
        if category is None:
            return None, f"ingen standard för {span}", ""
        how = f"standard för {self.chart_name} {span} ({CATEGORY_LABELS[category]})"
        name = self.names.get(account, "").lower()
        if category == YEAR_RESULT:
            return (
                None,
                how,
                (
                    "bokslutspost som för över årets resultat till eget kapital; räknas inte "
                    "som intäkt eller kostnad"
                ),
            )
        if category == INCOME:
            return self._income_line(name), how, ""
        if category in CATEGORY_WORDS:
            return self._cost_line(category), how, ""
        kind = self.account_types.get(account)
        income = kind == "I" if kind in ("I", "K") else total < 0
        line = self.financial.get(
            BudgetLine.FINANCIAL_INCOME if income else BudgetLine.FINANCIAL_COST
        )
        if line is None:
            line = self.financial.get(BudgetLine.FINANCIAL_COST) or self.financial.get(
                BudgetLine.FINANCIAL_INCOME
            )
        note = ""
        if category in (TAX, APPROPRIATIONS) and line is not None:
            note = (
                f"{CATEGORY_LABELS[category]} har ingen egen rad i förbundets "
                f"resultaträkning; förs till närmaste rad, {line.name}"
            )
        return line, how, note

    def _income_line(self, name: str) -> BudgetLine | None:
        income = [x for x in self.active if x.group in OPERATING_INCOME_GROUPS]
        if any(word in name for word in STATE_WORDS):
            for line in income:
                if line.state:
                    return line
        for line in income:
            if line.group != BudgetLine.CONTRIBUTION:
                continue
            names = [line.name.lower()]
            if line.member_id is not None:
                names.append(line.member.name.lower())
            if any(n and n in name for n in names):
                return line
        others = [x for x in income if x.group == BudgetLine.OTHER_INCOME]
        return (others or income or [None])[0]

    def _cost_line(self, category: str) -> BudgetLine | None:
        costs = [x for x in self.active if x.group in COST_GROUPS]
        free = [x for x in costs if x.insats_id is None]
        words = CATEGORY_WORDS[category]
        for line in free:
            if any(word in line.name.lower() for word in words):
                return line
        admin = [x for x in free if x.group == BudgetLine.ADMINISTRATION]
        return (admin or free or costs or [None])[0]

    def guess(self, account: str) -> str:
        """The dropdown's preselection for an account without a target: by its class
        (a cost account never preselects an income line)."""
        if is_balance_account(account):
            item = default_item(account)
            return f"item:{item}" if item and item != EQUITY else ""
        category, _ = _result_category(account, self.family)
        if category == INCOME:
            groups: tuple[str, ...] = OPERATING_INCOME_GROUPS
        elif category in CATEGORY_WORDS or category is None:
            groups = COST_GROUPS
        else:
            groups = (BudgetLine.FINANCIAL_COST, BudgetLine.FINANCIAL_INCOME)
        for line in self.active:
            if line.group in groups:
                return f"line:{line.id}"
        return ""

    # balance accounts

    def item(self, account: str) -> tuple[str | None, str, str]:
        """(item, how, note) of a balance account."""
        mapped = self.mapping.get(account)
        if mapped is not None and mapped.item:
            return mapped.item, "förbundets mappning", ""
        item, note = _item_with_note(account)
        return item, f"standard för {self.chart_name} {account[:2]}", note


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


def _month(period: str, year: int, file_name: str) -> int:
    if not (len(period) == 6 and period.isdigit()):
        raise ImportRefused(f"{file_name}: #PSALDO har perioden {period!r}; den ska vara ÅÅÅÅMM.")
    month = int(period[4:])
    if int(period[:4]) != year or not 1 <= month <= 12:
        raise ImportRefused(
            f"{file_name}: perioden {period} ligger utanför räkenskapsåret {year}."
        )
    return month


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
    # Result accounts per account, projekt object and month; balance accounts per account.
    ver_moves: dict[tuple[str, str | None, int], Decimal] = defaultdict(lambda: ZERO)
    balance_moves: dict[str, Decimal] = defaultdict(lambda: ZERO)
    earliest: list[Verification] = []
    latest: list[Verification] = []

    def on_verification(ver: Verification) -> None:
        # Only the earliest and latest verification are kept, for the date check.
        if not earliest or ver.date < earliest[0].date:
            earliest[:] = [ver]
        if not latest or ver.date > latest[0].date:
            latest[:] = [ver]
        month = ver.date.month
        for t in ver.transactions:
            if t.account[:1] in ("1", "2"):
                balance_moves[t.account] += t.amount
            else:
                project = None
                for dim, code in t.objects:
                    if dim == PROJECT_DIMENSION:
                        project = code
                        break
                ver_moves[(t.account, project, month)] += t.amount

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

    # Per account the best source: #PSALDO where the file has it for the account
    # (without objects), else the verifications.
    periods = [p for p in sie.period_balances if p[0] == 0 and not is_balance_account(p[2])]
    from_psaldo = {account for _, _, account, objects, _ in periods if not objects}
    movements: dict[tuple[str, str | None, int], Decimal] = defaultdict(lambda: ZERO)
    for key, amount in ver_moves.items():
        if key[0] not in from_psaldo:
            movements[key] += amount
    totals: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    in_projects: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for _, period, account, objects, amount in periods:
        if account not in from_psaldo:
            continue
        month = _month(period, year, file_name)
        if not objects:
            totals[(account, month)] += amount
        elif (project := _project(objects)) is not None and len(objects) == 1:
            movements[(account, project, month)] += amount
            in_projects[(account, month)] += amount
    for (account, month), total in totals.items():
        movements[(account, None, month)] += total - in_projects[(account, month)]
    per_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account, _, _), amount in movements.items():
        per_account[account] += amount

    def source(account: str) -> str:
        return "#PSALDO" if account in from_psaldo else "verifikationerna"

    # Cross-checks against the file's own #RES and #UB.
    mismatches: list[Mismatch] = []
    for (year_no, account), stated in sorted(sie.results.items()):
        if year_no == 0 and not is_balance_account(account):
            computed = per_account.get(account, ZERO)
            if computed != stated:
                mismatches.append(
                    Mismatch(
                        account,
                        sie.accounts.get(account, ""),
                        "#RES",
                        stated,
                        computed,
                        source(account),
                    )
                )
    closing: dict[str, Decimal] = {}
    for (year_no, account), amount in sie.closing.items():
        if year_no == 0:
            closing[account] = amount
    if sie.verification_count:
        opening0 = {a: v for (y, a), v in sie.opening.items() if y == 0}
        for account in sorted(set(closing) | set(balance_moves) | set(opening0)):
            computed = opening0.get(account, ZERO) + balance_moves.get(account, ZERO)
            if account not in closing:
                closing[account] = computed
            elif closing[account] != computed:
                mismatches.append(
                    Mismatch(
                        account,
                        sie.accounts.get(account, ""),
                        "#UB",
                        closing[account],
                        computed,
                        "#IB + verifikationerna",
                    )
                )
    if mismatches:
        listed = "; ".join(
            f"konto {m.account}: {m.tag} {format_kronor(m.stated)}, {m.source} "
            f"{format_kronor(m.computed)}"
            for m in mismatches[:5]
        )
        more = f" och {len(mismatches) - 5} konton till" if len(mismatches) > 5 else ""
        raise ImportRefused(
            f"{file_name}: filens egna summor stämmer inte för {len(mismatches)} konton "
            f"({listed}{more}). Filen är felaktig; exportera den på nytt från ekonomisystemet.",
            mismatches=mismatches,
        )

    plan = ImportPlan(
        association=association,
        year=year,
        file_name=file_name,
        sha256=sha256,
        company_name=sie.company_name,
        verification_count=sie.verification_count,
        transaction_count=sie.transaction_count,
        encoding=sie.encoding_label,
        chart=_chart_label(sie.chart),
    )
    plan.warnings = list(sie.warnings)
    if sie.warning_count > len(sie.warnings):
        plan.warnings.append(f"… och {sie.warning_count - len(sie.warnings)} varningar till.")
    targets = _Targets(association, sie)

    # Outcome per line and month.
    unmapped: dict[str, Decimal] = defaultdict(lambda: ZERO)
    skipped: set[str] = set()
    for (account, project, month), amount in sorted(
        movements.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
    ):
        if amount == 0:
            continue
        if _result_category(account, targets.family)[0] == YEAR_RESULT and (
            account not in targets.mapping
        ):
            skipped.add(account)
            continue
        line = targets.line(account, project, per_account[account])
        if line is None:
            unmapped[account] += amount
            continue
        value = -amount if line.is_income else amount
        key = (line.id, month)
        plan.actuals[key] = plan.actuals.get(key, ZERO) + value
    plan.actuals = {k: v for k, v in plan.actuals.items() if v != 0}
    for account, amount in sorted(unmapped.items()):
        if amount != 0:
            plan.unmapped.append(Unmapped(account, sie.accounts.get(account, ""), amount, False))
    for account in sorted(per_account):
        total = per_account[account]
        if total == 0 and account not in sie.accounts:
            continue
        line, how, note = targets.account_line(account, total)
        if account in skipped:
            line = None
        plan.mapping.append(
            AccountRow(
                account=account,
                name=sie.accounts.get(account, ""),
                amount=total,
                balance=False,
                target=line.name if line else "",
                how=how,
                choice=f"line:{line.id}" if line else targets.guess(account),
                note=note,
                source=source(account),
            )
        )
        if note:
            plan.notes.append(f"Konto {account} {sie.accounts.get(account, '')}: {note}.")

    # Balances at the end of the year, and the opening equity.
    equity_opening = ZERO
    has_equity = False
    for (year_no, account), amount in sorted(sie.opening.items()):
        if year_no == 0 and targets.item(account)[0] == EQUITY:
            equity_opening -= amount
            has_equity = True
    plan.equity_opening = equity_opening if has_equity else None
    labels: set[tuple[str, str]] = set()
    for account, amount in sorted(closing.items()):
        item, how, note = targets.item(account)
        name = sie.accounts.get(account, "")
        if item == EQUITY:
            plan.mapping.append(
                AccountRow(
                    account,
                    name,
                    amount,
                    True,
                    "Eget kapital (ingående från #IB)",
                    how,
                    "",
                    changeable=False,
                )
            )
            continue
        if amount == 0 and account not in sie.accounts:
            continue
        plan.mapping.append(
            AccountRow(
                account,
                name,
                amount,
                True,
                ITEM_LABELS.get(item, "") if item else "",
                how,
                f"item:{item}" if item else targets.guess(account),
                note,
            )
        )
        if note and amount != 0:
            plan.notes.append(f"Konto {account} {name}: {note}.")
        if amount == 0:
            continue
        if item is None:
            plan.unmapped.append(Unmapped(account, name, amount, True))
            continue
        value = amount if account.startswith("1") else -amount
        label = name or f"Konto {account}"
        if (item, label) in labels:
            label = f"{label} ({account})"
        labels.add((item, label))
        plan.balances.append((item, label, value, account))
    plan.mapping.sort(key=lambda row: row.account)

    _compare(plan, targets, fiscal_year)
    _preview(plan, targets, fiscal_year, sie)
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


def _preview(
    plan: ImportPlan, targets: _Targets, fiscal_year: FiscalYear | None, sie: SieFile
) -> None:
    """The statements as they will be after the import, and what in them is wrong
    (a finding asks for a confirmation before anything is saved)."""
    from reporting.selectors import year_statements
    from reporting.statements import Balances, YearFigures, balance_sheet

    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (line_id, _), amount in plan.actuals.items():
        sums[targets.lines[line_id].group] += amount
    items: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item, _, amount, _ in plan.balances:
        items[item] += amount
    balances = Balances(
        receivables=items[BalanceLine.RECEIVABLES],
        short_term_placements=items[BalanceLine.PLACEMENTS],
        cash_and_bank=items[BalanceLine.CASH],
        pension_provisions=items[BalanceLine.PENSIONS],
        short_term_liabilities=items[BalanceLine.LIABILITIES],
    )
    before = year_statements(association=plan.association, year=plan.year - 1)
    # Last year's closing equity, where last year's own opening equity is known.
    known = before.fiscal_year is not None and before.fiscal_year.equity_opening is not None
    closing_before = before.balance.eget_kapital if before.balance and known else None
    findings: list[str] = []
    if plan.equity_opening is not None:
        equity_opening = plan.equity_opening
    elif fiscal_year is not None and fiscal_year.equity_opening is not None:
        equity_opening = fiscal_year.equity_opening
    elif closing_before is not None:
        equity_opening = closing_before
    else:
        equity_opening = ZERO
        findings.append(
            f"Ingående eget kapital för {plan.year} saknas: filen har inget #IB för eget "
            "kapital och inget är lagrat."
        )
    if closing_before is not None and equity_opening != closing_before:
        findings.append(
            f"Ingående eget kapital {plan.year} ({format_kronor(equity_opening)}) är inte "
            f"det lagrade utgående egna kapitalet för {plan.year - 1} "
            f"({format_kronor(closing_before)})."
        )
    if before.balance is not None and before.figures is not None:
        opening_items: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for (year_no, account), amount in sie.opening.items():
            item = targets.item(account)[0]
            if year_no == 0 and item and item != EQUITY:
                opening_items[item] += amount if account.startswith("1") else -amount
        stored = {
            BalanceLine.RECEIVABLES: before.balance.fordringar,
            BalanceLine.PLACEMENTS: before.balance.kortfristiga_placeringar,
            BalanceLine.CASH: before.balance.kassa_och_bank,
            BalanceLine.PENSIONS: before.balance.avsattningar_pensioner,
            BalanceLine.LIABILITIES: before.balance.kortfristiga_skulder,
        }
        if opening_items:
            for item, label in BalanceLine.ITEMS:
                if opening_items[item] != stored[item]:
                    findings.append(
                        f"Ingående balans för {label} enligt filen "
                        f"({format_kronor(opening_items[item])}) är inte det lagrade utgående "
                        f"värdet för {plan.year - 1} ({format_kronor(stored[item])})."
                    )
    figures = YearFigures(
        year=plan.year,
        income=sums[BudgetLine.CONTRIBUTION] + sums[BudgetLine.OTHER_INCOME],
        costs=sum((sums[g] for g in COST_GROUPS), ZERO),
        financial_income=sums[BudgetLine.FINANCIAL_INCOME],
        financial_costs=sums[BudgetLine.FINANCIAL_COST],
        balances=balances,
        equity_opening=equity_opening,
        capital_contribution=fiscal_year.capital_contribution if fiscal_year else ZERO,
    )
    sheet = balance_sheet(figures)
    findings.extend(sheet.findings)
    plan.preview = Preview(
        income=figures.income,
        costs=figures.costs,
        financial_income=figures.financial_income,
        financial_costs=figures.financial_costs,
        result=sheet.arets_resultat,
        assets=sheet.summa_tillgangar,
        equity=sheet.eget_kapital,
        other_side=sheet.summa_eget_kapital_avsattningar_och_skulder,
    )
    plan.findings = findings


@transaction.atomic
def apply_import(
    *,
    association: Association,
    stream: IO[bytes],
    file_name: str,
    expected_year: int | None = None,
    confirm: bool = False,
    by: Any = None,
) -> tuple[ImportPlan, LedgerImport | None]:
    """Import the file: outcome, balances and opening equity of its year, all or
    nothing, written in bulk with one audit entry for the import. A plan with
    findings is applied only with `confirm`. Returns the plan and the record (None
    when the file changed nothing).

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
    if plan.needs_confirmation and not confirm:
        raise ImportRefused(
            f"{file_name}: förhandsgranskningen har iakttagelser som måste bekräftas innan "
            "filen läses in: " + " ".join(plan.findings)
        )
    services.fiscal_year_ensure(association=association, year=plan.year)
    try:
        fiscal_year = services.lock_open_year(association, plan.year)
    except ServiceError as exc:
        raise ImportRefused(exc.message) from exc
    assert fiscal_year is not None
    counts = {
        f"{what} {kind}": n
        for what, changed in (
            ("utfallsrader", _replace_actuals(association, plan)),
            ("balansrader", _replace_balances(fiscal_year, plan)),
        )
        for kind, n in changed.items()
    }
    if plan.equity_opening is not None and plan.equity_opening != fiscal_year.equity_opening:
        fiscal_year.equity_opening = plan.equity_opening
        fiscal_year.version += 1
        fiscal_year.save(update_fields=["equity_opening", "version"])
    record = LedgerImport(
        association=association,
        fiscal_year=fiscal_year,
        file_name=file_name[:255],
        sha256=plan.sha256,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
        changes=plan.summary(),
    )
    save_recorded(
        record,
        association_id=association.id,
        by=by,
        before=None,
        note={
            "fil": file_name,
            "sha256": plan.sha256,
            "verifikationer": plan.verification_count,
            "transaktioner": plan.transaction_count,
            "rader": counts,
            "ingaende_eget_kapital": str(plan.equity_opening)
            if plan.equity_opening is not None
            else None,
            "bekraftad": bool(plan.findings),
        },
    )
    return plan, record


def _replace_actuals(association: Association, plan: ImportPlan) -> dict[str, int]:
    """The year's outcome becomes the plan's, in a fixed number of queries."""
    existing = {
        (a.line_id, a.month): a
        for a in Actual.objects.select_for_update().filter(
            line__association=association, year=plan.year
        )
    }
    gone = [a.pk for key, a in existing.items() if key not in plan.actuals]
    changed = []
    for key, amount in plan.actuals.items():
        actual = existing.get(key)
        if actual is not None and actual.amount != amount:
            actual.amount = amount
            actual.version += 1
            changed.append(actual)
    new = [
        Actual(line_id=line_id, year=plan.year, month=month, amount=amount)
        for (line_id, month), amount in sorted(plan.actuals.items())
        if (line_id, month) not in existing
    ]
    if gone:
        Actual.objects.filter(pk__in=gone).delete()
    if changed:
        Actual.objects.bulk_update(changed, ["amount", "version"], batch_size=1000)
    if new:
        Actual.objects.bulk_create(new, batch_size=1000)
    return {"nya": len(new), "ändrade": len(changed), "borttagna": len(gone)}


def _replace_balances(fiscal_year: FiscalYear, plan: ImportPlan) -> dict[str, int]:
    """The year's balance specifications become the plan's, in bulk."""
    existing = {
        (b.item, b.label): b
        for b in BalanceLine.objects.select_for_update().filter(fiscal_year=fiscal_year)
    }
    wanted = {
        (item, label): (amount, account, order * 10)
        for order, (item, label, amount, account) in enumerate(plan.balances, 1)
    }
    gone = [b.pk for key, b in existing.items() if key not in wanted]
    changed = []
    new = []
    for (item, label), (amount, account, order) in wanted.items():
        line = existing.get((item, label))
        if line is None:
            new.append(
                BalanceLine(
                    fiscal_year=fiscal_year,
                    item=item,
                    label=label[:200],
                    amount=amount,
                    account=account,
                    sort_order=order,
                )
            )
        elif (line.amount, line.account, line.sort_order) != (amount, account, order):
            line.amount, line.account, line.sort_order = amount, account, order
            line.version += 1
            changed.append(line)
    if gone:
        BalanceLine.objects.filter(pk__in=gone).delete()
    if changed:
        BalanceLine.objects.bulk_update(
            changed, ["amount", "account", "sort_order", "version"], batch_size=1000
        )
    if new:
        BalanceLine.objects.bulk_create(new, batch_size=1000)
    return {"nya": len(new), "ändrade": len(changed), "borttagna": len(gone)}


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


@transaction.atomic
def upload_store(
    *, association: Association, year: int, file_name: str, content: bytes, by: Any = None
) -> SieUpload:
    """Keep an uploaded file for its preview; recorded, with its SHA-256."""
    upload = SieUpload(
        association=association,
        year=year,
        file_name=file_name[:255],
        content=content,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return save_recorded(upload, association_id=association.id, by=by, before=None)


@transaction.atomic
def upload_discard(*, upload: SieUpload, by: Any = None) -> None:
    """Throw away a previewed file (after its import, or unused); recorded."""
    delete_recorded(upload, association_id=upload.association_id, by=by)


@transaction.atomic
def import_job_queue(*, upload: SieUpload, confirm: bool = False, by: Any = None) -> ImportJob:
    """Queue the import of a previewed file for the background worker; recorded.

    The task is queued in the same transaction as the job, so a job is never left
    without its task. A file already on its way is not queued twice (a second click
    on "Läs in filen" follows the first job)."""
    SieUpload.objects.select_for_update().filter(pk=upload.pk).first()
    from budgets import import_jobs

    unfinished = ImportJob.objects.filter(upload=upload).exclude(status__in=ImportJob.FINISHED)
    # A job whose worker died, or whose task was lost, ends here with what the
    # database holds (import_jobs.settle); one still being worked on, or found to
    # have been saved after all, is followed.
    for job in unfinished.order_by("-pk"):
        settled = import_jobs.settle(job)
        if not settled.is_finished or settled.status == ImportJob.DONE:
            return settled
    job = save_recorded(
        ImportJob(
            association_id=upload.association_id,
            upload=upload,
            year=upload.year,
            file_name=upload.file_name,
            confirm=confirm,
            requested_by=by if getattr(by, "is_authenticated", False) else None,
        ),
        association_id=upload.association_id,
        by=by,
        before=None,
    )
    from budgets.tasks import run_import

    result = run_import.enqueue(import_job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job
