"""The statements of the annual report, as pure functions over plain figures.

Inputs are plain frozen dataclasses that a selector fills from the database (the
selectors come with the year-end work); nothing here touches the database or knows
HTML. Sign convention: inputs are positive figures per kind (income, costs,
balances); the outputs carry the sign the annual report prints, costs negative.
Every statement checks its own arithmetic and returns what fails as `findings`,
Swedish sentences with the figures: a mismatch is shown, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from finsam.money import format_kronor, round_to

ZERO = Decimal(0)


@dataclass(frozen=True)
class Balances:
    """Year-end balances (positive figures)."""

    receivables: Decimal = ZERO  # fordringar
    short_term_placements: Decimal = ZERO  # kortfristiga placeringar
    cash_and_bank: Decimal = ZERO  # kassa och bank
    pension_provisions: Decimal = ZERO  # avsättningar för pensioner
    short_term_liabilities: Decimal = ZERO  # kortfristiga skulder
    equity: Decimal | None = None  # as booked; checked against the roll-forward

    @property
    def assets(self) -> Decimal:
        return self.receivables + self.short_term_placements + self.cash_and_bank

    @property
    def liquid(self) -> Decimal:
        """Likvida medel: cash and bank (short-term placements are not counted here,
        as in the seeds' cash-flow statements)."""
        return self.cash_and_bank


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year's outcome and year-end, as the statements need them."""

    year: int
    income: Decimal  # verksamhetens intäkter
    costs: Decimal  # verksamhetens kostnader (positive)
    balances: Balances
    equity_opening: Decimal  # last year's closing equity
    financial_income: Decimal = ZERO
    financial_costs: Decimal = ZERO  # positive
    capital_contribution: Decimal = ZERO  # kapitaltillskott (e.g. in a merger)
    contributions_total: Decimal = ZERO  # the year's member contributions (20 % rule)
    realisation_gains: Decimal = ZERO


@dataclass(frozen=True)
class IncomeStatement:
    year: int
    verksamhetens_intakter: Decimal
    verksamhetens_kostnader: Decimal  # negative, as printed
    verksamhetens_resultat: Decimal
    finansiella_intakter: Decimal
    finansiella_kostnader: Decimal  # negative, as printed
    resultat_efter_finansiella_poster: Decimal
    arets_resultat: Decimal


def income_statement(figures: YearFigures) -> IncomeStatement:
    operating = figures.income - figures.costs
    after_financial = operating + figures.financial_income - figures.financial_costs
    return IncomeStatement(
        year=figures.year,
        verksamhetens_intakter=figures.income,
        verksamhetens_kostnader=-figures.costs,
        verksamhetens_resultat=operating,
        finansiella_intakter=figures.financial_income,
        finansiella_kostnader=-figures.financial_costs,
        resultat_efter_finansiella_poster=after_financial,
        arets_resultat=after_financial,
    )


@dataclass(frozen=True)
class BalanceSheet:
    year: int
    fordringar: Decimal
    kortfristiga_placeringar: Decimal
    kassa_och_bank: Decimal
    summa_tillgangar: Decimal
    eget_kapital: Decimal
    arets_resultat: Decimal
    ovrigt_eget_kapital: Decimal
    avsattningar_pensioner: Decimal
    kortfristiga_skulder: Decimal
    summa_eget_kapital_avsattningar_och_skulder: Decimal
    findings: tuple[str, ...] = field(default=())


def balance_sheet(figures: YearFigures) -> BalanceSheet:
    """Equity is rolled forward (opening + capital contribution + result); the sheet
    must balance to the krona, and a booked equity must agree with the roll-forward."""
    b = figures.balances
    result = income_statement(figures).arets_resultat
    equity = figures.equity_opening + figures.capital_contribution + result
    other_side = equity + b.pension_provisions + b.short_term_liabilities
    findings = []
    if other_side != b.assets:
        findings.append(
            f"Balansräkningen {figures.year} balanserar inte: tillgångar {format_kronor(b.assets)}, "
            f"eget kapital, avsättningar och skulder {format_kronor(other_side)}, "
            f"skillnad {format_kronor(b.assets - other_side)}."
        )
    if b.equity is not None and b.equity != equity:
        findings.append(
            f"Eget kapital {figures.year} är bokfört till {format_kronor(b.equity)} men "
            f"ingående {format_kronor(figures.equity_opening)} + kapitaltillskott "
            f"{format_kronor(figures.capital_contribution)} + årets resultat "
            f"{format_kronor(result)} blir {format_kronor(equity)}."
        )
    return BalanceSheet(
        year=figures.year,
        fordringar=b.receivables,
        kortfristiga_placeringar=b.short_term_placements,
        kassa_och_bank=b.cash_and_bank,
        summa_tillgangar=b.assets,
        eget_kapital=equity,
        arets_resultat=result,
        ovrigt_eget_kapital=equity - result,
        avsattningar_pensioner=b.pension_provisions,
        kortfristiga_skulder=b.short_term_liabilities,
        summa_eget_kapital_avsattningar_och_skulder=other_side,
        findings=tuple(findings),
    )


@dataclass(frozen=True)
class CashFlow:
    year: int
    arets_resultat: Decimal
    justering_ej_likviditetspaverkande: Decimal
    fore_forandring_rorelsekapital: Decimal
    forandring_kortfristiga_fordringar: Decimal
    forandring_kortfristiga_skulder: Decimal
    lopande_verksamhet: Decimal
    investeringsverksamhet: Decimal
    finansieringsverksamhet: Decimal
    arets_kassaflode: Decimal
    likvida_medel_vid_arets_borjan: Decimal
    likvida_medel_vid_arets_slut: Decimal
    findings: tuple[str, ...] = field(default=())


def cash_flow(figures: YearFigures, opening: Balances) -> CashFlow:
    """The indirect method of DOMAIN §7; the year's cash flow must equal the change
    in likvida medel."""
    b = figures.balances
    result = income_statement(figures).arets_resultat
    non_cash = b.pension_provisions - opening.pension_provisions
    before_working_capital = result + non_cash
    receivables = opening.receivables - b.receivables  # a decrease adds
    liabilities = b.short_term_liabilities - opening.short_term_liabilities  # an increase adds
    operating = before_working_capital + receivables + liabilities
    investing = ZERO
    financing = figures.capital_contribution
    total = operating + investing + financing
    findings = []
    change = b.liquid - opening.liquid
    if total != change:
        findings.append(
            f"Kassaflödet {figures.year} ({format_kronor(total)}) är inte lika med förändringen "
            f"av likvida medel ({format_kronor(change)}); skillnad {format_kronor(total - change)}."
        )
    return CashFlow(
        year=figures.year,
        arets_resultat=result,
        justering_ej_likviditetspaverkande=non_cash,
        fore_forandring_rorelsekapital=before_working_capital,
        forandring_kortfristiga_fordringar=receivables,
        forandring_kortfristiga_skulder=liabilities,
        lopande_verksamhet=operating,
        investeringsverksamhet=investing,
        finansieringsverksamhet=financing,
        arets_kassaflode=total,
        likvida_medel_vid_arets_borjan=opening.liquid,
        likvida_medel_vid_arets_slut=b.liquid,
        findings=tuple(findings),
    )


@dataclass(frozen=True)
class KeyFigures:
    year: int
    soliditet_procent: Decimal | None  # eget kapital / summa tillgångar
    eget_kapital_andel_av_bidrag_procent: Decimal | None
    over_taket: bool  # above the national council's recommended 20 %
    balanskravsresultat: Decimal


CEILING_PERCENT = Decimal(20)


def key_figures(figures: YearFigures) -> KeyFigures:
    sheet = balance_sheet(figures)
    solidity = (
        sheet.eget_kapital * 100 / sheet.summa_tillgangar if sheet.summa_tillgangar else None
    )
    share = (
        sheet.eget_kapital * 100 / figures.contributions_total
        if figures.contributions_total
        else None
    )
    return KeyFigures(
        year=figures.year,
        soliditet_procent=solidity,
        eget_kapital_andel_av_bidrag_procent=share,
        over_taket=share is not None and share > CEILING_PERCENT,
        balanskravsresultat=sheet.arets_resultat - figures.realisation_gains,
    )


def _kr(value: Decimal) -> str:
    return f"{round_to(value, 2):.2f}"


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{round_to(value, 1):.1f}"


def statements_json(
    figures: YearFigures,
    opening: Balances,
    previous: YearFigures | None = None,
    previous_opening: Balances | None = None,
) -> dict:
    """The JSON of `manage.py statements --format json` (issue 5's keys)."""

    def one(f: YearFigures, o: Balances | None) -> tuple[dict, list[str]]:
        income = income_statement(f)
        sheet = balance_sheet(f)
        keys = key_figures(f)
        data = {
            "resultatrakning": {
                k: _kr(getattr(income, k))
                for k in (
                    "verksamhetens_intakter",
                    "verksamhetens_kostnader",
                    "verksamhetens_resultat",
                    "finansiella_intakter",
                    "finansiella_kostnader",
                    "resultat_efter_finansiella_poster",
                    "arets_resultat",
                )
            },
            "balansrakning": {
                k: _kr(getattr(sheet, k))
                for k in (
                    "fordringar",
                    "kortfristiga_placeringar",
                    "kassa_och_bank",
                    "summa_tillgangar",
                    "eget_kapital",
                    "arets_resultat",
                    "ovrigt_eget_kapital",
                    "avsattningar_pensioner",
                    "kortfristiga_skulder",
                    "summa_eget_kapital_avsattningar_och_skulder",
                )
            },
            "nyckeltal": {
                "soliditet_procent": _pct(keys.soliditet_procent),
                "eget_kapital_andel_av_bidrag_procent": _pct(
                    keys.eget_kapital_andel_av_bidrag_procent
                ),
                "balanskravsresultat": _kr(keys.balanskravsresultat),
            },
        }
        findings = list(sheet.findings)
        if o is not None:
            flow = cash_flow(f, o)
            data["kassaflodesanalys"] = {
                k: _kr(getattr(flow, k))
                for k in (
                    "arets_resultat",
                    "justering_ej_likviditetspaverkande",
                    "fore_forandring_rorelsekapital",
                    "forandring_kortfristiga_fordringar",
                    "forandring_kortfristiga_skulder",
                    "lopande_verksamhet",
                    "investeringsverksamhet",
                    "finansieringsverksamhet",
                    "arets_kassaflode",
                    "likvida_medel_vid_arets_borjan",
                    "likvida_medel_vid_arets_slut",
                )
            }
            findings.extend(flow.findings)
        return data, findings

    data, findings = one(figures, opening)
    data["findings"] = findings
    if previous is not None:
        prev, prev_findings = one(previous, previous_opening)
        prev["findings"] = prev_findings
        data["previous_year"] = prev
    return data


COST_CATEGORIES = (
    ("individ", "Individinsatser"),
    ("struktur", "Strukturella insatser"),
    ("processtod", "Processtöd"),
    ("administration", "Administration"),
)


@dataclass(frozen=True)
class CostDistribution:
    """Kostnadsfördelning: each category's share of the operating costs, in whole
    percent that sum to exactly 100 (largest remainder), beside the exact shares."""

    costs: dict[str, Decimal]
    percent: dict[str, int]
    exact_percent: dict[str, Decimal]


def cost_distribution(costs: dict[str, Decimal]) -> CostDistribution:
    from finsam.money import split_largest_remainder

    keys = [key for key, _ in COST_CATEGORIES]
    values = [costs.get(key, ZERO) for key in keys]
    total = sum(values, ZERO)
    if total <= 0:
        return CostDistribution(dict(zip(keys, values, strict=True)), {}, {})
    whole = split_largest_remainder(100, values)
    return CostDistribution(
        costs=dict(zip(keys, values, strict=True)),
        percent={k: int(p) for k, p in zip(keys, whole, strict=True)},
        exact_percent={k: v * 100 / total for k, v in zip(keys, values, strict=True)},
    )
