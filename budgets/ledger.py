"""The ledger import: an SIE 4 file read into a preview, then applied in one go.

The import is five stages, each a small function with its own tests:

1. **read** (`sie_reconcile.read_file`, `check_year`, `check_orgnr`): the file parsed
   once, streaming, tied to a calendar year and to the association;
2. **reconcile** (`sie_reconcile.reconcile`): per account the best source (#PSALDO,
   else the verifications) checked against the file's own #RES and #UB;
3. **map** (`map_results`, `map_balances` with the four rules of `sie_mapping`);
4. **preview** (`_compare`, `_preview`): what the import changes and the statements
   as they will be, with the findings a person confirms;
5. **apply** (`apply_import`): the plan written in bulk in one transaction and
   recorded once. The same file twice is a no-op.

Signs: SIE has debit positive (assets, costs) and credit negative (income, equity,
liabilities); stored figures are positive for what the line or balance item is.
"""

from __future__ import annotations

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
    ProjectMapping,
    SieUpload,
)
from budgets.sie import SieFile, is_balance_account
from budgets.sie_chart import EQUITY, chart_label, default_item, item_with_note
from budgets.sie_mapping import CLASS, GROUP_LABELS, Decision, Mapper
from budgets.sie_reconcile import (
    ImportRefused,
    LedgerRead,
    Mismatch,
    Reconciled,
    check_orgnr,
    check_year,
    read_file,
    reconcile,
)
from finsam.money import format_kronor
from finsam.services import ServiceError, delete_recorded, save_recorded, snapshot
from members.models import Association

ZERO = Decimal(0)
ITEM_LABELS = dict(BalanceLine.ITEMS)
COST_GROUPS = (BudgetLine.ADMINISTRATION, BudgetLine.INSATS, BudgetLine.UNALLOCATED)
OPERATING_INCOME_GROUPS = (BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME)
# The old private name, for readers of the chart's defaults.
_item_with_note = item_with_note

__all__ = ["ImportRefused", "Mismatch", "default_item"]


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
    """One account of the file (or one of its projekt objects): where it goes, by
    which rule and why, and the figure it brings."""

    account: str
    name: str
    amount: Decimal  # the year's total (result) or closing balance (balance), SIE sign
    balance: bool
    target: str  # the line's or item's name; "" when unmapped
    how: str  # "regel 1: förbundets mappning", "regel 4: Kommun-Bas 45–46 …", …
    choice: str  # the dropdown's value: "line:<id>" / "item:<key>" / ""
    note: str = ""
    source: str = ""  # "#PSALDO" or "verifikationer" (result accounts)
    changeable: bool = True
    project: str = ""  # the projekt object (dimension 6) the row is for
    project_name: str = ""
    rule: int = 0
    missing: str = ""  # the "ej fördelat" line rule 4 wants and the association lacks
    missing_group: str = ""
    parts: list[tuple[str, Decimal]] = field(default_factory=list)  # a split, per line

    @property
    def missing_group_label(self) -> str:
        return GROUP_LABELS.get(self.missing_group, "")


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
    contributions: Decimal = ZERO


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
    first_year: bool = False
    actuals: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    balances: list[tuple[str, str, Decimal, str]] = field(default_factory=list)
    equity_opening: Decimal | None = None
    opening_items: dict[str, Decimal] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    mapping: list[AccountRow] = field(default_factory=list)
    remember: dict[str, tuple[BudgetLine, str]] = field(default_factory=dict)
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


def plan_import(
    *,
    association: Association,
    stream: IO[bytes],
    file_name: str,
    expected_year: int | None = None,
) -> ImportPlan:
    """Read and check an SIE 4 file and preview what importing it would change.

    Raises ImportRefused (nothing is stored either way)."""
    read = read_file(stream, file_name)
    year = check_year(read, expected_year)
    orgnr_finding = check_orgnr(read, association)
    fiscal_year = FiscalYear.objects.filter(association=association, year=year).first()
    if fiscal_year is not None and fiscal_year.is_closed:
        raise ImportRefused(
            f"{file_name}: räkenskapsåret {year} är stängt ({fiscal_year.closed_on}) och kan "
            "inte ändras."
        )
    reconciled = reconcile(read, year)
    plan = _new_plan(association, read, year)
    mapper = Mapper(association, read.sie, year)
    map_results(plan, reconciled, mapper)
    map_balances(plan, reconciled, mapper, read.sie)
    _compare(plan, mapper, fiscal_year)
    mapping_findings = plan.findings
    _preview(plan, mapper, fiscal_year, read.sie)
    plan.findings = [
        *([orgnr_finding] if orgnr_finding else []),
        *mapping_findings,
        *plan.findings,
    ]
    return plan


def _new_plan(association: Association, read: LedgerRead, year: int) -> ImportPlan:
    sie = read.sie
    founded = association.founded
    plan = ImportPlan(
        association=association,
        year=year,
        file_name=read.file_name,
        sha256=read.sha256,
        company_name=sie.company_name,
        verification_count=sie.verification_count,
        transaction_count=sie.transaction_count,
        encoding=sie.encoding_label,
        chart=chart_label(sie.chart),
        first_year=founded is not None and founded.year == year,
    )
    plan.warnings = list(sie.warnings)
    if sie.warning_count > len(sie.warnings):
        plan.warnings.append(f"… och {sie.warning_count - len(sie.warnings)} varningar till.")
    return plan


# --- the map stage ----------------------------------------------------------------------


@dataclass
class _ResultTotals:
    """What the map stage sums per account and projekt object while it books."""

    amounts: dict[tuple[str, str | None], Decimal] = field(
        default_factory=lambda: defaultdict(lambda: ZERO)
    )
    parts: dict[tuple[str, str | None], dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: ZERO))
    )
    unmapped: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))


def map_results(plan: ImportPlan, reconciled: Reconciled, mapper: Mapper) -> None:
    """Book each result account's monthly figures on lines by the four rules."""
    totals = _ResultTotals()
    actuals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    ordered = sorted(
        reconciled.movements.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
    )
    for (account, project, month), amount in ordered:
        if amount == 0:
            continue
        totals.amounts[(account, project)] += amount
        decision = mapper.result(account, project, reconciled.per_account[account])
        if decision is None:
            continue  # the closing entry that moves the result to equity
        shares = decision.shares(amount)
        if not shares:
            totals.unmapped[account] += amount
        for line, part in shares:
            actuals[(line.id, month)] += -part if line.is_income else part
            if decision.split:
                totals.parts[(account, project)][line.name] += -part
    plan.actuals = {k: v for k, v in actuals.items() if v != 0}
    for account, amount in sorted(totals.unmapped.items()):
        if amount != 0:
            name = mapper.names.get(account, "")
            plan.unmapped.append(Unmapped(account, name, amount, False))
    _result_rows(plan, reconciled, mapper, totals)


def _result_rows(
    plan: ImportPlan, reconciled: Reconciled, mapper: Mapper, totals: _ResultTotals
) -> None:
    """One row per account, and per projekt object where the account has them."""
    objects: dict[str, list[str]] = defaultdict(list)
    for account, project in totals.amounts:
        if project is not None:
            objects[account].append(project)
    for account in sorted(reconciled.per_account):
        total = reconciled.per_account[account]
        if total == 0 and account not in mapper.names:
            continue
        own = total - sum((totals.amounts[(account, p)] for p in objects[account]), ZERO)
        keys = [(account, p) for p in sorted(objects[account])]
        if own != 0 or not keys:
            keys.insert(0, (account, None))
        for key in keys:
            amount = own if key[1] is None else totals.amounts[key]
            decision = mapper.result(account, key[1], total)
            row = _result_row(key, amount, decision, mapper, reconciled)
            row.parts = sorted(totals.parts.get(key, {}).items())
            plan.mapping.append(row)
            _record_decision(plan, row, decision)


_YEAR_RESULT_NOTE = (
    "bokslutspost som för över årets resultat till eget kapital; räknas inte som intäkt "
    "eller kostnad"
)


def _result_row(
    key: tuple[str, str | None],
    amount: Decimal,
    decision: Decision | None,
    mapper: Mapper,
    reconciled: Reconciled,
) -> AccountRow:
    account, project = key
    row = AccountRow(
        account=account,
        name=mapper.names.get(account, ""),
        amount=amount,
        balance=False,
        target="",
        how="bokslutspost (899x), räknas inte",
        choice="",
        note=_YEAR_RESULT_NOTE,
        source=reconciled.source(account),
        project=project or "",
        project_name=mapper.object_names.get(project or "", ""),
    )
    if decision is not None:
        row.target, row.how, row.note, row.rule = (
            decision.target,
            decision.how,
            decision.note,
            decision.rule,
        )
        row.choice = f"line:{decision.line.id}" if decision.line else mapper.guess(decision, False)
        row.missing, row.missing_group = decision.missing, decision.group
    return row


def _record_decision(plan: ImportPlan, row: AccountRow, decision: Decision | None) -> None:
    """Notes, the proposals to remember and the findings a row's decision brings."""
    what = f"Konto {row.account} {row.name}".strip()
    if row.project:
        what += f", projekt {row.project}" + (f" ”{row.project_name}”" if row.project_name else "")
    if row.note:
        plan.notes.append(f"{what}: {row.note}.")
    if decision is None or row.amount == 0:
        return
    if decision.remember and decision.line is not None:
        plan.remember[decision.remember] = (decision.line, row.project_name)
    if decision.split:
        parts = "; ".join(f"{name} {format_kronor(value, 2)}" for name, value in row.parts)
        plan.findings.append(
            f"{what} ({format_kronor(-row.amount, 2)}) är medlemsbidrag från flera "
            f"kommuner och delas efter {plan.year} års beslutade fördelning, på öret: {parts}."
        )
    elif decision.rule == CLASS and decision.line is not None:
        plan.findings.append(
            f"{what}: {format_kronor(row.amount, 2)} hamnar på {decision.line.name} "
            "(regel 4, ej fördelat). Välj en rad i mappningen, eller bekräfta."
        )
    elif decision.missing:
        plan.notes.append(
            f"{what}: raden {decision.missing} finns inte. Skapa den i mappningen nedan "
            "eller välj en annan rad."
        )


def map_balances(plan: ImportPlan, reconciled: Reconciled, mapper: Mapper, sie: SieFile) -> None:
    """Each balance account's closing balance to its item, and the opening equity."""
    equity_opening, has_equity = ZERO, False
    for (year_no, account), amount in sorted(sie.opening.items()):
        item = mapper.item(account)[0]
        if year_no != 0 or item is None:
            continue
        if item == EQUITY:
            equity_opening, has_equity = equity_opening - amount, True
        else:
            value = amount if account.startswith("1") else -amount
            plan.opening_items[item] = plan.opening_items.get(item, ZERO) + value
    plan.equity_opening = equity_opening if has_equity else None
    labels: set[tuple[str, str]] = set()
    for account, amount in sorted(reconciled.closing.items()):
        item, how, note = mapper.item(account)
        name = sie.accounts.get(account, "")
        if item == EQUITY:
            target = "Eget kapital (ingående från #IB)"
            plan.mapping.append(
                AccountRow(account, name, amount, True, target, how, "", changeable=False, rule=4)
            )
            continue
        if amount == 0 and account not in sie.accounts:
            continue
        target = ITEM_LABELS.get(item, "") if item else ""
        rule = 1 if how.startswith("regel 1") else 4
        plan.mapping.append(
            AccountRow(
                account,
                name,
                amount,
                True,
                target,
                how,
                f"item:{item}" if item else "",
                note,
                rule=rule,
            )
        )
        if note and amount != 0:
            plan.notes.append(f"Konto {account} {name}: {note}.")
        if amount == 0:
            continue
        if item is None:
            plan.unmapped.append(Unmapped(account, name, amount, True))
            continue
        label = name or f"Konto {account}"
        if (item, label) in labels:
            label = f"{label} ({account})"
        labels.add((item, label))
        plan.balances.append(
            (item, label, amount if account.startswith("1") else -amount, account)
        )
    plan.mapping.sort(key=lambda row: (row.account, row.project))


# --- the preview stage ------------------------------------------------------------------


def _compare(plan: ImportPlan, mapper: Mapper, fiscal_year: FiscalYear | None) -> None:
    """What the import changes: outcome per line and insats, the balance items."""
    stored_actuals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    stored_months: dict[tuple[int, int], Decimal] = {}
    for a in Actual.objects.filter(line__association=plan.association, year=plan.year):
        stored_actuals[a.line_id] += a.amount
        stored_months[(a.line_id, a.month)] = a.amount
    new_actuals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (line_id, _), amount in plan.actuals.items():
        new_actuals[line_id] += amount
    insats_changes: dict[str, Change] = {}
    for line in sorted(mapper.lines.values(), key=lambda x: (x.sort_order, x.id)):
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
    stored_balances: dict[tuple[str, str], Decimal] = {}
    if fiscal_year is not None:
        for b in fiscal_year.balance_lines.all():
            stored_balances[(b.item, b.label)] = b.amount
    for item, label in BalanceLine.ITEMS:
        stored = sum((a for (i, _), a in stored_balances.items() if i == item), ZERO)
        new = sum((a for (i, _, a, _) in plan.balances if i == item), ZERO)
        plan.items.append(Change(label, stored, new))
    stored_equity = fiscal_year.equity_opening if fiscal_year else None
    if plan.equity_opening is not None:
        plan.equity = Change("Ingående eget kapital", stored_equity or ZERO, plan.equity_opening)
    plan.unchanged = (
        fiscal_year is not None
        and stored_months == plan.actuals
        and stored_balances == {(i, label): a for i, label, a, _ in plan.balances}
        and (plan.equity_opening is None or plan.equity_opening == stored_equity)
        and (not plan.first_year or fiscal_year.opening_balances == _opening_json(plan))
        and not plan.remember.keys() - set(mapper.projects)
    )


def _opening_json(plan: ImportPlan) -> dict[str, str]:
    return {item: str(amount) for item, amount in sorted(plan.opening_items.items()) if amount}


def _equity_opening(
    plan: ImportPlan, fiscal_year: FiscalYear | None, before: Any
) -> tuple[Decimal, list[str]]:
    """This year's opening equity and what is wrong with it: from the file's #IB, else
    as stored, else last year's closing equity; a first year starts from zero."""
    known = before is not None and before.fiscal_year is not None
    known = known and before.fiscal_year.equity_opening is not None
    closing_before = before.balance.eget_kapital if known and before.balance else None
    findings: list[str] = []
    if plan.equity_opening is not None:
        equity = plan.equity_opening
    elif fiscal_year is not None and fiscal_year.equity_opening is not None:
        equity = fiscal_year.equity_opening
    elif closing_before is not None:
        equity = closing_before
    else:
        equity = ZERO
        if not plan.first_year:
            findings.append(
                f"Ingående eget kapital för {plan.year} saknas: filen har inget #IB för eget "
                "kapital och inget är lagrat."
            )
    if closing_before is not None and equity != closing_before:
        findings.append(
            f"Ingående eget kapital {plan.year} ({format_kronor(equity)}) är inte "
            f"det lagrade utgående egna kapitalet för {plan.year - 1} "
            f"({format_kronor(closing_before)})."
        )
    return equity, findings


def _opening_findings(plan: ImportPlan, before: Any) -> list[str]:
    """The file's opening balance per item against last year's stored closing one."""
    if before is None or before.balance is None or before.figures is None:
        return []
    if not plan.opening_items:
        return []
    stored = {
        BalanceLine.RECEIVABLES: before.balance.fordringar,
        BalanceLine.PLACEMENTS: before.balance.kortfristiga_placeringar,
        BalanceLine.CASH: before.balance.kassa_och_bank,
        BalanceLine.PENSIONS: before.balance.avsattningar_pensioner,
        BalanceLine.LIABILITIES: before.balance.kortfristiga_skulder,
    }
    return [
        f"Ingående balans för {label} enligt filen "
        f"({format_kronor(plan.opening_items.get(item, ZERO))}) är inte det lagrade "
        f"utgående värdet för {plan.year - 1} ({format_kronor(stored[item])})."
        for item, label in BalanceLine.ITEMS
        if plan.opening_items.get(item, ZERO) != stored[item]
    ]


def _preview(
    plan: ImportPlan, mapper: Mapper, fiscal_year: FiscalYear | None, sie: SieFile
) -> None:
    """The statements as they will be after the import, and what in them is wrong
    (a finding asks for a confirmation before anything is saved). A first year has no
    year before it to compare with."""
    from reporting.selectors import year_statements
    from reporting.statements import Balances, YearFigures, balance_sheet

    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (line_id, _), amount in plan.actuals.items():
        sums[mapper.lines[line_id].group] += amount
    items: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item, _, amount, _ in plan.balances:
        items[item] += amount
    before = None
    if not plan.first_year:
        before = year_statements(association=plan.association, year=plan.year - 1)
    equity_opening, findings = _equity_opening(plan, fiscal_year, before)
    findings += _opening_findings(plan, before)
    figures = YearFigures(
        year=plan.year,
        income=sums[BudgetLine.CONTRIBUTION] + sums[BudgetLine.OTHER_INCOME],
        costs=sum((sums[g] for g in COST_GROUPS), ZERO),
        financial_income=sums[BudgetLine.FINANCIAL_INCOME],
        financial_costs=sums[BudgetLine.FINANCIAL_COST],
        balances=Balances(
            receivables=items[BalanceLine.RECEIVABLES],
            short_term_placements=items[BalanceLine.PLACEMENTS],
            cash_and_bank=items[BalanceLine.CASH],
            pension_provisions=items[BalanceLine.PENSIONS],
            short_term_liabilities=items[BalanceLine.LIABILITIES],
        ),
        equity_opening=equity_opening,
        capital_contribution=fiscal_year.capital_contribution if fiscal_year else ZERO,
    )
    sheet = balance_sheet(figures)
    plan.findings = findings + list(sheet.findings)
    plan.preview = Preview(
        income=figures.income,
        costs=figures.costs,
        financial_income=figures.financial_income,
        financial_costs=figures.financial_costs,
        result=sheet.arets_resultat,
        assets=sheet.summa_tillgangar,
        equity=sheet.eget_kapital,
        other_side=sheet.summa_eget_kapital_avsattningar_och_skulder,
        contributions=sums[BudgetLine.CONTRIBUTION],
    )


# --- the apply stage --------------------------------------------------------------------


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
    nothing, written in bulk with one audit entry for the import; the projekt objects
    matched to insatser are remembered. A plan with findings is applied only with
    `confirm`. Returns the plan and the record (None when the file changed nothing).

    Imports of one association queue on its row, so the same file sent twice at once
    is applied once and the second finds nothing to change."""
    Association.objects.select_for_update(no_key=True).filter(pk=association.pk).first()
    plan = plan_import(
        association=association, stream=stream, file_name=file_name, expected_year=expected_year
    )
    _refuse_unapplicable(plan, confirm)
    if plan.unchanged:
        return plan, None
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
    _write_opening(fiscal_year, plan)
    _remember_projects(association, plan, by)
    return plan, _record_import(association, fiscal_year, plan, counts, by)


def _refuse_unapplicable(plan: ImportPlan, confirm: bool) -> None:
    if plan.unmapped:
        accounts = ", ".join(f"{u.account} {u.name}".strip() for u in plan.unmapped)
        raise ImportRefused(
            f"{plan.file_name}: konton utan mappning: {accounts}. Ange vart de hör innan "
            "filen läses in."
        )
    if not plan.unchanged and plan.needs_confirmation and not confirm:
        raise ImportRefused(
            f"{plan.file_name}: förhandsgranskningen har iakttagelser som måste bekräftas "
            "innan filen läses in: " + " ".join(plan.findings)
        )


def _write_opening(fiscal_year: FiscalYear, plan: ImportPlan) -> None:
    """The opening equity, and a first year's opening balances (from #IB)."""
    fields = []
    if plan.equity_opening is not None and plan.equity_opening != fiscal_year.equity_opening:
        fiscal_year.equity_opening = plan.equity_opening
        fields.append("equity_opening")
    if plan.first_year and fiscal_year.opening_balances != _opening_json(plan):
        fiscal_year.opening_balances = _opening_json(plan)
        fields.append("opening_balances")
    if fields:
        fiscal_year.version += 1
        fiscal_year.save(update_fields=[*fields, "version"])


def _remember_projects(association: Association, plan: ImportPlan, by: Any) -> None:
    """The projekt objects the import matched to insatser (rule 2), saved as the
    association's mapping (rule 1 from the next file on). Rule 2 is only tried for an
    object without a saved mapping, and imports of one association queue on its row."""
    for code, (line, name) in sorted(plan.remember.items()):
        mapping = ProjectMapping(
            association=association, code=code[:40], name=name[:200], line=line
        )
        save_recorded(mapping, association_id=association.id, by=by, before=None)


def _record_import(
    association: Association,
    fiscal_year: FiscalYear,
    plan: ImportPlan,
    counts: dict[str, int],
    by: Any,
) -> LedgerImport:
    record = LedgerImport(
        association=association,
        fiscal_year=fiscal_year,
        file_name=plan.file_name[:255],
        sha256=plan.sha256,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
        changes=plan.summary(),
    )
    return save_recorded(
        record,
        association_id=association.id,
        by=by,
        before=None,
        note={
            "fil": plan.file_name,
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
    if line is not None and is_balance_account(account):
        raise ServiceError(
            f"Konto {account} är ett balanskonto; det hör till en balanspost, inte en budgetpost."
        )
    if item and not is_balance_account(account):
        raise ServiceError(
            f"Konto {account} är ett resultatkonto; det hör till en budgetpost, inte en "
            "balanspost."
        )
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


@transaction.atomic
def project_mapping_save(
    *, association: Association, code: str, line: BudgetLine, name: str = "", by: Any = None
) -> ProjectMapping:
    """Say where a projekt object (SIE dimension 6) goes: a result line, usually an
    insats's. Taken before the object's account from the next file on (rule 1)."""
    code = code.strip()
    if not code or len(code) > 40:
        raise ServiceError("Ange projektets kod (högst 40 tecken).")
    if line.association_id != association.id:
        raise ServiceError("Budgetposten hör till ett annat förbund.")
    mapping = (
        ProjectMapping.objects.select_for_update()
        .filter(association=association, code=code)
        .first()
    )
    before = snapshot(mapping) if mapping else None
    if mapping is None:
        mapping = ProjectMapping(association=association, code=code)
    mapping.line, mapping.name = line, (name or mapping.name)[:200]
    if before is not None and snapshot(mapping) == before:
        return mapping
    return save_recorded(mapping, association_id=association.id, by=by, before=before)


@transaction.atomic
def account_line_create(
    *,
    association: Association,
    account: str,
    group: str,
    name: str,
    project: str = "",
    by: Any = None,
) -> BudgetLine:
    """Create a line the preview lacks (a "Finansiella intäkter" for 8310 Ränteintäkter)
    and send the account, or its projekt object, to it: one step, one transaction."""
    account = account.strip()
    if is_balance_account(account):
        raise ServiceError(f"Konto {account} är ett balanskonto; det hör till en balanspost.")
    if group not in dict(BudgetLine.GROUPS):
        raise ServiceError("Välj vilken grupp raden hör till.", field="group")
    line = services.budget_line_save(
        association=association, data={"group": group, "name": name.strip()}, by=by
    )
    if project:
        project_mapping_save(association=association, code=project, line=line, by=by)
    else:
        account_mapping_save(association=association, account=account, line=line, by=by)
    return line
