"""Year-end statements from the demo data reproduce the annual reports (DOMAIN §9).

Västerås 2020 reaches the database through the SIE import of the demo file, 2019
and Västmanland 2023–2024 through the year-end services; the statements, the key
figures, the driftredovisning and the five-year overview must give the printed
figures to the krona, in a fixed number of queries.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command

from budgets import services
from budgets.models import Actual, BalanceLine, BudgetLine, FiscalYear, LedgerImport
from finsam.models import AuditEntry
from members.models import Association
from reporting.selectors import five_year_overview, operating_report, year_statements

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "budgets" / "vasteras-2020.se"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return {a.slug: a for a in Association.objects.all()}


def _income(s):
    i = s.income
    return (
        i.verksamhetens_intakter,
        i.verksamhetens_kostnader,
        i.verksamhetens_resultat,
        i.finansiella_intakter,
        i.finansiella_kostnader,
        i.resultat_efter_finansiella_poster,
        i.arets_resultat,
    )


def _balance(s):
    b = s.balance
    return (
        b.fordringar,
        b.kortfristiga_placeringar,
        b.kassa_och_bank,
        b.summa_tillgangar,
        b.arets_resultat,
        b.ovrigt_eget_kapital,
        b.eget_kapital,
        b.avsattningar_pensioner,
        b.kortfristiga_skulder,
        b.summa_eget_kapital_avsattningar_och_skulder,
    )


def _flow(s):
    f = s.cash_flow
    return (
        f.arets_resultat,
        f.justering_ej_likviditetspaverkande,
        f.fore_forandring_rorelsekapital,
        f.forandring_kortfristiga_fordringar,
        f.forandring_kortfristiga_skulder,
        f.lopande_verksamhet,
        f.investeringsverksamhet,
        f.finansieringsverksamhet,
        f.arets_kassaflode,
        f.likvida_medel_vid_arets_borjan,
        f.likvida_medel_vid_arets_slut,
    )


def _d(*values: int) -> tuple[D, ...]:
    return tuple(D(v) for v in values)


# --- Västerås 2020 (seed arsredovisning-2020-vasteras.txt) ---------------------------


def test_vasteras_2020_every_figure_of_both_years(demo):
    s = year_statements(association=demo["vasteras"], year=2020)
    assert s.findings == ()
    assert _income(s) == _d(13310000, -13122674, 187326, 0, 0, 187326, 187326)
    assert _balance(s) == _d(
        371691, 0, 11352229, 11723920, 187326, 8053977, 8241303, 0, 3482617, 11723920
    )
    assert _flow(s) == _d(
        187326, 0, 187326, 236548, 677310, 1101184, 0, 0, 1101184, 10251045, 11352229
    )

    p = s.previous
    assert p is not None and p.year == 2019
    assert p.findings == ()
    assert _income(p) == _d(13392000, -12115524, 1276476, 0, 0, 1276476, 1276476)
    assert _balance(p) == _d(
        608239, 0, 10251045, 10859284, 1276476, 6777501, 8053977, 0, 2805307, 10859284
    )
    assert _flow(p) == _d(
        1276476, 0, 1276476, -92696, -984622, 199158, 0, 0, 199158, 10051887, 10251045
    )


def test_vasteras_2020_key_figures(demo):
    s = year_statements(association=demo["vasteras"], year=2020)
    assert round(s.key_figures.soliditet_procent) == 70
    assert round(s.previous.key_figures.soliditet_procent) == 74
    assert f"{s.key_figures.eget_kapital_andel_av_bidrag_procent:.1f}" == "61.9"
    assert s.key_figures.over_taket
    assert s.key_figures.balanskravsresultat == D(187326)
    data = s.as_json()
    assert data["nyckeltal"]["eget_kapital_andel_av_bidrag_procent"] == "61.9"
    assert data["kassaflodesanalys"]["arets_kassaflode"] == "1101184.00"
    assert data["previous_year"]["balansrakning"]["eget_kapital"] == "8053977.00"
    assert data["findings"] == [] and data["previous_year"]["findings"] == []


def test_vasteras_2020_came_through_the_sie_import(demo):
    vasteras = demo["vasteras"]
    digest = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    record = LedgerImport.objects.get(association=vasteras, fiscal_year__year=2020)
    assert record.sha256 == digest
    assert record.file_name == "vasteras-2020.se"
    fiscal_year = FiscalYear.objects.get(association=vasteras, year=2020)
    assert fiscal_year.equity_opening == D(8053977)
    # Outcome spread over the months of the verifications, not one December figure.
    months = set(
        Actual.objects.filter(line__association=vasteras, year=2020).values_list(
            "month", flat=True
        )
    )
    assert len(months) > 1
    # Balances from #UB with liabilities positive; the 2011 equity account is no line.
    lines = {
        (b.item, b.account): b.amount for b in BalanceLine.objects.filter(fiscal_year=fiscal_year)
    }
    assert lines[(BalanceLine.CASH, "1930")] == D(11352229)
    assert lines[(BalanceLine.LIABILITIES, "2962")] == D(1862386)
    assert not any(account == "2011" for _, account in lines)


def test_loading_the_demo_again_changes_nothing(demo):
    imports = LedgerImport.objects.count()
    audits = AuditEntry.objects.count()
    actuals = sorted(Actual.objects.values_list("line_id", "year", "month", "amount", "version"))
    call_command("load_demo", verbosity=0)
    assert LedgerImport.objects.count() == imports
    assert (
        sorted(Actual.objects.values_list("line_id", "year", "month", "amount", "version"))
        == actuals
    )
    assert AuditEntry.objects.count() == audits


# --- Västmanland 2024 (seed arsredovisning-2024-vastmanland.txt) ----------------------


def test_vastmanland_2024_every_figure_of_both_years(demo):
    s = year_statements(association=demo["vastmanland"], year=2024)
    assert s.findings == ()
    assert _income(s) == _d(19042563, -19147198, -104635, 246567, -60154, 81778, 81778)
    assert _balance(s) == _d(
        266361, 0, 8197546, 8463907, 81778, 3946708, 4028486, 981654, 3453767, 8463907
    )
    # 3 946 708 = opening 427 565 + kapitaltillskott 3 519 143.
    assert s.figures.equity_opening == D(427565)
    assert s.figures.capital_contribution == D(3519143)
    assert _flow(s) == _d(
        81778, 495797, 577575, 103107, 1648543, 2329225, 0, 3519143, 5848368, 2349178, 8197546
    )

    p = s.previous
    assert p is not None and p.year == 2023
    assert p.findings == ()
    assert _income(p) == _d(7130004, -7920863, -790859, 107086, -28180, -711953, -711953)
    assert _balance(p) == _d(
        369468, 0, 2349178, 2718646, -711953, 1139518, 427565, 485857, 1805224, 2718646
    )
    assert _flow(p) == _d(
        -711953, 254733, -457220, -291762, 199138, -549844, 0, 0, -549844, 2899022, 2349178
    )


def test_vastmanland_2024_key_figures_and_cost_distribution(demo):
    s = year_statements(association=demo["vastmanland"], year=2024)
    assert f"{s.key_figures.soliditet_procent:.1f}" == "47.6"
    assert f"{s.previous.key_figures.soliditet_procent:.1f}" == "15.7"
    assert s.key_figures.eget_kapital_andel_av_bidrag_procent > 20
    assert s.key_figures.over_taket
    assert s.costs.percent == {
        "individ": 66,
        "struktur": 11,
        "processtod": 10,
        "administration": 13,
    }
    assert sum(s.costs.costs.values()) == D(19147198)


def test_vastmanland_2024_json(demo):
    data = year_statements(association=demo["vastmanland"], year=2024).as_json()
    assert set(data) >= {
        "resultatrakning",
        "balansrakning",
        "kassaflodesanalys",
        "nyckeltal",
        "findings",
        "previous_year",
    }
    assert data["kassaflodesanalys"]["arets_kassaflode"] == "5848368.00"
    assert data["kassaflodesanalys"]["finansieringsverksamhet"] == "3519143.00"
    assert data["kassaflodesanalys"]["likvida_medel_vid_arets_slut"] == "8197546.00"
    assert data["resultatrakning"]["arets_resultat"] == "81778.00"
    assert data["resultatrakning"]["verksamhetens_kostnader"] == "-19147198.00"
    assert data["balansrakning"]["summa_tillgangar"] == "8463907.00"
    assert data["balansrakning"]["eget_kapital"] == "4028486.00"
    assert data["previous_year"]["resultatrakning"]["arets_resultat"] == "-711953.00"
    assert data["previous_year"]["kassaflodesanalys"]["arets_kassaflode"] == "-549844.00"
    assert data["previous_year"]["nyckeltal"]["soliditet_procent"] == "15.7"
    assert data["nyckeltal"]["soliditet_procent"] == "47.6"
    assert data["nyckeltal"]["balanskravsresultat"] == "81778.00"
    assert data["findings"] == []
    assert data["previous_year"]["findings"] == []


def test_vastmanland_2024_operating_report(demo):
    report = operating_report(association=demo["vastmanland"], year=2024)
    totals = {s.key: s.total for s in report.sections}
    assert totals["individ"].outcome_cost == D(-12705567)
    assert totals["struktur"].outcome_cost == D(-2190763)
    assert totals["processtod"].outcome_cost == D(-1814996)
    assert totals["administration"].outcome_cost == D(-2435872)
    # the seed's driftredovisning: the members' 19 038 tkr as income, the other
    # income 4 564 kr with the administration (5 tkr, net -2 431 tkr, 2023: 100 tkr)
    assert totals["intakter"].outcome_income == D(19037999)
    assert totals["administration"].outcome_income == D(4564)
    assert totals["administration"].outcome_net == D(4564 - 2435872)
    assert totals["administration"].previous_income == D(100000)
    # ... on the Kansli row, where the seed prints it (reported_under): no row of its own
    rows = {r.label: r for s in report.sections for r in s.rows}
    assert "Övriga intäkter" not in rows
    kansli = rows["Kansli + bilkonto"]
    assert (kansli.outcome_income, kansli.outcome_cost) == (D(4564), D(-1756872))
    assert kansli.budget_net == D(-2244000)
    assert kansli.deviation == D(4564 - 1756872 + 2244000)
    assert kansli.previous_income == D(100000)
    assert report.financial.outcome_net == D(246567 - 60154)
    assert report.total.outcome_net == D(81778)
    rows = {r.label: r for s in report.sections for r in s.rows}
    team = rows["Samordningsteam Västerås"]
    assert team.budget_cost == D(-6200000)
    assert team.budget_net == D(-6200000)
    assert team.outcome_net == D(-5831567)
    for section in report.sections:
        for row in (*section.rows, section.total):
            if row.budget_net is not None:
                assert row.deviation == row.outcome_net - row.budget_net
    assert team.deviation == D(-5831567 + 6200000)


def test_vastmanland_five_year_overview(demo):
    overview = five_year_overview(association=demo["vastmanland"], year=2024)
    assert [y.year for y in overview] == [2020, 2021, 2022, 2023, 2024]
    *_, y2023, y2024 = overview
    assert y2023.result == D(-711953)
    assert y2024.result == D(81778)
    assert y2024.employees == 3
    assert y2024.income == D(19042563 + 246567)
    assert y2024.costs == D(-19147198 - 60154)
    assert f"{y2024.solidity_percent:.1f}" == "47.6"
    assert f"{y2023.solidity_percent:.1f}" == "15.7"


# --- A fixed number of queries whatever the amount of data ---------------------------

YEAR_STATEMENTS_QUERIES = 3
FIVE_YEAR_QUERIES = 4
OPERATING_REPORT_QUERIES = 5


def _measure(association, django_assert_max_num_queries):
    with django_assert_max_num_queries(YEAR_STATEMENTS_QUERIES):
        year_statements(association=association, year=2024)
    with django_assert_max_num_queries(FIVE_YEAR_QUERIES):
        five_year_overview(association=association, year=2024)
    with django_assert_max_num_queries(OPERATING_REPORT_QUERIES):
        operating_report(association=association, year=2024)


def test_reports_take_a_fixed_number_of_queries(
    demo, django_assert_max_num_queries, django_user_model
):
    vastmanland = Association.objects.get(slug="vastmanland")
    _measure(vastmanland, django_assert_max_num_queries)

    before = year_statements(association=vastmanland, year=2024)
    # The demo closes 2024; the extra rows go in after a reopening, as a correction would.
    admin = django_user_model.objects.create_superuser(username="rattare", password="x-1234-abcd")
    fiscal_year = services.fiscal_year_reopen(
        fiscal_year=FiscalYear.objects.get(association=vastmanland, year=2024),
        reason="Rättelse",
        by=admin,
    )
    for n in range(40):
        line = services.budget_line_save(
            association=vastmanland,
            data={"group": BudgetLine.INSATS, "name": f"Extra insats {n}", "category": "individ"},
        )
        for month in range(1, 13):
            services.actuals_set(fiscal_year=fiscal_year, line=line, month=month, amount=D(0))
    for n in range(15):
        for item in (BalanceLine.RECEIVABLES, BalanceLine.LIABILITIES):
            services.balance_line_save(
                fiscal_year=fiscal_year,
                data={"item": item, "label": f"Extra {n}", "amount": D(0)},
            )
    assert Actual.objects.filter(line__association=vastmanland, year=2024).count() >= 480
    assert BalanceLine.objects.filter(fiscal_year=fiscal_year).count() >= 30

    _measure(vastmanland, django_assert_max_num_queries)
    after = year_statements(association=vastmanland, year=2024)
    assert after.income == before.income
    assert after.balance == before.balance
    assert after.findings == ()
