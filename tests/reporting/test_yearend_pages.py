"""The year-end pages and commands, with the demo data: what a kansli user, a board
member and an auditor see and can do."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import Actual, BalanceLine, FiscalYear, LedgerImport, SieUpload
from budgets.services import fiscal_year_reopen
from finsam.models import AuditEntry
from members.models import Association, UserRole
from tests.decisions import reopen

SIE = settings.BASE_DIR / "fixtures" / "budgets" / "vasteras-2020.se"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Association.objects.get(slug="vasteras")


@pytest.fixture
def kansli(demo, kansli_user, client):
    UserRole.objects.create(user=kansli_user, association=demo, role=UserRole.KANSLI)
    client.force_login(kansli_user)
    return client


def test_statements_page_shows_the_printed_figures(demo, kansli):
    page = kansli.get("/vasteras/bokslut/2020/").content.decode()
    page = page.replace("\xa0", " ")
    for figure in ("13 310 000", "−13 122 674", "187 326", "11 723 920", "1 101 184", "61,9"):
        assert figure in page, figure
    assert "Kontrollerna går inte ihop" not in page
    drift = kansli.get("/vasteras/bokslut/2020/drift/").content.decode().replace("\xa0", " ")
    assert "JobbFokus 2.0" in drift and "−2 277 417" in drift


def test_statements_command_prints_json_and_text(demo):
    out = StringIO()
    call_command("statements", "vastmanland", "2024", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["kassaflodesanalys"]["arets_kassaflode"] == "5848368.00"
    assert data["previous_year"]["balansrakning"]["summa_tillgangar"] == "2718646.00"
    assert data["findings"] == []
    out = StringIO()
    call_command("statements", "vasteras", "2020", "--format", "text", stdout=out)
    assert "Årets kassaflöde" in out.getvalue() and "1 101 184" in out.getvalue()
    with pytest.raises(CommandError, match="inget utfall"):
        call_command("statements", "vasteras", "1999", stdout=StringIO())


def test_import_sie_command_refuses_another_associations_file_and_saves_nothing(demo):
    before = (Actual.objects.count(), AuditEntry.objects.count(), LedgerImport.objects.count())
    with pytest.raises(CommandError, match="222000-2824"):
        call_command("import_sie", "vastmanland", str(SIE), stdout=StringIO())
    # The same file again: the demo has closed 2020 at its annual report, so refused.
    with pytest.raises(CommandError, match="2020 är stängt"):
        call_command("import_sie", "vasteras", str(SIE), stdout=StringIO())
    after = (Actual.objects.count(), AuditEntry.objects.count(), LedgerImport.objects.count())
    assert after == before


def test_upload_preview_apply_in_the_browser(demo, kansli, superuser):
    # The demo closes 2020; reopened, the same file again changes nothing.
    fiscal_year_reopen(
        fiscal_year=FiscalYear.objects.get(association=demo, year=2020),
        reason="Prov",
        by=superuser,
    )
    # Remove 2020 as if never imported: reopen nothing, just a fresh year 2021 file.
    content = SIE.read_bytes().replace(b"20200101 20201231", b"20200101 20201231")
    response = kansli.post(
        "/vasteras/bokslut/2021/sie/",
        {"action": "upload", "file": SimpleUploadedFile("v.se", content)},
    )
    assert response.status_code == 400
    assert "gäller räkenskapsåret 2020" in response.content.decode()
    assert not SieUpload.objects.exists()
    response = kansli.post(
        "/vasteras/bokslut/2020/sie/",
        {"action": "upload", "file": SimpleUploadedFile("v.se", content)},
    )
    assert response.status_code == 302
    preview = kansli.get(response["Location"]).content.decode()
    assert "Filen ändrar inget" in preview
    upload = SieUpload.objects.get()
    response = kansli.post(
        "/vasteras/bokslut/2020/sie/", {"action": "apply", "fil": upload.pk}, follow=True
    )
    assert "redan inläst" in response.content.decode()
    assert not SieUpload.objects.exists()


def test_closing_a_year_in_the_browser_then_nothing_changes(demo, kansli, superuser, client):
    # The demo closes 2020 at its date; reopened, the board closes it again here.
    fiscal_year_reopen(
        fiscal_year=FiscalYear.objects.get(association=demo, year=2020),
        reason="Prov",
        by=superuser,
    )
    page = kansli.get("/vasteras/bokslut/2020/stang/").content.decode()
    assert "Kontroll före beslutet" in page
    response = kansli.post(
        "/vasteras/bokslut/2020/stang/",
        {"decided_on": "2021-03-25", "paragraph": "§ 7", "confirm": "on"},
    )
    assert response.status_code == 302
    fy = FiscalYear.objects.get(association=demo, year=2020)
    assert fy.is_closed and fy.closed_paragraph == "§ 7"
    line = BalanceLine.objects.filter(fiscal_year=fy).first()
    response = kansli.post(
        "/vasteras/bokslut/2020/balanser/ta-bort/", {"line": line.pk}, follow=True
    )
    assert "stängt" in response.content.decode()
    assert BalanceLine.objects.filter(pk=line.pk).exists()
    response = kansli.post(
        "/vasteras/bokslut/2020/balanser/",
        {"item": "fordringar", "label": "Ny", "amount": "1 000"},
    )
    assert response.status_code in (400, 404)
    assert not BalanceLine.objects.filter(label="Ny").exists()
    # Kansli cannot reopen; a superuser can, with a reason.
    assert kansli.post("/vasteras/bokslut/2020/oppna/", {"reason": "fel"}).status_code == 404
    client.force_login(superuser)
    client.post("/vasteras/bokslut/2020/oppna/", {"reason": "Rättelse av not 4"})
    fy.refresh_from_db()
    assert not fy.is_closed
    entry = AuditEntry.objects.filter(object_type="budgets.FiscalYear").latest("id")
    assert entry.after["reopen_reason"] == "Rättelse av not 4"


def test_balance_line_with_a_malformed_amount_is_refused(demo, kansli):
    reopen(demo, 2020)  # closed by the demo at its annual report
    count = BalanceLine.objects.count()
    response = kansli.post(
        "/vasteras/bokslut/2020/balanser/",
        {"item": "fordringar", "label": "Kundfordran", "amount": "12,3,4"},
    )
    assert response.status_code == 400
    assert BalanceLine.objects.count() == count
    response = kansli.post(
        "/vasteras/bokslut/2020/balanser/",
        {"item": "fordringar", "label": "Kundfordran", "amount": "1 500,50"},
    )
    assert response.status_code == 302
    assert BalanceLine.objects.get(label="Kundfordran").amount == Decimal("1500.50")
    # The new line unbalances the sheet: the statements page says so.
    page = kansli.get("/vasteras/bokslut/2020/").content.decode()
    assert "balanserar inte" in page


def test_styrelse_reads_but_cannot_write(demo, styrelse_user, client):
    UserRole.objects.create(user=styrelse_user, association=demo, role=UserRole.STYRELSE)
    client.force_login(styrelse_user)
    reopen(demo, 2020)  # closed by the demo at its annual report
    assert client.get("/vasteras/bokslut/2020/").status_code == 200
    assert "Stäng 2020" not in client.get("/vasteras/bokslut/2020/").content.decode()
    response = client.post(
        "/vasteras/bokslut/2020/stang/", {"closed_on": "2021-03-25", "paragraph": ""}
    )
    assert response.status_code in (403, 404)
    assert not FiscalYear.objects.get(association=demo, year=2020).is_closed


def test_cost_distribution_outcome_budget_and_last_year(demo, superuser, client):
    client.force_login(superuser)
    response = client.get("/vastmanland/bokslut/2024/")
    rows = {label: rest for label, *rest in response.context["distribution"]}
    # Outcome as printed (66/11/10/13); budget 2024 from the driftredovisning's budget
    # column (13 925, 2 755, 1 453 and 2 850 tkr of 20 983).
    assert rows["Individinsatser"][1:3] == [66, 66]
    assert rows["Strukturella insatser"][1:3] == [11, 13]
    assert rows["Processtöd"][1:3] == [10, 7]
    assert rows["Administration"][1:3] == [13, 14]
    assert rows["Individinsatser"][0] == Decimal("12705567")
    assert sum(r[3] for r in rows.values()) == 100  # last year's shares, whole percent


def test_a_year_after_one_of_only_a_year_end_has_no_column_of_zeros(demo, kansli):
    """Västerås 2018 holds its year-end but no outcome: the page of 2019 prints no 2018
    column, where the equity and result would read 0 beside 10 567 430 of assets."""
    page = kansli.get("/vasteras/bokslut/2019/").content.decode().replace("\xa0", " ")
    assert '<th scope="col" class="num">2018</th>' not in page
    assert "8 053 977" in page and "1 276 476" in page  # 2019's equity and result
    assert "upprättades och beslutades utanför Finsam" in page  # closed on such a report
    with_2019 = kansli.get("/vasteras/bokslut/2020/").content.decode()
    assert '<th scope="col" class="num">2019</th>' in with_2019
