"""A year before the association used Finsam closes on an annual report made and
decided elsewhere: its figures lock, no report is made or stored here, and every page
that would show the report says where it was decided."""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgets import services
from budgets.models import BudgetLine, FiscalYear
from finsam.models import AuditEntry
from finsam.services import ServiceError
from reporting import services as reporting_services
from reporting.models import DecidedDocument, OutsideAnnualReport

URL = "/testbygden/bokslut/2019/stang-utanfor-finsam/"


@pytest.fixture
def year_2019(association) -> FiscalYear:
    fiscal_year = services.fiscal_year_ensure(association=association, year=2019)
    board = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    services.actuals_set(fiscal_year=fiscal_year, line=board, month=12, amount=Decimal(-84_000))
    return fiscal_year


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_kansli_closes_a_year_outside_finsam_from_the_statements_page(
    year_2019, kansli_client, kansli_user
):
    page = kansli_client.get("/testbygden/bokslut/2019/").content.decode()
    assert f'href="{URL}"' in page  # offered beside the closing in Finsam
    form = kansli_client.get(URL).content.decode()
    assert "Ingen årsredovisning för 2019 görs eller sparas i Finsam" in form
    response = kansli_client.post(
        URL, {"decided_on": "2020-03-26", "paragraph": "§ 12", "confirm": "on"}
    )
    assert response.status_code == 302
    year_2019.refresh_from_db()
    assert year_2019.closed_on == datetime.date(2020, 3, 26)
    assert (year_2019.closed_paragraph, year_2019.report_outside) == ("§ 12", True)
    assert not DecidedDocument.objects.filter(fiscal_year=year_2019).exists()
    entry = AuditEntry.objects.filter(object_id=str(year_2019.pk)).latest("id")
    assert entry.user == kansli_user and entry.after["report"] == "upprättad utanför Finsam"
    # The figures are locked as at any closing.
    line = BudgetLine.objects.get(association=year_2019.association, name="Styrelse")
    with pytest.raises(ServiceError, match="stängt"):
        services.actuals_set(fiscal_year=year_2019, line=line, month=12, amount=Decimal(1))
    listing = kansli_client.get("/testbygden/bokslut/").content.decode()
    assert "Stängt 2020-03-26 (§ 12), årsredovisningen upprättad utanför Finsam" in listing


def test_without_the_confirmation_or_with_a_date_in_the_year_nothing_closes(
    year_2019, kansli_client
):
    unconfirmed = kansli_client.post(URL, {"decided_on": "2020-03-26", "paragraph": "§ 12"})
    assert unconfirmed.status_code == 400
    assert "Bekräfta att den är beslutad." in unconfirmed.content.decode()
    in_the_year = kansli_client.post(
        URL, {"decided_on": "2019-12-20", "paragraph": "§ 12", "confirm": "on"}
    )
    assert in_the_year.status_code == 400
    assert "beslutas efter årets slut" in in_the_year.content.decode()
    year_2019.refresh_from_db()
    assert year_2019.closed_on is None and not year_2019.report_outside
    with pytest.raises(ServiceError, match="Bekräfta"):
        services.fiscal_year_close_outside(
            fiscal_year=year_2019, closed_on=datetime.date(2020, 3, 26), paragraph="§ 12"
        )


def test_a_board_member_cannot_close_a_year(year_2019, styrelse_user):
    response = _as(styrelse_user).post(
        URL, {"decided_on": "2020-03-26", "paragraph": "§ 12", "confirm": "on"}
    )
    assert response.status_code == 403
    year_2019.refresh_from_db()
    assert year_2019.closed_on is None


def test_the_auditor_reads_where_the_report_was_decided_and_gets_no_draft(year_2019, revisor_user):
    services.fiscal_year_close_outside(
        fiscal_year=year_2019,
        closed_on=datetime.date(2020, 3, 26),
        paragraph="§ 12",
        confirmed=True,
    )
    client = _as(revisor_user)
    revision = client.get("/testbygden/revision/").content.decode()
    assert "Årsredovisningar upprättade utanför Finsam" in revision
    assert "Årsredovisning 2019, beslutad 2020-03-26 (§ 12)" in revision
    page = client.get("/testbygden/dokument/arsredovisning/2019/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "upprättades och beslutades utanför Finsam" in text and "UTKAST" not in text
    for fmt in ("pdf", "xlsx"):  # no file uploaded, no workbook of a report made elsewhere
        download = client.get(f"/testbygden/dokument/arsredovisning/2019/{fmt}/")
        assert download.status_code == 404
        assert download["Content-Type"].startswith("text/html")
        assert "utanför Finsam" in download.content.decode()
    index = client.get("/testbygden/dokument/").content.decode()
    assert "Årsredovisning 2019 (upprättad utanför Finsam)" in index
    statements = client.get("/testbygden/bokslut/2019/").content.decode()
    assert (
        "2020-03-26 (§ 12), en årsredovisning som upprättades och beslutades utanför" in statements
    )


def test_a_closed_year_is_not_closed_twice_and_reopened_is_open_again(year_2019, superuser):
    services.fiscal_year_close_outside(
        fiscal_year=year_2019,
        closed_on=datetime.date(2020, 3, 26),
        paragraph="",
        without_paragraph=True,
        confirmed=True,
    )
    with pytest.raises(ServiceError, match="är stängt"):
        services.fiscal_year_close_outside(
            fiscal_year=year_2019,
            closed_on=datetime.date(2020, 4, 2),
            paragraph="§ 1",
            confirmed=True,
        )
    services.fiscal_year_reopen(fiscal_year=year_2019, reason="Fel år", by=superuser)
    year_2019.refresh_from_db()
    assert year_2019.closed_on is None and not year_2019.report_outside


def _pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _closed_outside(fiscal_year: FiscalYear) -> None:
    services.fiscal_year_close_outside(
        fiscal_year=fiscal_year,
        closed_on=datetime.date(2020, 3, 26),
        paragraph="§ 12",
        confirmed=True,
    )


def test_the_associations_own_pdf_is_stored_and_the_auditor_downloads_its_bytes(
    year_2019, kansli_client, revisor_user
):
    _closed_outside(year_2019)
    page = kansli_client.get("/testbygden/dokument/arsredovisning/2019/").content.decode()
    assert "Ladda upp den beslutade årsredovisningen" in page
    content = _pdf(2)
    response = kansli_client.post(
        "/testbygden/dokument/arsredovisning/2019/utanfor-finsam/",
        {"pdf": SimpleUploadedFile("AR 2019 beslutad.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302
    digest = hashlib.sha256(content).hexdigest()
    client = _as(revisor_user)
    download = client.get("/testbygden/dokument/arsredovisning/2019/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == content and download["X-Content-SHA256"] == digest
    revision = client.get("/testbygden/revision/").content.decode()
    assert digest in revision and "/testbygden/dokument/arsredovisning/2019/pdf/" in revision
    shown = client.get("/testbygden/dokument/arsredovisning/2019/").content.decode()
    assert digest in shown and "Ladda upp" not in shown  # the auditor reads, never uploads
    # A second file replaces the first; the change log keeps both hashes.
    second = _pdf(3)
    kansli_client.post(
        "/testbygden/dokument/arsredovisning/2019/utanfor-finsam/",
        {"pdf": SimpleUploadedFile("rättad.pdf", second, "application/pdf")},
    )
    entry = AuditEntry.objects.filter(object_type="reporting.OutsideAnnualReport").latest("id")
    assert entry.before["sha256"] == digest
    assert entry.after["sha256"] == hashlib.sha256(second).hexdigest()
    assert client.get("/testbygden/dokument/arsredovisning/2019/pdf/").content == second


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Välj en PDF-fil."),
        (b"PK\x03\x04 ett kalkylblad", "Filen är ingen PDF."),
        (b"%PDF-1.7 avbruten", "PDF-filen går inte att läsa."),
    ],
)
def test_what_is_not_a_readable_pdf_is_refused_and_nothing_is_stored(
    year_2019, kansli_client, content, message
):
    _closed_outside(year_2019)
    response = kansli_client.post(
        "/testbygden/dokument/arsredovisning/2019/utanfor-finsam/",
        {"pdf": SimpleUploadedFile("fel.pdf", content, "application/pdf")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body or (not content and "Den skickade filen är tom." in body)
    assert not OutsideAnnualReport.objects.exists()


def test_no_upload_for_an_open_year_or_from_a_board_member(
    year_2019, kansli_client, styrelse_user
):
    url = "/testbygden/dokument/arsredovisning/2019/utanfor-finsam/"
    response = kansli_client.post(url, {"pdf": SimpleUploadedFile("a.pdf", _pdf())})
    assert response.status_code == 302  # back to the report, with the reason
    with pytest.raises(ServiceError, match="inte stängt på en årsredovisning upprättad"):
        reporting_services.outside_report_upload(
            association=year_2019.association, year=2019, content=_pdf(), filename="a.pdf"
        )
    _closed_outside(year_2019)
    refused = _as(styrelse_user).post(url, {"pdf": SimpleUploadedFile("a.pdf", _pdf())})
    assert refused.status_code == 403
    assert not OutsideAnnualReport.objects.exists()


@pytest.mark.parametrize(
    "year, status, message",
    [
        (2030, 200, "Det finns inget räkenskapsår 2030 att stänga."),
        (99999, 404, ""),
        (0, 404, ""),
    ],
)
def test_a_year_that_does_not_exist_closes_nothing(kansli_client, year, status, message):
    url = f"/testbygden/bokslut/{year}/stang-utanfor-finsam/"
    page = kansli_client.get(url)
    assert page.status_code == status
    assert message in page.content.decode()
    posted = kansli_client.post(url, {"decided_on": "2031-03-01", "paragraph": "§ 1"})
    assert posted.status_code in (400, 404)
    assert not FiscalYear.objects.filter(closed_on__isnull=False).exists()
