"""The ledger import (SIE 4) and closed years.

A valid file fills outcome per line and month and the year-end balances; a file
that cannot be trusted is refused with a Swedish reason and nothing is written; the
same file twice is a no-op and a changed file replaces the year. A closed year
refuses every write, whatever the path, until a superuser reopens it with a reason.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest

from budgets import ledger, services
from budgets.ledger import ImportRefused, default_item
from budgets.models import (
    AccountMapping,
    Actual,
    BalanceLine,
    BudgetLine,
    ClosedYearError,
    FiscalYear,
    LedgerImport,
)
from finsam.models import AuditEntry
from finsam.services import ServiceError
from insatser.models import Insats
from insatser.services import insats_save
from tests.decisions import close

HEADER = """\
#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Testprogram" 1.0
#FNAMN "Samordningsförbundet Testbygden"
#ORGNR {orgnr}
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#KPTYP KOMMUNBAS
#DIM 6 "Projekt"
#OBJEKT 6 "TEAM" "Samordningsteamet"
#KONTO 1510 "Kundfordringar"
#KONTO 1930 "Bank"
#KONTO 2011 "Eget kapital"
#KONTO 2440 "Leverantörsskulder"
#KONTO 3011 "Driftbidrag från staten"
#KONTO 4611 "Insatser"
#KONTO 6420 "Kansli och lön"
#KONTO 8310 "Ränteintäkter"
#KTYP 8310 I
#IB 0 1930 1000.00
#IB 0 2011 -1000.00
#UB 0 1510 1000.00
#UB 0 1930 {cash}
#UB 0 2011 -1000.00
#UB 0 2440 -500.00
"""

VERIFICATIONS = """\
#VER A 1 20240115 "Bidrag från staten"
{{
#TRANS 1930 {{}} 10000.00
#TRANS 3011 {{}} -10000.00
}}
#VER A 2 20240320 "Kansli"
{{
#TRANS 6420 {{}} {kansli}
#TRANS 1930 {{}} -{kansli}
}}
#VER A 3 20240321 "Samordningsteamet"
{{
#TRANS 4611 {{6 "TEAM"}} 3000.00
#TRANS 1930 {{}} -3000.00
}}
#VER A 4 20241231 "Ränta"
{{
#TRANS 1930 {{}} 50.00
#TRANS 8310 {{}} -50.00
}}
#VER A 5 20241231 "Periodisering"
{{
#TRANS 1510 {{}} 1000.00
#TRANS 2440 {{}} -500.00
#TRANS 1930 {{}} -500.00
}}
"""


def sie_text(
    *, orgnr: str = "222000-1974", kansli: str = "2000.00", cash: str = "5550.00", extra=""
) -> str:
    return HEADER.format(orgnr=orgnr, cash=cash) + VERIFICATIONS.format(kansli=kansli) + extra


def stream(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("cp437"))


def counts() -> tuple[int, int, int, int]:
    return (
        Actual.objects.count(),
        BalanceLine.objects.count(),
        LedgerImport.objects.count(),
        AuditEntry.objects.count(),
    )


def apply(association, text: str, **kwargs):
    return ledger.apply_import(
        association=association, stream=stream(text), file_name="bokföring.se", **kwargs
    )


@pytest.fixture
def chart(association):
    """Budget lines, an insats with a linked line, and the mapping of the accounts."""
    state = services.budget_line_save(
        association=association, data={"group": BudgetLine.CONTRIBUTION, "name": "Staten"}
    )
    office = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )
    insats = insats_save(
        association=association,
        data={"name": "Samordningsteamet", "code": "TEAM", "kind": Insats.INDIVID},
    )
    team = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.INSATS, "name": "Samordningsteamet", "insats": insats},
    )
    financial = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.FINANCIAL_INCOME, "name": "Finansiella intäkter"},
    )
    ledger.account_mapping_save(association=association, account="3011", line=state)
    ledger.account_mapping_save(association=association, account="6420", line=office)
    return {"state": state, "office": office, "team": team, "financial": financial}


def outcome(association, year=2024) -> dict[tuple[str, int], D]:
    return {
        (a.line.name, a.month): a.amount
        for a in Actual.objects.filter(line__association=association, year=year).select_related(
            "line"
        )
    }


def previous_year_balances(association) -> None:
    """2023's closing balances, so 2024's cash flow can be computed."""
    fiscal_year = services.fiscal_year_ensure(association=association, year=2023)
    services.balance_line_save(
        fiscal_year=fiscal_year,
        data={"item": BalanceLine.CASH, "label": "Bank", "amount": D(1000)},
    )


# --- a valid file -----------------------------------------------------------------


def test_default_item_by_account_class():
    assert default_item("1510") == BalanceLine.RECEIVABLES
    assert default_item("1810") == BalanceLine.PLACEMENTS
    assert default_item("1930") == BalanceLine.CASH
    assert default_item("2011") == "eget_kapital"
    assert default_item("2230") == BalanceLine.PENSIONS
    assert default_item("2440") == BalanceLine.LIABILITIES
    # The statements have no line for fixed assets, untaxed reserves or long-term
    # debt: the nearest line, with a note in the preview.
    assert ledger._item_with_note("1220")[0] == BalanceLine.RECEIVABLES
    assert "anläggningstillgångar" in ledger._item_with_note("1220")[1]
    assert ledger._item_with_note("2150")[0] == BalanceLine.PENSIONS
    assert ledger._item_with_note("2350")[0] == BalanceLine.LIABILITIES
    assert default_item("3010") is None


def test_a_valid_file_fills_outcome_per_line_and_month(association, chart):
    plan, record = apply(association, sie_text())
    assert record is not None
    assert plan.year == 2024 and plan.unmapped == [] and plan.verification_count == 5
    assert outcome(association) == {
        ("Staten", 1): D(10000),  # income, credit in SIE, stored positive
        ("Kansli", 3): D(2000),
        ("Samordningsteamet", 3): D(3000),  # by the projekt object's insats code
        ("Finansiella intäkter", 12): D(50),  # class 8 with #KTYP I
    }
    fiscal_year = FiscalYear.objects.get(association=association, year=2024)
    assert fiscal_year.equity_opening == D(1000)  # #IB of 2011, negated
    balances = {
        (b.item, b.label, b.account): b.amount
        for b in BalanceLine.objects.filter(fiscal_year=fiscal_year)
    }
    assert balances == {
        (BalanceLine.RECEIVABLES, "Kundfordringar", "1510"): D(1000),
        (BalanceLine.CASH, "Bank", "1930"): D(5550),
        (BalanceLine.LIABILITIES, "Leverantörsskulder", "2440"): D(500),  # negated
    }
    assert record.fiscal_year == fiscal_year
    assert record.file_name == "bokföring.se"
    assert len(record.sha256) == 64
    assert AuditEntry.objects.filter(
        object_type__icontains="ledgerimport", object_id=str(record.pk)
    ).exists()


def test_a_financial_cost_account_goes_to_the_financial_cost_line(association, chart):
    services.budget_line_save(
        association=association,
        data={"group": BudgetLine.FINANCIAL_COST, "name": "Finansiella kostnader"},
    )
    extra = """\
#VER A 6 20241130 "Bankavgift"
{
#TRANS 8410 {} 25.00
#TRANS 1930 {} -25.00
}
"""
    apply(association, sie_text(cash="5525.00", extra=extra))
    assert outcome(association)[("Finansiella kostnader", 11)] == D(25)


def test_psaldo_gives_the_monthly_outcome(association, chart):
    periods = """\
#PSALDO 0 202401 3011 {} -10000.00
#PSALDO 0 202402 6420 {} 2000.00
#PSALDO 0 202404 4611 {} 3000.00
#PSALDO 0 202404 4611 {6 "TEAM"} 3000.00
#PSALDO 0 202412 8310 {} -50.00
"""
    plan, record = apply(association, sie_text() + periods)
    assert record is not None
    assert outcome(association) == {
        ("Staten", 1): D(10000),
        ("Kansli", 2): D(2000),  # the verification is dated March
        ("Samordningsteamet", 4): D(3000),
        ("Finansiella intäkter", 12): D(50),
    }


def test_plan_import_writes_nothing(association, chart):
    before = counts()
    plan = ledger.plan_import(association=association, stream=stream(sie_text()), file_name="x.se")
    assert counts() == before
    assert plan.can_apply
    changes = {c.label: (c.stored, c.new) for c in plan.lines}
    assert changes["Kansli"] == (D(0), D(2000))
    assert plan.equity is not None and plan.equity.new == D(1000)


# --- refusals ----------------------------------------------------------------------


def _refused(association, data, match: str, **kwargs) -> ImportRefused:
    before = counts()
    source = stream(data) if isinstance(data, str) else io.BytesIO(data)
    with pytest.raises(ImportRefused, match=match) as info:
        ledger.apply_import(association=association, stream=source, file_name="fel.se", **kwargs)
    assert counts() == before
    return info.value


def test_wrong_orgnr_is_refused(association, chart):
    error = _refused(association, sie_text(orgnr="222000-2824"), "organisationsnummer")
    assert "222000-2824" in str(error) and "Testbygden" in str(error)


def test_an_unbalanced_verification_is_refused_naming_the_line(association, chart):
    text = sie_text().replace("#TRANS 3011 {} -10000.00", "#TRANS 3011 {} -9999.00")
    line = text.splitlines().index('#VER A 1 20240115 "Bidrag från staten"') + 1
    error = _refused(association, text, "balanserar inte")
    assert f"Rad {line}" in str(error)


def test_a_verification_outside_the_year_is_refused(association, chart):
    text = sie_text().replace("#VER A 2 20240320", "#VER A 2 20250320")
    error = _refused(association, text, "utanför räkenskapsåret 2024")
    line = text.splitlines().index('#VER A 2 20250320 "Kansli"') + 1
    assert f"rad {line}" in str(error).lower()


def test_a_file_without_rar_0_is_refused(association, chart):
    text = sie_text().replace("#RAR 0 20240101 20241231\n", "")
    _refused(association, text, "#RAR 0")


def test_a_file_that_is_not_sie_is_refused(association, chart):
    _refused(association, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "inte en SIE-fil")
    _refused(association, b"Hej, detta \xe4r ett brev.\n", "inte en SIE-fil")


def test_a_closed_year_refuses_the_import(association, chart):
    FiscalYear.objects.create(
        association=association, year=2024, closed_on=datetime.date(2025, 3, 20)
    )
    _refused(association, sie_text(), "stängt")


def test_a_file_of_another_year_than_expected_is_refused(association, chart):
    _refused(association, sie_text(), "2024.*2023", expected_year=2023)
    plan, record = apply(association, sie_text(), expected_year=2024)
    assert record is not None


def test_an_unmapped_account_is_listed_and_refused(association, chart):
    # Class 9 (internal accounts) has no default in any chart.
    extra = """\
#VER A 6 20240601 "Internt"
{
#TRANS 9999 {} 100.00
#TRANS 1930 {} -100.00
}
"""
    text = sie_text(cash="5450.00", extra=extra)
    plan = ledger.plan_import(association=association, stream=stream(text), file_name="x.se")
    assert [u.account for u in plan.unmapped] == ["9999"]
    assert not plan.can_apply
    row = next(r for r in plan.mapping if r.account == "9999")
    # Nothing is guessed for it: no line of any kind is preselected.
    assert (row.target, row.choice, row.rule) == ("", "", 4)
    assert row.how == "regel 4: ingen standard för klass 9; välj en rad"
    _refused(association, text, "9999")
    # Once mapped, it imports.
    ledger.account_mapping_save(association=association, account="9999", line=chart["office"])
    plan, record = apply(association, sie_text(cash="5450.00", extra=extra))
    assert record is not None
    assert outcome(association)[("Kansli", 6)] == D(100)


def test_an_account_without_mapping_takes_the_default_of_its_class(association, chart):
    # 5999 is personnel in Kommun-Bas: the cost line named for the office (kansli).
    extra = """\
#VER A 6 20240601 "Personal"
{
#TRANS 5999 {} 100.00
#TRANS 1930 {} -100.00
}
"""
    text = sie_text(cash="5450.00", extra=extra)
    plan = ledger.plan_import(association=association, stream=stream(text), file_name="x.se")
    assert plan.unmapped == []
    row = next(r for r in plan.mapping if r.account == "5999")
    assert (row.target, row.how, row.rule) == (
        "Kansli",
        "regel 3: Kommun-Bas klass 5 (personalkostnader) → raden Kansli",
        3,
    )
    # A projekt object nobody knows goes by the account's class: Kommun-Bas 46 is the
    # purchase of insatser, so the insatser's "ej fördelat" line, never the office's.
    text = sie_text().replace('#TRANS 4611 {6 "TEAM"}', '#TRANS 4611 {6 "OKAND"}')
    plan = ledger.plan_import(association=association, stream=stream(text), file_name="x.se")
    row = next(r for r in plan.mapping if r.account == "4611")
    assert (row.project, row.target, row.rule) == ("OKAND", "", 4)
    assert (
        row.how
        == "regel 4: Kommun-Bas 45–46 (köp av huvudverksamhet) → Kostnader insatser, ej fördelat"
    )
    assert row.missing == "Insatser, ej fördelat" and not plan.can_apply


def test_a_balance_account_without_an_own_line_goes_to_the_nearest_with_a_note(association, chart):
    text = sie_text().replace("2440", "2350")
    plan = ledger.plan_import(association=association, stream=stream(text), file_name="x.se")
    assert plan.unmapped == []
    row = next(r for r in plan.mapping if r.account == "2350")
    assert row.target == "Kortfristiga skulder" and "långfristiga skulder" in row.note
    assert any("2350" in note for note in plan.notes)
    # A changed mapping is remembered for the association.
    ledger.account_mapping_save(association=association, account="2350", item=BalanceLine.PENSIONS)
    apply(association, text)
    line = BalanceLine.objects.get(account="2350")
    assert (line.item, line.amount) == (BalanceLine.PENSIONS, D(500))


# --- the same file twice, a changed file ------------------------------------------


def test_the_same_file_twice_changes_nothing(association, chart):
    apply(association, sie_text())
    before = counts()
    versions = sorted(Actual.objects.values_list("id", "version"))
    plan, record = apply(association, sie_text())
    assert record is None and plan.unchanged and not plan.can_apply
    assert counts() == before
    assert sorted(Actual.objects.values_list("id", "version")) == versions


def test_a_changed_file_replaces_the_year(association, chart):
    apply(association, sie_text())
    # Someone enters an outcome by hand in a month the ledger does not have.
    fiscal_year = FiscalYear.objects.get(association=association, year=2024)
    services.actuals_set(fiscal_year=fiscal_year, line=chart["office"], month=7, amount=D(999))
    text = sie_text(kansli="2500.00", cash="5050.00")
    plan, record = apply(association, text)
    assert record is not None
    assert outcome(association) == {
        ("Staten", 1): D(10000),
        ("Kansli", 3): D(2500),
        ("Samordningsteamet", 3): D(3000),
        ("Finansiella intäkter", 12): D(50),
    }
    balances = {b.label: b.amount for b in BalanceLine.objects.filter(fiscal_year=fiscal_year)}
    assert balances == {"Bank": D(5050), "Kundfordringar": D(1000), "Leverantörsskulder": D(500)}
    assert LedgerImport.objects.filter(association=association).count() == 2
    changes = record.changes
    assert changes["ar"] == 2024
    assert {k: [D(x) for x in v] for k, v in changes["utfall"].items()} == {
        "Kansli": [D(2999), D(2500)]
    }
    assert {k: [D(x) for x in v] for k, v in changes["balanser"].items()} == {
        "Kassa och bank": [D(5550), D(5050)],
    }
    assert changes["ingaende_eget_kapital"] is None


# --- closed years ------------------------------------------------------------------


@pytest.fixture
def closed(association, chart):
    """2024 imported and closed by the board."""
    previous_year_balances(association)
    apply(association, sie_text())
    fiscal_year = FiscalYear.objects.get(association=association, year=2024)
    fiscal_year = close(fiscal_year, datetime.date(2025, 3, 20), " § 7 ")
    assert fiscal_year.is_closed and fiscal_year.closed_paragraph == "§ 7"
    return fiscal_year


def test_a_closed_year_refuses_every_service(association, chart, closed):
    before = counts()
    office = chart["office"]
    balance = BalanceLine.objects.filter(fiscal_year=closed).first()
    attempts = [
        lambda: services.actuals_set(fiscal_year=closed, line=office, month=5, amount=D(1)),
        lambda: services.actuals_replace_year(fiscal_year=closed, amounts={}),
        lambda: services.balance_line_save(
            fiscal_year=closed,
            data={"item": BalanceLine.CASH, "label": "Kassa", "amount": D(1)},
        ),
        lambda: services.balance_line_save(
            fiscal_year=closed, line=balance, data={"amount": D(1)}
        ),
        lambda: services.balance_line_delete(line=balance),
        lambda: services.balance_lines_replace(fiscal_year=closed, rows=[]),
        lambda: services.year_end_save(fiscal_year=closed, data={"employees": D(2)}),
        lambda: services.refuse_closed_year(association, 2024),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError, match="2024 är stängt"):
            attempt()
    assert counts() == before
    closed.refresh_from_db()
    assert closed.employees is None


def test_a_closed_year_refuses_writes_at_the_model(association, chart, closed):
    actual = Actual.objects.filter(line=chart["office"], year=2024).first()
    actual.amount = D(1)
    with pytest.raises(ClosedYearError, match="stängt"):
        actual.save()
    with pytest.raises(ClosedYearError, match="stängt"):
        actual.delete()
    with pytest.raises(ClosedYearError):
        Actual(line=chart["office"], year=2024, month=8, amount=D(5)).save()
    balance = BalanceLine.objects.filter(fiscal_year=closed).first()
    with pytest.raises(ClosedYearError):
        balance.save()
    with pytest.raises(ClosedYearError):
        balance.delete()
    assert Actual.objects.get(pk=actual.pk).amount == D(2000)
    # Another year is not affected.
    Actual(line=chart["office"], year=2025, month=1, amount=D(5)).save()


def test_a_closed_year_refuses_the_import_of_a_changed_file(association, chart, closed):
    before = counts()
    with pytest.raises(ImportRefused, match="stängt"):
        apply(association, sie_text(kansli="2500.00", cash="5050.00"))
    assert counts() == before


def test_reopening_is_for_a_superuser_with_a_reason(
    association, chart, closed, kansli_user, superuser
):
    with pytest.raises(ServiceError, match="systemadministratör"):
        services.fiscal_year_reopen(fiscal_year=closed, reason="Fel i noterna", by=kansli_user)
    with pytest.raises(ServiceError, match="varför"):
        services.fiscal_year_reopen(fiscal_year=closed, reason="  ", by=superuser)
    closed.refresh_from_db()
    assert closed.is_closed
    audits = AuditEntry.objects.count()
    reopened = services.fiscal_year_reopen(
        fiscal_year=closed, reason="Revisorn hittade ett fel", by=superuser
    )
    assert not reopened.is_closed
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.user == superuser
    assert entry.after["reopen_reason"] == "Revisorn hittade ett fel"
    assert entry.before["closed_on"]
    with pytest.raises(ServiceError, match="inte stängt"):
        services.fiscal_year_reopen(fiscal_year=reopened, reason="igen", by=superuser)
    # Open again: the changed file imports.
    plan, record = apply(association, sie_text(kansli="2500.00", cash="5050.00"))
    assert record is not None


def test_closing_refuses_unbalanced_statements_and_a_date_within_the_year(association, chart):
    previous_year_balances(association)
    apply(association, sie_text())
    fiscal_year = FiscalYear.objects.get(association=association, year=2024)
    with pytest.raises(ServiceError, match="efter årets slut"):
        close(fiscal_year, datetime.date(2024, 12, 31))
    services.balance_line_save(
        fiscal_year=fiscal_year,
        data={"item": BalanceLine.CASH, "label": "Kassa", "amount": D(100)},
    )
    with pytest.raises(ServiceError, match="balanserar inte"):
        close(fiscal_year, datetime.date(2025, 3, 20))
    fiscal_year.refresh_from_db()
    assert not fiscal_year.is_closed


def test_account_mapping_save_checks_its_input(association, chart, other_association):
    with pytest.raises(ServiceError, match="siffror"):
        ledger.account_mapping_save(association=association, account="30A1", line=chart["state"])
    with pytest.raises(ServiceError, match="antingen"):
        ledger.account_mapping_save(association=association, account="3011")
    with pytest.raises(ServiceError, match="antingen"):
        ledger.account_mapping_save(
            association=association, account="3011", line=chart["state"], item="fordringar"
        )
    with pytest.raises(ServiceError, match="Okänd balanspost"):
        ledger.account_mapping_save(association=association, account="1510", item="bilar")
    with pytest.raises(ServiceError, match="annat förbund"):
        ledger.account_mapping_save(
            association=other_association, account="3011", line=chart["state"]
        )
    mapping = ledger.account_mapping_save(
        association=association, account=" 3011 ", line=chart["office"]
    )
    assert mapping.account == "3011" and mapping.version == 2
    assert AccountMapping.objects.filter(association=association, account="3011").count() == 1
