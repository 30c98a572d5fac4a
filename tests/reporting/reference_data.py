"""Reference figures from the annual reports (seeds), as statement inputs, in kronor.

Västerås: arsredovisning-2020-vasteras.txt (resultaträkning, balansräkning,
kassaflödesanalys). Västmanland: arsredovisning-2024-vastmanland.txt (sections 2–4).
Where the extraction lost a figure, the arithmetic gives it: Västmanland 2024's
financing prints as "6"; it is the capital contribution 3 519 143 (note 6). The 2022
year-end of Västmanland is derived from the 2023 cash-flow changes.
"""

from __future__ import annotations

from decimal import Decimal as D

from reporting.statements import Balances, YearFigures

VASTERAS_2019_BALANCES = Balances(
    receivables=D("608239"),
    cash_and_bank=D("10251045"),
    short_term_liabilities=D("2805307"),
    equity=D("8053977"),
)
VASTERAS_2020 = YearFigures(
    year=2020,
    income=D("13310000"),
    costs=D("13122674"),
    balances=Balances(
        receivables=D("371691"),
        cash_and_bank=D("11352229"),
        short_term_liabilities=D("3482617"),
        equity=D("8241303"),
    ),
    equity_opening=D("8053977"),
    contributions_total=D("13310000"),
)
VASTERAS_2019 = YearFigures(
    year=2019,
    income=D("13392000"),
    costs=D("12115524"),
    balances=VASTERAS_2019_BALANCES,
    equity_opening=D("8053977") - D("1276476"),
    contributions_total=D("13392000"),
)

VASTMANLAND_2022_BALANCES = Balances(
    receivables=D("369468") - D("291762"),
    cash_and_bank=D("2899022"),
    pension_provisions=D("485857") - D("254733"),
    short_term_liabilities=D("1805224") - D("199138"),
)
VASTMANLAND_2023_BALANCES = Balances(
    receivables=D("369468"),
    cash_and_bank=D("2349178"),
    pension_provisions=D("485857"),
    short_term_liabilities=D("1805224"),
    equity=D("427565"),
)
VASTMANLAND_2023 = YearFigures(
    year=2023,
    income=D("7130004"),
    costs=D("7920863"),
    financial_income=D("107086"),
    financial_costs=D("28180"),
    balances=VASTMANLAND_2023_BALANCES,
    equity_opening=D("1139518"),
    contributions_total=D("7030000"),
)
VASTMANLAND_2024 = YearFigures(
    year=2024,
    income=D("19042563"),
    costs=D("19147198"),
    financial_income=D("246567"),
    financial_costs=D("60154"),
    balances=Balances(
        receivables=D("266361"),
        cash_and_bank=D("8197546"),
        pension_provisions=D("981654"),
        short_term_liabilities=D("3453767"),
        equity=D("4028486"),
    ),
    equity_opening=D("427565"),
    capital_contribution=D("3519143"),
    contributions_total=D("19038000"),
)
