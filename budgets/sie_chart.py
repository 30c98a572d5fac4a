"""The charts of accounts (BAS and Kommun-Bas): what an account's number says about it.

Pure functions, no database: the category of a result account by its range, the
balance item of a balance account by its class, and the group of lines an account of
that category belongs to (the fourth mapping rule of `budgets.sie_mapping`).
"""

from __future__ import annotations

from budgets.models import BalanceLine, BudgetLine

KOMMUNBAS = "kommunbas"
BAS = "bas"
EQUITY = "eget_kapital"

# Categories of result accounts.
INCOME = "intakt"
PERSONNEL = "personal"
SERVICES = "tjanster"
PREMISES = "lokaler"
OTHER = "ovrigt"
INSATS_PURCHASE = "insatser"
FINANCIAL = "finansiellt"
TAX = "skatt"
APPROPRIATIONS = "bokslutsdispositioner"
YEAR_RESULT = "arets_resultat"
COST_CATEGORIES = (PERSONNEL, SERVICES, PREMISES, OTHER, INSATS_PURCHASE)

CATEGORY_LABELS = {
    INCOME: "intäkter",
    PERSONNEL: "personalkostnader",
    SERVICES: "köpta tjänster",
    PREMISES: "lokalkostnader",
    OTHER: "övriga kostnader",
    INSATS_PURCHASE: "köp av huvudverksamhet",
    FINANCIAL: "finansiella poster",
    TAX: "skatt",
    APPROPRIATIONS: "bokslutsdispositioner",
    YEAR_RESULT: "årets resultat",
}


def chart_family(kptyp: str) -> str:
    """Kommun-Bas or BAS (BAS 20xx, EUBAS97, BAS95 and a file without #KPTYP)."""
    return KOMMUNBAS if "KOMMUN" in kptyp.upper() else BAS


def chart_label(kptyp: str) -> str:
    if not kptyp:
        return "BAS (filen anger ingen kontoplan)"
    return "Kommun-Bas" if chart_family(kptyp) == KOMMUNBAS else f"BAS ({kptyp})"


def _kommunbas_category(first: int, two: int) -> tuple[str, str]:
    if first == 4:
        if two in (45, 46):
            return INSATS_PURCHASE, "45–46"
        return SERVICES, "klass 4"
    if first == 5:
        return PERSONNEL, "klass 5"
    if 60 <= two <= 63:
        return PREMISES, "60–63"
    if first in (6, 7):
        return OTHER, "64–79"
    return FINANCIAL, "klass 8"


def _bas_category(account: str, first: int, two: int) -> tuple[str, str]:
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


def result_category(account: str, family: str) -> tuple[str | None, str]:
    """The category of a result account (class 3–8) and the range it was read from;
    None for what no chart gives a default (class 9, internal accounts)."""
    two = int(account[:2]) if account[:2].isdigit() and len(account) >= 2 else 0
    first = two // 10
    if not 3 <= first <= 8:
        return None, f"klass {account[:1]}"
    if first == 3:
        return INCOME, "klass 3"
    if family == KOMMUNBAS:
        return _kommunbas_category(first, two)
    return _bas_category(account, first, two)


def category_group(category: str, *, name: str, income: bool) -> str:
    """The group of lines an account of the category belongs to (rule 4): income that
    its name calls a contribution (bidrag) to the contributions, other income to
    Övriga intäkter, the purchase of insatser to the insatser, other costs to the
    administration, financial items by direction (`income`)."""
    if category == INCOME:
        return BudgetLine.CONTRIBUTION if "bidrag" in name.casefold() else BudgetLine.OTHER_INCOME
    if category == INSATS_PURCHASE:
        return BudgetLine.INSATS
    if category in COST_CATEGORIES:
        return BudgetLine.ADMINISTRATION
    return BudgetLine.FINANCIAL_INCOME if income else BudgetLine.FINANCIAL_COST


def default_item(account: str) -> str | None:
    """The balance item of a balance account by its class (Kommun-Bas and BAS alike)."""
    item, _ = item_with_note(account)
    return item


_ITEMS = {
    "15": BalanceLine.RECEIVABLES,
    "16": BalanceLine.RECEIVABLES,
    "17": BalanceLine.RECEIVABLES,
    "18": BalanceLine.PLACEMENTS,
    "19": BalanceLine.CASH,
    "20": EQUITY,
    "22": BalanceLine.PENSIONS,
    **{str(two): BalanceLine.LIABILITIES for two in range(24, 30)},
}


def item_with_note(account: str) -> tuple[str | None, str]:
    """The balance item of a balance account by its class, and a note when the
    statements have no line of its own for it (the nearest line is taken)."""
    two = account[:2]
    if two in _ITEMS:
        return _ITEMS[two], ""
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
