"""SIE files the way real programs write them (tests/budgets/sie_files/, written by
hand in the manner of Visma, XE and a municipal Kommun-Bas ledger): the best source
per account, cross-checks against the file's own #RES and #UB, leniency where an
export breaks the specification without touching a figure, the default mapping by
chart of accounts, findings that ask for a confirmation, encodings, and an import
whose query count does not grow with the file."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets import ledger, services
from budgets.ledger import ImportRefused
from budgets.models import AccountMapping, Actual, BalanceLine, BudgetLine, LedgerImport
from budgets.sie import parse
from finsam.models import AuditEntry
from insatser.models import Insats
from insatser.services import insats_save
from members.models import UserRole
from reporting.selectors import year_statements

FILES = Path(__file__).parent / "sie_files"


def plan_of(association, name: str, data: bytes | None = None):
    content = data if data is not None else (FILES / name).read_bytes()
    return ledger.plan_import(association=association, stream=io.BytesIO(content), file_name=name)


def apply_file(association, name: str, data: bytes | None = None, **kwargs):
    content = data if data is not None else (FILES / name).read_bytes()
    return ledger.apply_import(
        association=association, stream=io.BytesIO(content), file_name=name, **kwargs
    )


def outcome(association) -> dict[str, D]:
    totals: dict[str, D] = {}
    for a in Actual.objects.filter(line__association=association, year=2024).select_related(
        "line"
    ):
        totals[a.line.name] = totals.get(a.line.name, D(0)) + a.amount
    return totals


@pytest.fixture
def kommun_lines(association):
    state = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.CONTRIBUTION, "name": "Staten (AF+FK)", "state": True},
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
    return {"state": state, "office": office, "team": team, "financial": financial}


# --- a company BAS ledger (Visma, #KPTYP EUBAS97) ----------------------------------------


def test_bas_ledger_previews_every_account_mapped_by_default(association, bas_lines):
    plan = plan_of(association, "visma_bas_eubas97.se")
    assert plan.unmapped == []
    assert plan.chart == "BAS (EUBAS97)"
    assert plan.encoding == "PC8 (IBM 437)"
    targets = {row.account: row.target for row in plan.mapping}
    assert targets == {
        "1220": "Fordringar",
        "1229": "Fordringar",
        "1510": "Fordringar",
        "1930": "Kassa och bank",
        "2010": "Eget kapital (ingående från #IB)",
        "2099": "Eget kapital (ingående från #IB)",
        "2440": "Kortfristiga skulder",
        "2510": "Kortfristiga skulder",
        "2710": "Kortfristiga skulder",
        "2730": "Kortfristiga skulder",
        "3010": "Medlemsbidrag",  # by its name, "Medlemsbidrag från kommunerna"
        "3910": "Staten (AF+FK)",  # "Försäkringskassan" in the account's name
        "3990": "Övriga intäkter",
        "5010": "Lokaler",
        "6110": "Övriga kostnader",
        "6550": "Köpta tjänster",
        "7010": "Personal",
        "7510": "Personal",
        "7832": "Övriga kostnader",
        "8310": "Finansiella intäkter",
        "8410": "Finansiella kostnader",
        "8910": "Finansiella kostnader",
        "8999": "",  # the closing entry moving the result to equity
    }
    how = {row.account: row.how for row in plan.mapping}
    assert how["7010"] == "regel 3: BAS 70–76 (personalkostnader) → raden Personal"
    assert how["5010"] == "regel 3: BAS 50–51 (lokalkostnader) → raden Lokaler"
    assert (
        how["3010"]
        == "regel 3: kontots namn ”Medlemsbidrag från kommunerna” → raden Medlemsbidrag"
    )
    notes = " ".join(plan.notes)
    assert "8910" in notes and "skatt har ingen egen rad" in notes
    assert "1220" in notes and "anläggningstillgångar" in notes
    assert "8999" in notes
    # The statements as they will be: the file's own result, a balancing sheet.
    assert plan.preview.result == D("312140")
    assert plan.preview.assets == plan.preview.other_side == D("502640")
    assert plan.findings == []
    # Only some accounts have #PSALDO: those take it, the others the verifications.
    source = {row.account: row.source for row in plan.mapping if not row.balance}
    assert source["7010"] == source["5010"] == "#PSALDO"
    assert source["6550"] == source["3910"] == "verifikationerna"


def test_bas_ledger_imports_with_the_files_own_result(association, bas_lines):
    plan, record = apply_file(association, "visma_bas_eubas97.se")
    assert record is not None
    assert outcome(association) == {
        "Staten (AF+FK)": D(600000),
        "Medlemsbidrag": D(400000),
        "Övriga intäkter": D(3000),
        "Personal": D(394260),
        "Lokaler": D(120000),
        "Köpta tjänster": D(150000),
        "Övriga kostnader": D(27000),
        "Finansiella intäkter": D(1200),
        "Finansiella kostnader": D(800),
    }
    # #PSALDO gives the months of 7010 and 5010; the verifications those of 7510.
    months = {
        (a.line.name, a.month): a.amount
        for a in Actual.objects.filter(line__association=association).select_related("line")
    }
    assert months[("Personal", 1)] == D(100000) + D(94260)
    assert months[("Personal", 2)] == months[("Personal", 3)] == D(100000)
    assert months[("Lokaler", 2)] == D(40000)
    statements = year_statements(association=association, year=2024)
    assert statements.income.arets_resultat == D(312140)
    assert statements.balance.summa_tillgangar == D(502640)
    assert not [f for f in statements.findings if "balanserar inte" in f]


def test_partial_psaldo_takes_the_verifications_for_accounts_without(association, bas_lines):
    # Before: #PSALDO for some accounts made every other account 0.
    plan = plan_of(association, "visma_bas_eubas97.se")
    rows = {row.account: row.amount for row in plan.mapping}
    assert rows["6550"] == D(150000) and rows["3910"] == D(-600000)
    assert rows["7010"] == D(300000)


# --- cross-checks ------------------------------------------------------------------------


def test_a_res_disagreement_refuses_and_lists_the_accounts(association, bas_lines):
    data = (FILES / "visma_bas_eubas97.se").read_bytes()
    data = data.replace(b"#RES 0 6550 150000.00", b"#RES 0 6550 155000.00")
    data = data.replace(b"#PSALDO 0 202403 7010 {} 100000.00", b"")
    with pytest.raises(ImportRefused) as info:
        plan_of(association, "fel.se", data)
    found = {(m.account, m.tag, m.stated, m.computed, m.source) for m in info.value.mismatches}
    assert found == {
        ("6550", "#RES", D(155000), D(150000), "verifikationerna"),
        ("7010", "#RES", D(300000), D(200000), "#PSALDO"),
    }
    assert "konto 6550" in info.value.message and "exportera" in info.value.message
    with pytest.raises(ImportRefused):
        apply_file(association, "fel.se", data, confirm=True)
    assert not Actual.objects.exists() and not LedgerImport.objects.exists()


def test_an_ub_disagreement_refuses(association, bas_lines):
    data = (FILES / "visma_bas_eubas97.se").read_bytes()
    data = data.replace(b"#UB 0 1930 486640.00", b"#UB 0 1930 486000.00")
    with pytest.raises(ImportRefused) as info:
        plan_of(association, "fel.se", data)
    [m] = info.value.mismatches
    assert (m.account, m.tag, m.stated, m.computed) == ("1930", "#UB", D(486000), D(486640))


def test_the_preview_page_lists_the_disagreeing_accounts(association, bas_lines, kansli_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (FILES / "visma_bas_eubas97.se").read_bytes()
    data = data.replace(b"#RES 0 6550 150000.00", b"#RES 0 6550 155000.00")
    response = kansli_client.post(
        f"/{association.slug}/bokslut/2024/sie/",
        {"action": "upload", "file": SimpleUploadedFile("fel.se", data)},
    )
    page = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 400
    assert "Konton där filens egna summor inte stämmer" in page
    assert "6550 Konsultarvoden" in page and "155 000,00" in page and "150 000,00" in page


# --- findings ask for a confirmation -----------------------------------------------------


def unbalanced(data: bytes) -> bytes:
    """The same file with opening balances that do not balance (equity 100 short)."""
    return data.replace(b"#IB 0 2011 -1000.00", b"#IB 0 2011 -900.00").replace(
        b"#UB 0 2011 -1000.00", b"#UB 0 2011 -900.00"
    )


def test_a_finding_asks_for_a_confirmation_and_confirm_applies(association, kommun_lines):
    data = unbalanced((FILES / "xe_kommunbas.se").read_bytes())
    plan = plan_of(association, "xe.se", data)
    assert plan.needs_confirmation
    assert any("balanserar inte" in f for f in plan.findings)
    with pytest.raises(ImportRefused, match="bekräftas"):
        apply_file(association, "xe.se", data)
    assert not Actual.objects.exists()
    plan, record = apply_file(association, "xe.se", data, confirm=True)
    assert record is not None and record.changes["iakttagelser"] == plan.findings


def test_the_command_needs_confirm_for_a_finding(association, kommun_lines, tmp_path):
    path = tmp_path / "xe.se"
    path.write_bytes(unbalanced((FILES / "xe_kommunbas.se").read_bytes()))
    out = StringIO()
    with pytest.raises(CommandError, match="--confirm"):
        call_command("import_sie", association.slug, str(path), stdout=out)
    assert "Iakttagelse: Balansräkningen 2024 balanserar inte" in out.getvalue()
    assert not LedgerImport.objects.exists()
    out = StringIO()
    call_command("import_sie", association.slug, str(path), "--confirm", stdout=out)
    text = out.getvalue().replace("\xa0", " ")
    assert "Inläst: xe.se för 2024." in text
    # The command prints the mapping it used.
    assert '5011 L"ner: 2 000 → Kansli (regel 3: Kommun-Bas klass 5 (personalkostnader)' in text
    assert LedgerImport.objects.count() == 1


def test_an_opening_balance_unlike_last_years_closing_is_a_finding(association, kommun_lines):
    fiscal_year = services.fiscal_year_ensure(association=association, year=2023)
    services.year_end_save(fiscal_year=fiscal_year, data={"equity_opening": D(900)})
    services.balance_line_save(
        fiscal_year=fiscal_year,
        data={"item": BalanceLine.CASH, "label": "Bank", "amount": D(900)},
    )
    plan = plan_of(association, "xe_kommunbas.se")
    assert [f.replace("\xa0", " ") for f in plan.findings] == [
        "Ingående eget kapital 2024 (1 000) är inte det lagrade utgående egna kapitalet "
        "för 2023 (900).",
        "Ingående balans för Kassa och bank enligt filen (1 000) är inte det lagrade "
        "utgående värdet för 2023 (900).",
    ]


# --- leniency and strictness -------------------------------------------------------------


def test_xe_export_with_stray_quotes_ktyp_and_unknown_tags_reads_with_warnings(
    association, kommun_lines
):
    sie = parse(io.BytesIO((FILES / "xe_kommunbas.se").read_bytes()))
    assert sie.company_name == 'Samordningsf"rbundet Testbygden'
    assert sie.accounts["1684"] == 'Fordringar hos leverant"r'
    assert sie.accounts["2440"] == 'Leverant"rsskulder'
    warnings = "\n".join(sie.warnings)
    assert "Rad 6: okänd tagg #XEVERSION" in warnings
    assert "Rad 7: ett citattecken i #FNAMN" in warnings
    assert "Rad 15: ett citattecken i #KONTO" in warnings
    assert "Rad 23: #KTYP saknar konto" in warnings
    assert "Rad 25: #ADRESS saknar fält" in warnings
    assert "#TRANS" in warnings  # the text of a transaction
    plan, record = apply_file(association, "xe_kommunbas.se")
    assert record is not None and plan.findings == []
    assert any("#KONTO" in w for w in plan.warnings)
    assert outcome(association) == {
        "Staten (AF+FK)": D(10000),
        "Kansli": D(2000),
        "Samordningsteamet": D(3000),
        "Finansiella intäkter": D(50),
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"#IB 0 1930 1000.00", b'#IB 0 "1930 1000.00', "citattecken"),
        (b"#RES 0 5011 2000.00", b"#RES 0 5011 2000,00", "Ogiltigt belopp"),
        (b"#RAR 0 20240101 20241231", b"#RAR 0 20240101", "#RAR saknar"),
        (b"#TRANS 1930 {} 10000.00", b"#TRANS 1930 {} 1e4", "Ogiltigt belopp"),
        (b"#TRANS 1930 {} 10000.00", b"#TRANS 1930 {6 TEAM 10000.00", "Objektlistan"),
        (b"#UB 0 1930 6200.00", b"#UB 0 1930 1000000000000.00", "999 999 999 999,99"),
    ],
)
def test_strict_where_figures_depend(association, kommun_lines, old, new, message):
    data = (FILES / "xe_kommunbas.se").read_bytes()
    assert old in data
    with pytest.raises(ImportRefused, match=message) as info:
        plan_of(association, "xe.se", data.replace(old, new, 1))
    assert "Rad " in info.value.message


def test_an_html_page_saved_as_se_is_refused_saying_what_it_is(association, kommun_lines):
    with pytest.raises(ImportRefused) as info:
        plan_of(association, "html_error_page.se")
    assert "inte en SIE-fil: den ser ut att vara en webbsida (HTML)" in info.value.message


def test_a_zip_is_refused_saying_what_it_is(association, kommun_lines):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.se", (FILES / "xe_kommunbas.se").read_bytes())
    with pytest.raises(ImportRefused) as info:
        plan_of(association, "export.zip", buffer.getvalue())
    assert "zip-arkiv" in info.value.message and "Packa upp" in info.value.message


# --- encodings ---------------------------------------------------------------------------


def test_a_latin1_file_reads_as_latin1_and_says_so(association, kommun_lines):
    ledger.account_mapping_save(
        association=association, account="3011", line=kommun_lines["state"]
    )
    plan = plan_of(association, "latin1_kommunbas.se")
    assert plan.encoding == "ISO 8859-1 (Latin-1)"
    assert plan.company_name == "Samordningsförbundet Västerås"
    assert "VΣsterσs" not in plan.company_name
    names = {row.account: row.name for row in plan.mapping}
    assert names["6420"] == "Kansli och lön, Västerås"
    # The same text in PC8 and in Windows-1252 (with a 0x96 dash) reads right too.
    text = (FILES / "latin1_kommunbas.se").read_bytes().decode("latin-1")
    assert parse(io.BytesIO(text.encode("cp437"))).company_name.endswith("Västerås")
    sie = parse(io.BytesIO(text.replace("Kansli och", "Kansli –").encode("cp1252")))
    assert (sie.encoding, sie.accounts["6420"]) == ("cp1252", "Kansli – lön, Västerås")


# --- the browser: mapping shown, preselected by class, changed and remembered ----------


def test_preview_shows_every_default_and_preselects_by_class(
    association, bas_lines, kansli_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/{association.slug}/bokslut/2024/sie/"
    response = kansli_client.post(
        url,
        {
            "action": "upload",
            "file": SimpleUploadedFile("visma.se", (FILES / "visma_bas_eubas97.se").read_bytes()),
        },
    )
    assert response.status_code == 302
    page = kansli_client.get(response["Location"]).content.decode()
    assert "Teckenkodning: <strong>PC8 (IBM 437)</strong>" in page
    assert "regel 3: BAS 70–76 (personalkostnader) → raden Personal" in page
    personal = bas_lines["Personal"].id
    state = bas_lines["Staten (AF+FK)"].id
    # 7010 preselects Personal, never the first line (Staten (AF+FK)).
    select = page.split('id="target-7010"', 1)[1].split("</select>", 1)[0]
    assert f'value="line:{personal}" selected' in select
    assert f'value="line:{state}" selected' not in select
    # The closing entry 8999 has no line: it preselects a cost line, not an income line.
    select = page.split('id="target-8999"', 1)[1].split("</select>", 1)[0]
    assert f'value="line:{state}" selected' not in select
    # Change 6110 to Köpta tjänster: remembered for the association.
    upload = response["Location"].rsplit("=", 1)[1]
    services_line = bas_lines["Köpta tjänster"].id
    kansli_client.post(
        url, {"action": "map", "fil": upload, "account": "6110", "target": f"line:{services_line}"}
    )
    assert AccountMapping.objects.get(association=association, account="6110").line_id == (
        services_line
    )
    plan = plan_of(association, "visma_bas_eubas97.se")
    row = next(r for r in plan.mapping if r.account == "6110")
    assert (row.target, row.how) == ("Köpta tjänster", "regel 1: förbundets mappning")
    response = kansli_client.post(url, {"action": "apply", "fil": upload}, follow=True)
    assert outcome(association)["Köpta tjänster"] == D(175000)


def test_the_browser_asks_for_confirmation_of_a_finding(association, kommun_lines, kansli_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/{association.slug}/bokslut/2024/sie/"
    data = unbalanced((FILES / "xe_kommunbas.se").read_bytes())
    response = kansli_client.post(
        url, {"action": "upload", "file": SimpleUploadedFile("xe.se", data)}
    )
    upload = response["Location"].rsplit("=", 1)[1]
    page = kansli_client.get(response["Location"]).content.decode()
    assert "Förhandsgranskningen har iakttagelser" in page
    assert 'name="confirm" value="1" required' in page
    response = kansli_client.post(url, {"action": "apply", "fil": upload}, follow=True)
    assert "bekräftas" in response.content.decode()
    assert not LedgerImport.objects.exists()
    kansli_client.post(url, {"action": "apply", "fil": upload, "confirm": "1"})
    assert LedgerImport.objects.count() == 1


# --- queries independent of the file's size ----------------------------------------------


def scaled(times: int) -> bytes:
    """The XE file with its verifications repeated `times` times (and #RES, #UB too)."""
    text = (FILES / "xe_kommunbas.se").read_bytes().decode("cp437")
    head, _, vers = text.partition("#VER 1 1 ")
    vers = "#VER 1 1 " + vers
    lines = []
    for line in head.splitlines():
        tag, *rest = line.split(" ")
        if tag in ("#UB", "#RES") and rest[1] != "2011":
            amount = D(rest[2])
            if tag == "#UB" and rest[1] == "1930":
                amount = D(1000) + (amount - D(1000)) * times
            else:
                amount *= times
            line = f"{tag} {rest[0]} {rest[1]} {amount:.2f}"
        lines.append(line)
    return ("\n".join(lines) + "\n" + vers * times).encode("cp437")


def test_import_queries_do_not_grow_with_the_file(
    association, kommun_lines, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        apply_file(association, "x1.se", scaled(1))
    Actual.objects.all().delete()
    LedgerImport.objects.all().delete()
    BalanceLine.objects.all().delete()
    with django_assert_max_num_queries(len(small.captured_queries)):
        plan, record = apply_file(association, "x10.se", scaled(10))
    assert plan.verification_count == 50 and plan.transaction_count == 110
    assert outcome(association)["Kansli"] == D(20000)
    # One audit entry for the import, naming the file, its SHA-256 and the rows.
    [entry] = AuditEntry.objects.filter(object_type="budgets.LedgerImport", object_id=record.pk)
    assert entry.after["fil"] == "x10.se" and entry.after["sha256"] == record.sha256
    assert entry.after["rader"]["utfallsrader nya"] == Actual.objects.count()
    assert not AuditEntry.objects.filter(object_type="budgets.Actual").exists()


@pytest.fixture
def kansli_client(client, kansli_user, association):
    UserRole.objects.get_or_create(user=kansli_user, association=association, role=UserRole.KANSLI)
    client.force_login(kansli_user)
    return client


def test_fortnox_export_with_rtrans_btrans_and_quantities(association, bas_lines):
    plan, record = apply_file(association, "fortnox_bas2014.se")
    assert record is not None and plan.findings == [] and plan.warnings == []
    assert plan.chart == "BAS (BAS2014)"
    how = {row.account: row.how for row in plan.mapping}
    assert how["4010"] == "regel 3: BAS klass 4 (köpta tjänster) → raden Köpta tjänster"
    # #RTRANS/#BTRANS (a corrected row) are not counted twice.
    assert outcome(association) == {
        "Medlemsbidrag": D(120000),  # by the account's name
        "Köpta tjänster": D(61200),  # 65xx (other external services) with class 4
        "Personal": D(-10000),
    }
    assert year_statements(association=association, year=2024).income.arets_resultat == D(68800)
