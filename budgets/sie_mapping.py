"""The import's third stage: where each account (and projekt object) of an SIE file goes.

Four rules, tried in order, and the preview names the one that chose:

1. the association's saved mapping — for the projekt object, else for the account;
2. the transaction's projekt object (dimension 6) matched to an insats — by code, or
   by the `#OBJEKT` name equal to the insats's name, case and spaces aside — proposed
   in the preview and saved as the object's mapping when the file is imported;
3. the account matched to a line by name (Styrelsearvoden → Styrelse, Revision →
   Revisionskostnader, Driftbidrag från kommunerna → the municipalities'
   contributions, split by the year's decided allocation), or the kind its number
   gives (BAS 70–76 personnel → a line named Personal, class 8 income → a line named
   Finansiella intäkter);
4. the account class → its group (contributions, other income, administration,
   insatser, financial) and, within it, the group's "ej fördelat" line: a finding
   with its amount, never an arbitrary line of another kind.

An object is more specific than its account, so an object's own rules (1 and 2) are
tried before the account's (1, 3 and 4). Balance accounts take their saved mapping,
else the balance item of their class; equity is the opening equity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgets.models import AccountMapping, BalanceLine, BudgetLine, ProjectMapping
from budgets.sie import SieFile
from budgets.sie_chart import (
    APPROPRIATIONS,
    CATEGORY_LABELS,
    COST_CATEGORIES,
    FINANCIAL,
    INCOME,
    KOMMUNBAS,
    OTHER,
    PERSONNEL,
    PREMISES,
    SERVICES,
    TAX,
    YEAR_RESULT,
    category_group,
    chart_family,
    item_with_note,
    result_category,
)
from finsam.money import ONE_ORE, split_largest_remainder
from members.models import Contribution

ZERO = Decimal(0)
PROJECT_DIMENSION = "6"
GROUP_LABELS = dict(BudgetLine.GROUPS)
ITEM_LABELS = dict(BalanceLine.ITEMS)

# The "ej fördelat" line of each group: where rule 4 puts what no other rule placed.
UNASSIGNED_NAMES = {
    BudgetLine.CONTRIBUTION: "Medlemsbidrag, ej fördelat",
    BudgetLine.OTHER_INCOME: "Övriga intäkter, ej fördelat",
    BudgetLine.ADMINISTRATION: "Verksamhetens kostnader, ej fördelat",
    BudgetLine.INSATS: "Insatser, ej fördelat",
    BudgetLine.FINANCIAL_INCOME: "Finansiella intäkter, ej fördelat",
    BudgetLine.FINANCIAL_COST: "Finansiella kostnader, ej fördelat",
}
# Words in a line's name that say which kind of account it is for (rule 3).
KIND_WORDS = {
    PERSONNEL: ("personal", "lön", "arvode", "kansli"),
    PREMISES: ("lokal", "hyr"),
    SERVICES: ("köpt", "tjänst", "konsult"),
    OTHER: ("övrig", "administration", "verksamhet"),
    INCOME: ("övrig",),
    FINANCIAL: ("finansiell", "ränt"),
}
STATE_WORDS = ("staten", "statligt", "statens", "försäkringskassa", "arbetsförmedling")
MUNICIPALITY_WORDS = ("kommunerna", "kommuner", "medlemskommun")
RESULT_GROUPS = {
    INCOME: (BudgetLine.CONTRIBUTION, BudgetLine.OTHER_INCOME),
    FINANCIAL: (BudgetLine.FINANCIAL_INCOME, BudgetLine.FINANCIAL_COST),
}
COST_GROUPS = (BudgetLine.ADMINISTRATION, BudgetLine.INSATS, BudgetLine.UNALLOCATED)

SAVED, PROJECT, NAME, CLASS = 1, 2, 3, 4


def normalized(text: str) -> str:
    """Case and spaces aside: "Samordningsteam  surahammar" is "Samordningsteam Surahammar"."""
    return "".join(text.split()).casefold()


def is_unassigned(line: BudgetLine) -> bool:
    return UNASSIGNED_NAMES.get(line.group) == line.name


def split_ore(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split an amount to the öre by weights; the parts sum exactly to the amount (the
    largest-remainder rule of `finsam.money`, in öre)."""
    parts = split_largest_remainder(int(amount / ONE_ORE), weights)
    return [part * ONE_ORE for part in parts]


@dataclass(frozen=True)
class Decision:
    """Where the figures of an account (or of one of its projekt objects) go, by which
    rule and why. `split` spreads them over several lines by weight (a contribution
    account for all municipalities); `remember` is the projekt object whose proposed
    insats is saved when the file is imported; `missing` names the line rule 4 wants
    when the association does not have it yet (the preview offers to create it)."""

    line: BudgetLine | None
    rule: int
    how: str
    note: str = ""
    split: tuple[tuple[BudgetLine, Decimal], ...] = ()
    remember: str = ""
    missing: str = ""
    group: str = ""

    @property
    def target(self) -> str:
        if self.split:
            return f"{len(self.split)} medlemmars bidrag, efter årets fördelning"
        return self.line.name if self.line else ""

    def shares(self, amount: Decimal) -> list[tuple[BudgetLine, Decimal]]:
        """The amount on each line (SIE sign): the whole on `line`, or split."""
        if self.split:
            lines = [line for line, _ in self.split]
            return list(zip(lines, split_ore(amount, [w for _, w in self.split]), strict=True))
        return [(self.line, amount)] if self.line is not None else []


class Mapper:
    """The association's lines, saved mappings and the year's allocation, loaded once
    (queries independent of the file's size), and the four rules over them."""

    def __init__(self, association, sie: SieFile, year: int):
        self.association = association
        self.year = year
        self.lines = {
            line.id: line
            for line in BudgetLine.objects.filter(association=association).select_related(
                "insats", "member"
            )
        }
        ordered = sorted(self.lines.values(), key=lambda x: (x.retired, x.sort_order, x.id))
        self.active = [x for x in ordered if not x.retired]
        self.accounts = {
            m.account: m for m in AccountMapping.objects.filter(association=association)
        }
        self._projects: dict[str, ProjectMapping] | None = None
        self._municipal: tuple[tuple[BudgetLine, Decimal], ...] | None = None
        self.names = sie.accounts
        self.object_names = {c: n for (d, c), n in sie.objects.items() if d == PROJECT_DIMENSION}
        self.account_types = sie.account_types
        self.family = chart_family(sie.chart)
        self.chart_name = "Kommun-Bas" if self.family == KOMMUNBAS else "BAS"
        self.insats_lines = _insats_lines(ordered)
        self._cache: dict[tuple[str, str | None], Decision] = {}

    @property
    def projects(self) -> dict[str, ProjectMapping]:
        if self._projects is None:
            self._projects = {
                m.code: m for m in ProjectMapping.objects.filter(association=self.association)
            }
        return self._projects

    def result(self, account: str, project: str | None, total: Decimal) -> Decision | None:
        """Where a result account's figures (of one projekt object) go; None for the
        closing entry that moves the result to equity (not counted)."""
        key = (account, project)
        if key not in self._cache:
            self._cache[key] = (
                (project and (self._saved_project(project) or self._insats_of(project)))
                or self._saved_account(account)
                or self._by_name(account, total)
                or self._by_class(account, total)
            )
        return self._cache[key]

    # rule 1

    def _saved_project(self, code: str) -> Decision | None:
        mapped = self.projects.get(code)
        if mapped is None or mapped.line_id not in self.lines:
            return None
        return Decision(
            self.lines[mapped.line_id], SAVED, f"regel 1: förbundets mappning för projekt {code}"
        )

    def _saved_account(self, account: str) -> Decision | None:
        mapped = self.accounts.get(account)
        if mapped is None or not mapped.line_id or mapped.line_id not in self.lines:
            return None
        return Decision(self.lines[mapped.line_id], SAVED, "regel 1: förbundets mappning")

    # rule 2

    def _insats_of(self, code: str) -> Decision | None:
        name = self.object_names.get(code, "")
        by_code = self.insats_lines["code"].get(normalized(code))
        if by_code is not None:
            line, why = by_code, f"insatsens kod {line_code(by_code)}"
        elif name and (line := self.insats_lines["name"].get(normalized(name))) is not None:
            insats = line.insats.name if line.insats_id else line.name
            why = f"insatsen ”{insats}” har samma namn"
        else:
            return None
        shown = f"projekt {code}" + (f" ”{name}”" if name else "")
        return Decision(
            line,
            PROJECT,
            f"regel 2: {shown}: {why} (förslag; sparas när filen läses in)",
            remember=code,
        )

    # rule 3

    def _by_name(self, account: str, total: Decimal) -> Decision | None:
        category, span = result_category(account, self.family)
        if category is None or category == YEAR_RESULT:
            return None
        name = self.names.get(account, "")
        kind = _kind(category)
        groups = RESULT_GROUPS.get(kind, COST_GROUPS)
        if kind == INCOME:
            found = self._income_by_name(name)
            if found is not None:
                return found
        line = _line_named(name, [x for x in self.active if x.group in groups])
        if line is not None:
            return Decision(line, NAME, f"regel 3: kontots namn ”{name}” → raden {line.name}")
        group = self._group(account, category, total)
        words = KIND_WORDS.get(kind if kind in (INCOME, FINANCIAL) else category, ())
        for line in self.active:
            free = line.group == group and line.insats_id is None and not is_unassigned(line)
            if free and any(word in line.name.casefold() for word in words):
                how = (
                    f"regel 3: {self.chart_name} {span} ({CATEGORY_LABELS[category]}) "
                    f"→ raden {line.name}"
                )
                return Decision(line, NAME, how, note=self._tax_note(category, line))
        return None

    def _income_by_name(self, name: str) -> Decision | None:
        lowered = name.casefold()
        contributions = [x for x in self.active if x.group == BudgetLine.CONTRIBUTION]
        if any(word in lowered for word in STATE_WORDS):
            for line in contributions:
                if line.state:
                    return Decision(line, NAME, f"regel 3: kontots namn ”{name}” nämner staten")
        for line in contributions:
            if line.member_id is not None and normalized(line.member.name) in normalized(name):
                how = f"regel 3: kontots namn ”{name}” nämner {line.member.name}"
                return Decision(line, NAME, how)
        if any(word in lowered for word in MUNICIPALITY_WORDS) and self.municipal:
            how = (
                f"regel 3: kontots namn ”{name}” gäller kommunerna: delas efter "
                f"{self.year} års beslutade fördelning"
            )
            return Decision(None, NAME, how, split=self.municipal)
        return None

    @property
    def municipal(self) -> tuple[tuple[BudgetLine, Decimal], ...]:
        """The municipalities' contribution lines with the year's decided contributions
        as weights; empty when the year has no allocation or a municipality no line."""
        if self._municipal is None:
            by_member = {
                x.member_id: x
                for x in self.active
                if x.group == BudgetLine.CONTRIBUTION and x.member_id is not None
            }
            rows = Contribution.objects.filter(
                allocation__association=self.association,
                allocation__year=self.year,
                party=Contribution.KOMMUN,
            ).order_by("sort_order")
            pairs = [(by_member.get(c.member_id), c.amount) for c in rows if c.amount]
            ok = pairs and all(line is not None for line, _ in pairs)
            self._municipal = tuple(pairs) if ok else ()  # type: ignore[arg-type]
        return self._municipal

    # rule 4

    def _by_class(self, account: str, total: Decimal) -> Decision | None:
        category, span = result_category(account, self.family)
        if category is None:
            return Decision(None, CLASS, f"regel 4: ingen standard för {span}; välj en rad")
        if category == YEAR_RESULT:
            return None
        group = self._group(account, category, total)
        wanted = UNASSIGNED_NAMES[group]
        line = next((x for x in self.active if x.group == group and x.name == wanted), None)
        how = (
            f"regel 4: {self.chart_name} {span} ({CATEGORY_LABELS[category]}) → "
            f"{GROUP_LABELS[group]}, ej fördelat"
        )
        missing = "" if line is not None else wanted
        return Decision(
            line, CLASS, how, note=self._tax_note(category, line), missing=missing, group=group
        )

    def _group(self, account: str, category: str, total: Decimal) -> str:
        kind = self.account_types.get(account)
        income = kind == "I" if kind in ("I", "K") else total < 0
        return category_group(category, name=self.names.get(account, ""), income=income)

    @staticmethod
    def _tax_note(category: str, line: BudgetLine | None) -> str:
        if category not in (TAX, APPROPRIATIONS) or line is None:
            return ""
        return (
            f"{CATEGORY_LABELS[category]} har ingen egen rad i förbundets resultaträkning; "
            f"förs till {line.name}"
        )

    # balance accounts

    def item(self, account: str) -> tuple[str | None, str, str]:
        """(item, how, note) of a balance account: the saved mapping (rule 1), else
        the balance item of its class (rule 4; a balance item has no "ej fördelat")."""
        mapped = self.accounts.get(account)
        if mapped is not None and mapped.item:
            return mapped.item, "regel 1: förbundets mappning", ""
        item, note = item_with_note(account)
        if item is None:
            return None, f"regel 4: ingen standard för {account[:2]}; välj en balanspost", ""
        return item, f"regel 4: {self.chart_name} {account[:2]} (balanspost)", note

    def guess(self, decision: Decision | None, balance: bool) -> str:
        """The dropdown's preselection for a row without a target: the group's own
        "ej fördelat" line when it exists; nothing else is guessed."""
        if balance or decision is None or not decision.group:
            return ""
        for line in self.active:
            if line.group == decision.group and is_unassigned(line):
                return f"line:{line.id}"
        return ""


def _kind(category: str) -> str:
    if category == INCOME:
        return INCOME
    if category in COST_CATEGORIES:
        return "kostnad"
    return FINANCIAL


def line_code(line: BudgetLine) -> str:
    return line.insats.code if line.insats_id else ""


def _insats_lines(ordered: list[BudgetLine]) -> dict[str, dict[str, BudgetLine]]:
    """An insats's first line by its code and by its name, both normalized; a line of
    the insatser's group without a linked insats stands for one by its own name."""
    by_code: dict[str, BudgetLine] = {}
    by_name: dict[str, BudgetLine] = {}
    for line in ordered:
        if line.insats_id is not None:
            by_code.setdefault(normalized(line.insats.code), line)
            by_name.setdefault(normalized(line.insats.name), line)
        elif line.group == BudgetLine.INSATS and not is_unassigned(line):
            by_name.setdefault(normalized(line.name), line)
    return {"code": by_code, "name": by_name}


def _line_named(name: str, lines: list[BudgetLine]) -> BudgetLine | None:
    """The line whose name is the account's, or the start of it (Styrelse for
    Styrelsearvoden), or which starts with it (Revisionskostnader for Revision)."""
    wanted = normalized(name)
    if len(wanted) < 4:
        return None
    candidates = [x for x in lines if not is_unassigned(x) and len(normalized(x.name)) >= 4]
    for line in candidates:
        if normalized(line.name) == wanted:
            return line
    for line in candidates:
        own = normalized(line.name)
        if wanted.startswith(own) or own.startswith(wanted):
            return line
    return None


__all__ = [
    "CLASS",
    "Decision",
    "ITEM_LABELS",
    "Mapper",
    "NAME",
    "PROJECT",
    "PROJECT_DIMENSION",
    "SAVED",
    "UNASSIGNED_NAMES",
    "is_unassigned",
    "normalized",
    "split_ore",
]
