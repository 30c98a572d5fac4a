"""The statements reproduce DOMAIN §9 to the krona, and show any mismatch."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from reporting.statements import (
    balance_sheet,
    cash_flow,
    income_statement,
    key_figures,
    statements_json,
)
from tests.reporting import reference_data as ref


def test_vasteras_2020_income_statement_and_balance_sheet():
    income = income_statement(ref.VASTERAS_2020)
    assert income.verksamhetens_intakter == D("13310000")
    assert income.verksamhetens_kostnader == D("-13122674")
    assert income.arets_resultat == D("187326")
    assert income_statement(ref.VASTERAS_2019).arets_resultat == D("1276476")
    sheet = balance_sheet(ref.VASTERAS_2020)
    assert sheet.summa_tillgangar == D("11723920")
    assert sheet.eget_kapital == D("8241303")
    assert sheet.kortfristiga_skulder == D("3482617")
    assert sheet.summa_eget_kapital_avsattningar_och_skulder == D("11723920")
    assert sheet.findings == ()
    assert balance_sheet(ref.VASTERAS_2019).summa_tillgangar == D("10859284")


def test_vasteras_2020_cash_flow_and_key_figures():
    flow = cash_flow(ref.VASTERAS_2020, ref.VASTERAS_2019_BALANCES)
    assert flow.forandring_kortfristiga_fordringar == D("236548")
    assert flow.forandring_kortfristiga_skulder == D("677310")
    assert flow.arets_kassaflode == D("1101184")
    assert flow.likvida_medel_vid_arets_slut - flow.likvida_medel_vid_arets_borjan == D("1101184")
    assert flow.findings == ()
    keys = key_figures(ref.VASTERAS_2020)
    assert round(keys.soliditet_procent) == 70
    assert round(key_figures(ref.VASTERAS_2019).soliditet_procent) == 74
    assert f"{keys.eget_kapital_andel_av_bidrag_procent:.1f}" == "61.9"
    assert keys.over_taket


def test_vastmanland_2024_every_line_of_both_years():
    income = income_statement(ref.VASTMANLAND_2024)
    assert (
        income.verksamhetens_intakter,
        income.verksamhetens_kostnader,
        income.verksamhetens_resultat,
        income.finansiella_intakter,
        income.finansiella_kostnader,
        income.arets_resultat,
    ) == (D("19042563"), D("-19147198"), D("-104635"), D("246567"), D("-60154"), D("81778"))
    previous = income_statement(ref.VASTMANLAND_2023)
    assert previous.verksamhetens_resultat == D("-790859")
    assert previous.arets_resultat == D("-711953")
    sheet = balance_sheet(ref.VASTMANLAND_2024)
    assert sheet.summa_tillgangar == D("8463907")
    assert sheet.eget_kapital == D("4028486")
    assert sheet.ovrigt_eget_kapital == D("3946708")
    assert sheet.avsattningar_pensioner == D("981654")
    assert sheet.summa_eget_kapital_avsattningar_och_skulder == D("8463907")
    before = balance_sheet(ref.VASTMANLAND_2023)
    assert (before.summa_tillgangar, before.eget_kapital, before.ovrigt_eget_kapital) == (
        D("2718646"),
        D("427565"),
        D("1139518"),
    )
    assert sheet.findings == before.findings == ()


def test_vastmanland_2024_cash_flow_with_the_capital_contribution():
    flow = cash_flow(ref.VASTMANLAND_2024, ref.VASTMANLAND_2023_BALANCES)
    assert flow.justering_ej_likviditetspaverkande == D("495797")
    assert flow.fore_forandring_rorelsekapital == D("577575")
    assert flow.forandring_kortfristiga_fordringar == D("103107")
    assert flow.forandring_kortfristiga_skulder == D("1648543")
    assert flow.lopande_verksamhet == D("2329225")
    assert flow.finansieringsverksamhet == D("3519143")
    assert flow.arets_kassaflode == D("5848368")
    assert flow.findings == ()
    previous = cash_flow(ref.VASTMANLAND_2023, ref.VASTMANLAND_2022_BALANCES)
    assert previous.fore_forandring_rorelsekapital == D("-457220")
    assert previous.lopande_verksamhet == D("-549844")
    assert previous.arets_kassaflode == D("-549844")
    keys = key_figures(ref.VASTMANLAND_2024)
    assert f"{keys.soliditet_procent:.1f}" == "47.6"
    assert f"{key_figures(ref.VASTMANLAND_2023).soliditet_procent:.1f}" == "15.7"
    assert round(keys.eget_kapital_andel_av_bidrag_procent) == 21 and keys.over_taket


def test_a_mismatch_is_a_finding_not_an_exception():
    wrong = dataclasses.replace(
        ref.VASTMANLAND_2024,
        balances=dataclasses.replace(ref.VASTMANLAND_2024.balances, cash_and_bank=D("8197545")),
    )
    sheet = balance_sheet(wrong)
    assert sheet.findings == (
        "Balansräkningen 2024 balanserar inte: tillgångar 8\u00a0463\u00a0906, eget kapital, "
        "avsättningar och skulder 8\u00a0463\u00a0907, skillnad \u22121.",
    )
    flow = cash_flow(wrong, ref.VASTMANLAND_2023_BALANCES)
    assert "skillnad 1" in flow.findings[0]


def test_the_json_has_exactly_the_agreed_keys():
    data = statements_json(
        ref.VASTMANLAND_2024,
        ref.VASTMANLAND_2023_BALANCES,
        ref.VASTMANLAND_2023,
        ref.VASTMANLAND_2022_BALANCES,
    )
    assert set(data) == {
        "resultatrakning",
        "balansrakning",
        "kassaflodesanalys",
        "nyckeltal",
        "findings",
        "previous_year",
    }
    assert data["resultatrakning"]["verksamhetens_kostnader"] == "-19147198.00"
    assert data["kassaflodesanalys"]["finansieringsverksamhet"] == "3519143.00"
    assert data["kassaflodesanalys"]["arets_kassaflode"] == "5848368.00"
    assert data["nyckeltal"] == {
        "soliditet_procent": "47.6",
        "eget_kapital_andel_av_bidrag_procent": "21.2",
        "balanskravsresultat": "81778.00",
    }
    assert data["findings"] == []
    assert data["previous_year"]["resultatrakning"]["arets_resultat"] == "-711953.00"
    assert len(data["balansrakning"]) == 10 and len(data["kassaflodesanalys"]) == 11


def test_vastmanland_2024_cost_distribution_is_66_11_10_13():
    from reporting.statements import cost_distribution

    # Driftredovisning 2024, outcome costs (tkr): individinsatser 12 706, strukturpåverkande
    # 2 191 (with unallocated funds), processtöd 1 815, administration 2 436.
    result = cost_distribution(
        {
            "individ": D("12706000"),
            "struktur": D("2191000"),
            "processtod": D("1815000"),
            "administration": D("2436000"),
        }
    )
    assert result.percent == {
        "individ": 66,
        "struktur": 11,
        "processtod": 10,
        "administration": 13,
    }
    assert sum(result.percent.values()) == 100
    # The exact shares round to 66, 11, 9 and 13: only largest remainder makes them sum to 100.
    assert round(result.exact_percent["processtod"]) == 9
