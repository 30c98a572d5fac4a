"""Imports that book like an accountant (issue 20), with files written for them.

Projekt objects land on the insatser whose code or name they carry and are remembered;
a contribution account for all municipalities is split by the year's allocation to
the öre; no cost lands on the board's line by default; balance accounts are offered
only balance items; an empty #ORGNR asks for a confirmation naming the association;
a first year has no year before it. Every rule is named in the preview and on the
command line.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets import ledger, services
from budgets.models import (
    AccountMapping,
    Actual,
    BalanceLine,
    BudgetLine,
    FiscalYear,
    ProjectMapping,
)
from finsam.services import ServiceError
from insatser.models import Insats
from insatser.services import insats_save
from members.models import Member, StateAllocation
from members.services import allocation_save
from reporting.decisions import annual_report_checklist
from reporting.selectors import year_statements
from tests.decisions import close

FILES = Path(__file__).parent / "sie_files"
PROJECTS = "kommunbas_projekt_och_bidrag.se"
BAS_COSTS = "bas_kostnader_utan_styrelse.se"
EMPTY_ORGNR = "specter_tomt_orgnr.se"
FIRST_YEAR = "forsta_aret.se"
# Ten municipalities and their population, the key of 2025's allocation.
POPULATION = {
    "Köpings kommun": 26234,
    "Arboga kommun": 14107,
    "Kungsörs kommun": 8741,
    "Surahammars kommun": 10063,
    "Hallstahammars kommun": 16372,
    "Fagersta kommun": 13411,
    "Norbergs kommun": 5741,
    "Skinnskattebergs kommun": 4354,
    "Sala kommun": 22961,
    "Heby kommun": 14303,
}


def plan_of(association, name: str, data: bytes | None = None):
    content = data if data is not None else (FILES / name).read_bytes()
    return ledger.plan_import(association=association, stream=io.BytesIO(content), file_name=name)


def apply_file(association, name: str, data: bytes | None = None, **kwargs):
    content = data if data is not None else (FILES / name).read_bytes()
    return ledger.apply_import(
        association=association, stream=io.BytesIO(content), file_name=name, **kwargs
    )


def outcome(association, year: int) -> dict[str, D]:
    totals: dict[str, D] = {}
    for a in Actual.objects.filter(line__association=association, year=year).select_related(
        "line"
    ):
        totals[a.line.name] = totals.get(a.line.name, D(0)) + a.amount
    return totals


def line(association, group: str, name: str, **extra) -> BudgetLine:
    return services.budget_line_save(
        association=association, data={"group": group, "name": name, **extra}
    )


def rows(plan) -> dict[tuple[str, str], ledger.AccountRow]:
    return {(r.account, r.project): r for r in plan.mapping}


@pytest.fixture
def vastmanland(association):
    """Ten municipalities with a line each and 2025's allocation by population; the
    insatser with the application's own codes, named as the ledger's projekt objects
    (one name differs in case and spaces)."""
    for order, name in enumerate(POPULATION, 10):
        if not association.members.filter(name=name).exists():
            Member.objects.create(
                association=association, kind=Member.KOMMUN, name=name, sort_order=order
            )
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    members = {m.name: m for m in association.members.filter(kind=Member.KOMMUN)}
    for name, member in members.items():
        line(association, BudgetLine.CONTRIBUTION, name, member=member)
    allocation_save(
        association=association,
        year=2025,
        amount=D(9600000),
        decided_on=datetime.date(2024, 11, 20),
        key_basis=StateAllocation.POPULATION,
        weights={members[name].id: D(n) for name, n in POPULATION.items()},
    )
    lines = {"Styrelse": line(association, BudgetLine.ADMINISTRATION, "Styrelse")}
    for code, name in [("SAMSURA", "Samordningsteam Surahammar"), ("JOBB", "Jobbfokus Köping")]:
        insats = insats_save(
            association=association, data={"name": name, "code": code, "kind": Insats.INDIVID}
        )
        lines[name] = line(association, BudgetLine.INSATS, name, insats=insats)
    return lines


# --- projekt objects → insatser, remembered ---------------------------------------------


def test_projekt_objects_land_on_the_insatser_by_name_and_are_remembered(association, vastmanland):
    plan = plan_of(association, PROJECTS)
    by_row = rows(plan)
    p01, p02 = by_row[("4610", "P01")], by_row[("4610", "P02")]
    assert (p01.target, p01.rule, p01.amount) == ("Samordningsteam Surahammar", 2, D(2500000))
    assert p01.how == (
        "regel 2: projekt P01 ”Samordningsteam Surahammar”: insatsen ”Samordningsteam "
        "Surahammar” har samma namn (förslag; sparas när filen läses in)"
    )
    # "JOBBFOKUS  köping" is "Jobbfokus Köping", case and spaces aside.
    assert (p02.target, p02.rule) == ("Jobbfokus Köping", 2)
    # The object no insats carries falls to the insatser's "ej fördelat" line, which
    # the association lacks: the preview offers to create it, and the file waits.
    p09 = by_row[("4610", "P09")]
    assert (p09.target, p09.rule, p09.missing) == ("", 4, "Insatser, ej fördelat")
    assert p09.missing_group == BudgetLine.INSATS and not plan.can_apply
    line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    plan, record = apply_file(association, PROJECTS, confirm=True)
    assert record is not None
    got = outcome(association, 2025)
    assert got["Samordningsteam Surahammar"] == D(2500000)
    assert got["Jobbfokus Köping"] == D(1700000)
    assert got["Insatser, ej fördelat"] == D(50000)
    assert got["Styrelse"] == D(150000)  # 6410 Styrelsearvoden by its name, nothing more
    remembered = {m.code: m.line.name for m in ProjectMapping.objects.select_related("line")}
    assert remembered == {"P01": "Samordningsteam Surahammar", "P02": "Jobbfokus Köping"}
    # The next import takes them by rule 1, and the same file changes nothing.
    again = plan_of(association, PROJECTS)
    assert rows(again)[("4610", "P01")].how == "regel 1: förbundets mappning för projekt P01"
    assert rows(again)[("4610", "P01")].rule == 1
    assert again.unchanged


def test_an_object_falling_to_rule_4_is_a_finding_with_its_amount(association, vastmanland):
    line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    plan = plan_of(association, PROJECTS)
    p09 = rows(plan)[("4610", "P09")]
    assert (p09.target, p09.rule) == ("Insatser, ej fördelat", 4)
    assert p09.how == (
        "regel 4: Kommun-Bas 45–46 (köp av huvudverksamhet) → Kostnader insatser, ej fördelat"
    )
    finding = next(f for f in plan.findings if "P09" in f)
    assert finding.replace("\xa0", " ") == (
        "Konto 4610 Köp av huvudverksamhet, projekt P09 ”Förstudie Hallstahammar”: "
        "50 000,00 hamnar på Insatser, ej fördelat (regel 4, ej fördelat). Välj en rad i "
        "mappningen, eller bekräfta."
    )
    with pytest.raises(ledger.ImportRefused, match="bekräftas"):
        apply_file(association, PROJECTS)
    assert not Actual.objects.exists()
    # Assigned in the preview, the object is no finding any more.
    ledger.project_mapping_save(
        association=association, code="P09", line=vastmanland["Jobbfokus Köping"]
    )
    plan = plan_of(association, PROJECTS)
    assert rows(plan)[("4610", "P09")].rule == 1
    assert not [f for f in plan.findings if "P09" in f]


# --- one contribution account for ten municipalities ------------------------------------


def test_one_contribution_account_is_split_over_ten_municipalities_to_the_ore(
    association, vastmanland
):
    line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    contributions = {
        c.name: c.amount
        for c in StateAllocation.objects.get(association=association, year=2025)
        .contributions.filter(party="kommun")
        .order_by("sort_order")
    }
    assert len(contributions) == 10
    plan = plan_of(association, PROJECTS)
    row = rows(plan)[("3730", "")]
    assert row.rule == 3 and "delas efter 2025 års beslutade fördelning" in row.how
    parts = dict(row.parts)
    assert set(parts) == set(POPULATION)
    assert sum(parts.values()) == D("4800000.00")
    weight = sum(contributions.values())
    for name, part in parts.items():
        exact = D(4800000) * contributions[name] / weight
        assert abs(part - exact) < D("0.01"), name  # to the öre, the remainder by rule
        assert part == part.quantize(D("0.01"))
    assert any(f.startswith("Konto 3730 Driftbidrag från kommunerna") for f in plan.findings)
    # The 20 % rule counts what the file books as contributions: the state's and
    # the municipalities'.
    assert plan.preview.contributions == D(14400000)
    apply_file(association, PROJECTS, confirm=True)
    got = outcome(association, 2025)
    assert {name: got[name] for name in POPULATION} == parts
    assert "Övriga intäkter" not in got
    figures = year_statements(association=association, year=2025).figures
    assert figures.contributions_total == D(14400000)


# --- a BAS ledger: no cost on the board's line ------------------------------------------


def test_no_cost_lands_on_the_boards_line(association):
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    board = line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    line(association, BudgetLine.ADMINISTRATION, "Kansli")
    line(association, BudgetLine.ADMINISTRATION, "Revisionskostnader")
    plan = plan_of(association, BAS_COSTS)
    by_row = rows(plan)
    costs = ["4010", "4990", "5010", "5020", "6530", "6570"]
    for account in costs:
        row = by_row[(account, "")]
        assert row.rule == 4 and row.target == "", account
        assert row.missing == "Verksamhetens kostnader, ej fördelat", account
        assert row.choice == ""  # nothing of another kind is preselected
    assert by_row[("7240", "")].target == "Styrelse" and by_row[("7240", "")].rule == 3
    assert by_row[("6420", "")].target == "Revisionskostnader"
    assert (
        by_row[("6420", "")].how == "regel 3: kontots namn ”Revision” → raden Revisionskostnader"
    )
    # The preview creates the missing line in place; the accounts then land on it,
    # each a finding with its amount.
    created = ledger.account_line_create(
        association=association,
        account="5010",
        group=BudgetLine.ADMINISTRATION,
        name="Verksamhetens kostnader, ej fördelat",
    )
    plan = plan_of(association, BAS_COSTS)
    assert rows(plan)[("5010", "")].rule == 1  # the account the line was created for
    for account in ["4010", "4990", "5020", "6530", "6570"]:
        assert rows(plan)[(account, "")].target == created.name
        assert any(f.startswith(f"Konto {account} ") for f in plan.findings), account
    apply_file(association, BAS_COSTS, confirm=True)
    got = outcome(association, 2025)
    assert got["Styrelse"] == D(90000)
    assert got[created.name] == D("202150.00")  # 120 000 + 8 400 + 15 000 − 2 500 + 60 000 + 1 250
    assert Actual.objects.filter(line=board).count() == 1
    # The closing checklist lists what is left on the "ej fördelat" line.
    warnings = [
        w.replace("\xa0", " ") for w in annual_report_checklist(association, 2025).warnings
    ]
    assert (
        "Verksamhetens kostnader, ej fördelat: 202 150 kr ligger kvar som ej fördelat 2025. "
        "Mappa kontona i SIE-inläsningen till rätt rader, eller bekräfta."
    ) in warnings


# --- balance accounts: balance items only -----------------------------------------------


def test_balance_accounts_are_offered_only_balance_items(association, kansli_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    board = line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    url = f"/{association.slug}/bokslut/2025/sie/"
    content = (FILES / BAS_COSTS).read_bytes()
    response = kansli_client.post(
        url, {"action": "upload", "file": SimpleUploadedFile(BAS_COSTS, content)}
    )
    page = kansli_client.get(response["Location"]).content.decode()
    bank = page.split('id="target-1930"', 1)[1].split("</select>", 1)[0]
    assert "item:kassa_och_bank" in bank and "line:" not in bank
    rent = page.split('id="target-5010"', 1)[1].split("</select>", 1)[0]
    assert f"line:{board.id}" in rent and "item:" not in rent
    assert "regel 4: BAS 50–51 (lokalkostnader) → Verksamhetens kostnader, ej fördelat" in page
    assert 'value="Verksamhetens kostnader, ej fördelat"' in page  # the line to create
    with pytest.raises(ServiceError, match="balanskonto"):
        ledger.account_mapping_save(association=association, account="1930", line=board)
    with pytest.raises(ServiceError, match="resultatkonto"):
        ledger.account_mapping_save(association=association, account="5010", item="fordringar")
    # The page creates the missing line and maps the account to it.
    upload = response["Location"].rsplit("=", 1)[1]
    kansli_client.post(
        url,
        {
            "action": "new_line",
            "fil": upload,
            "account": "5010",
            "group": BudgetLine.ADMINISTRATION,
            "name": "Lokaler",
        },
    )
    lokaler = BudgetLine.objects.get(association=association, name="Lokaler")
    assert lokaler.group == BudgetLine.ADMINISTRATION
    assert rows(plan_of(association, BAS_COSTS))[("5010", "")].target == "Lokaler"


# --- an empty #ORGNR ------------------------------------------------------------------


def test_an_empty_orgnr_reads_and_asks_to_confirm_the_association(association):
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    plan = plan_of(association, EMPTY_ORGNR)
    assert plan.findings[0] == (
        "Filen (”Övningsbolaget AB”) anger inget organisationsnummer (#ORGNR saknas eller är "
        "tomt). Den läses in för Samordningsförbundet Testbygden (222000-1974); bekräfta att "
        "det är rätt förbund."
    )
    with pytest.raises(ledger.ImportRefused, match="Samordningsförbundet Testbygden"):
        apply_file(association, EMPTY_ORGNR)
    assert not Actual.objects.exists()
    plan, record = apply_file(association, EMPTY_ORGNR, confirm=True)
    assert record is not None
    assert outcome(association, 2025) == {"Staten (AF+FK)": D(300000), "Styrelse": D(40000)}
    # "#ORGNR" without any field reads the same way.
    data = (FILES / EMPTY_ORGNR).read_bytes().replace(b'#ORGNR ""', b"#ORGNR")
    assert "inget organisationsnummer" in plan_of(association, EMPTY_ORGNR, data).findings[0]


# --- a first year ----------------------------------------------------------------------


def test_a_first_year_is_closed_with_no_earlier_column(association):
    association.founded = datetime.date(2025, 1, 1)
    association.save()
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    # A stray row for the year before the association existed changes nothing.
    stray = services.fiscal_year_ensure(association=association, year=2024)
    services.balance_line_save(
        fiscal_year=stray, data={"item": BalanceLine.CASH, "label": "Bank", "amount": D(0)}
    )
    plan, record = apply_file(association, FIRST_YEAR)
    assert record is not None and plan.first_year and plan.findings == []
    fiscal_year = FiscalYear.objects.get(association=association, year=2025)
    assert fiscal_year.opening_balances == {BalanceLine.CASH: "250000.00"}
    assert fiscal_year.equity_opening == D(250000)
    statements = year_statements(association=association, year=2025)
    assert statements.previous is None and statements.findings == ()
    assert statements.opening.cash_and_bank == D(250000)  # from #IB
    flow = statements.cash_flow
    assert flow is not None and flow.findings == ()
    assert "previous_year" not in statements.as_json()
    # The checklist and the closing agree: the year closes.
    checklist = annual_report_checklist(association, 2025)
    assert not [w for w in checklist.blocking + checklist.warnings if "2024" in w]
    # What the bokslut page finds is in the checklist; here nothing but the texts.
    assert all(b.startswith("Avsnittet") for b in checklist.blocking)
    closed = close(fiscal_year, datetime.date(2026, 3, 20))
    assert closed.is_closed


def test_a_first_years_annual_report_as_received_has_no_earlier_year(association, client):
    """The closed first year's annual report, as the revisor reads it (the stored
    decision, page and PDF): no table, statement or note, has a column for 2024."""
    import re

    from django.urls import reverse
    from pypdf import PdfReader

    from members.models import UserRole
    from tests.conftest import _user

    association.founded = datetime.date(2025, 1, 1)
    association.save()
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    apply_file(association, FIRST_YEAR)
    close(FiscalYear.objects.get(association=association, year=2025), datetime.date(2026, 3, 20))
    revisor = _user("rut")
    UserRole.objects.create(user=revisor, association=association, role=UserRole.REVISOR)
    client.force_login(revisor)
    kwargs = {"slug": association.slug, "year": 2025}
    page = client.get(reverse("reporting:document_arsredovisning", kwargs=kwargs))
    assert page.status_code == 200
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page.content.decode(), re.S)
    assert any("2025" in h for h in headers)
    assert not [h for h in headers if "2024" in h]
    pdf = client.get(reverse("reporting:document_arsredovisning_pdf", kwargs=kwargs))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Resultaträkning" in text and "2024" not in text


def test_a_year_that_is_not_the_first_needs_last_years_balances_in_both_places(association):
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    apply_file(association, FIRST_YEAR)  # the association was formed in 2010
    missing = "Balansposterna för 2024 saknas, så kassaflödesanalysen kan inte beräknas."
    assert missing in year_statements(association=association, year=2025).findings
    assert missing in annual_report_checklist(association, 2025).blocking
    fiscal_year = FiscalYear.objects.get(association=association, year=2025)
    with pytest.raises(ServiceError, match="Balansposterna för 2024 saknas"):
        close(fiscal_year, datetime.date(2026, 3, 20))


def test_a_first_year_without_ib_starts_from_zero(association):
    association.founded = datetime.date(2025, 1, 1)
    association.save()
    line(association, BudgetLine.CONTRIBUTION, "Staten (AF+FK)", state=True)
    line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    data = (FILES / FIRST_YEAR).read_bytes()
    data = data.replace(b"#IB 0 1930 250000.00\n#IB 0 2010 -250000.00\n", b"")
    data = data.replace(b"#UB 0 1930 800000.00", b"#UB 0 1930 550000.00")
    data = data.replace(b"#UB 0 2010 -250000.00\n", b"")
    plan, record = apply_file(association, FIRST_YEAR, data)
    assert record is not None and plan.findings == []
    statements = year_statements(association=association, year=2025)
    assert statements.findings == () and statements.opening.cash_and_bank == D(0)
    assert statements.balance.eget_kapital == D(520000)  # the year's result, from zero


# --- the command line names every rule ------------------------------------------------


def test_the_command_prints_every_rule_and_needs_confirm(association, vastmanland, tmp_path):
    line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    path = tmp_path / PROJECTS
    path.write_bytes((FILES / PROJECTS).read_bytes())
    ledger.account_mapping_save(
        association=association, account="6410", line=vastmanland["Styrelse"]
    )
    out = StringIO()
    with pytest.raises(CommandError, match="--confirm"):
        call_command("import_sie", association.slug, str(path), stdout=out)
    text = out.getvalue().replace("\xa0", " ").replace("\u2212", "-")
    assert "6410 Styrelsearvoden: 150 000 → Styrelse (regel 1: förbundets mappning" in text
    assert (
        "4610 Köp av huvudverksamhet projekt P01 Samordningsteam Surahammar: 2 500 000 → " in text
    )
    assert "(regel 2: projekt P01" in text
    assert "3730 Driftbidrag från kommunerna: -4 800 000 → 10 medlemmars bidrag" in text
    assert "(regel 3: kontots namn ”Driftbidrag från kommunerna” gäller kommunerna" in text
    assert "→ Insatser, ej fördelat (regel 4: Kommun-Bas 45–46" in text
    assert "Iakttagelse: Konto 4610 Köp av huvudverksamhet, projekt P09" in text
    assert not Actual.objects.exists()
    out = StringIO()
    call_command("import_sie", association.slug, str(path), "--confirm", stdout=out)
    assert f"Inläst: {PROJECTS} för 2025." in out.getvalue()


def test_the_preview_shows_the_rules_and_assigns_an_object(
    association, vastmanland, kansli_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    url = f"/{association.slug}/bokslut/2025/sie/"
    content = (FILES / PROJECTS).read_bytes()
    response = kansli_client.post(
        url, {"action": "upload", "file": SimpleUploadedFile(PROJECTS, content)}
    )
    page = kansli_client.get(response["Location"]).content.decode()
    assert "regel 2: projekt P01 ”Samordningsteam Surahammar”" in page
    assert "regel 3: kontots namn ”Driftbidrag från kommunerna” gäller kommunerna" in page
    assert "regel 4: Kommun-Bas 45–46 (köp av huvudverksamhet)" in page
    assert 'id="target-4610-p09"' in page and 'name="confirm"' in page
    upload = response["Location"].rsplit("=", 1)[1]
    team = vastmanland["Jobbfokus Köping"]
    kansli_client.post(
        url,
        {
            "action": "map",
            "fil": upload,
            "account": "4610",
            "project": "P09",
            "target": f"line:{team.id}",
        },
    )
    assert ProjectMapping.objects.get(association=association, code="P09").line == team
    # The object's row saved the object, not its account.
    assert not AccountMapping.objects.filter(association=association, account="4610").exists()
