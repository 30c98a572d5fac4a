"""The revisionsberättelse uploaded for the year is sealed with the auditors'
signatures when they have all signed, in the same transaction as the last signature,
and listed beside the sealed annual report; without an upload nothing more is made."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from reporting import services as reporting_services
from signing.models import SealedOriginal, SigningRound
from tests.signing.conftest import closed_year
from tests.signing.test_signing_round import (
    _board_then_auditors,
    _signed_in,
    _validate,
    _verify,
)


def _revisionsberattelse() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Revisionsberättelse</h1><p>Vi har granskat Testbygdens år 2024.</p>"
    ).write_pdf()


def _upload_then_close(association, kansli_user):
    """The kansli uploads the auditors' report while the year is open, then closes."""
    content = _revisionsberattelse()
    report = reporting_services.audit_report_upload(
        association=association,
        year=2024,
        content=content,
        filename="revisionsberattelse-2024.pdf",
        by=kansli_user,
    )
    closed_year(association)
    return report


def test_an_uploaded_revisionsberattelse_is_sealed_with_the_auditors_signatures(
    association, signatories, kansli_client, kansli_user, outsider
):
    report = _upload_then_close(association, kansli_user)
    # The auditor sees what they sign: the revisionsberättelse beside the annual report.
    from tests.signing.test_signing_round import _start

    assert _start(kansli_client).status_code == 302
    page = _signed_in(signatories["revisor1"]).get("/testbygden/underskrifter/2024/")
    html = page.content.decode()
    assert report.sha256 in html
    assert "/testbygden/dokument/arsredovisning/2024/revisionsberattelse/" in html
    signing_round = _board_then_auditors(association, signatories, kansli_client, started=True)

    stages = set(signing_round.sealed_originals.values_list("stage", flat=True))
    assert stages == {SealedOriginal.BOARD, SealedOriginal.COMPLETE, SealedOriginal.REVISION}
    complete = signing_round.sealed_originals.get(stage=SealedOriginal.COMPLETE)
    download = kansli_client.get("/testbygden/underskrifter/2024/revisionsberattelse/")
    assert download["Content-Type"] == "application/pdf"
    pdf = download.content
    sealed = signing_round.sealed_originals.get(stage=SealedOriginal.REVISION)
    assert pdf == bytes(sealed.pdf) and sealed.sealed_at == complete.sealed_at
    # The annual report's download is still the annual report.
    assert kansli_client.get("/testbygden/underskrifter/2024/original/").content == bytes(
        complete.pdf
    )

    # pyHanko: intact and valid over the whole file.
    assert _validate(pdf) == (True, True, True)
    reader = PdfReader(io.BytesIO(pdf))
    original_pages = len(PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    assert "Revisionsberättelse" in reader.pages[0].extract_text()
    assert len(reader.pages) > original_pages
    evidence = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in reader.pages[original_pages:])
    )
    assert "Underskrifter" in evidence and "Revisionsberättelse 2024" in evidence
    assert "Cecilia Kvist" in evidence and "Revisor" in evidence
    assert "127.0.xxx.xxx" in evidence and "UTC" in evidence and "svensk tid" in evidence
    assert "Anna Ordförande" not in evidence  # the board does not sign it
    compact = evidence.replace(" ", "")
    assert report.sha256 in compact  # the revisionsberättelse's own SHA-256 ...
    assert signing_round.document.sha256 in compact  # ... and the annual report it concerns
    assert "Årsredovisning 2024" in evidence

    # The revision page lists both sealed originals together.
    revision = kansli_client.get("/testbygden/revision/").content.decode()
    assert "/testbygden/underskrifter/2024/original/" in revision
    assert "/testbygden/underskrifter/2024/revisionsberattelse/" in revision
    assert complete.sha256 in revision and sealed.sha256 in revision

    # The verification page names it, whatever the file is called ...
    verdict = _verify(kansli_client, pdf, name="rb.pdf").content.decode()
    assert "Äkta original." in verdict and "Revisionsberättelsen 2024" in verdict
    assert "Cecilia Kvist" in verdict and "Anna Ordförande" not in verdict
    # ... rejects one changed byte ...
    changed = bytearray(pdf)
    at = len(changed) // 3
    changed[at] = (changed[at] + 1) % 256
    verdict = _verify(kansli_client, bytes(changed)).content.decode()
    assert "Inte ett giltigt original." in verdict and "Äkta original." not in verdict
    # ... and another association does not know it.
    verdict = _verify(_signed_in(outsider), pdf, slug="grannbygden").content.decode()
    assert "Inte ett giltigt original." in verdict and "Revisionsberättelsen" not in verdict


def test_the_revisionsberattelse_seal_is_in_the_change_log(
    association, signatories, kansli_client, kansli_user
):
    from finsam.models import AuditEntry

    _upload_then_close(association, kansli_user)
    _board_then_auditors(association, signatories, kansli_client)
    sealed = SealedOriginal.objects.get(stage=SealedOriginal.REVISION)
    entry = AuditEntry.objects.get(
        object_type="signing.SealedOriginal", after__stage=SealedOriginal.REVISION
    )
    assert entry.after["sha256"] == sealed.sha256
    assert entry.user_id == signatories["revisor1"].pk


def test_without_an_uploaded_revisionsberattelse_there_is_no_third_seal(
    association, closed, signatories, kansli_client
):
    signing_round = _board_then_auditors(association, signatories, kansli_client)
    assert signing_round.status == SigningRound.COMPLETE
    assert set(signing_round.sealed_originals.values_list("stage", flat=True)) == {
        SealedOriginal.BOARD,
        SealedOriginal.COMPLETE,
    }
    page = kansli_client.get("/testbygden/underskrifter/2024/").content.decode()
    assert "revisionsberättelsen med revisorernas underskrifter" not in page.lower()
    missing = kansli_client.get("/testbygden/underskrifter/2024/revisionsberattelse/")
    assert missing.status_code == 200 and missing["Content-Type"].startswith("text/html")
    assert "ingen förseglad revisionsberättelse" in missing.content.decode()
