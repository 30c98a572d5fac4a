"""A closed year's annual report signed in the application, as its users do it: the
kansli names the signatories, the board signs with a fresh password, then the auditors,
and the sealed original is a PDF whose seal pyHanko validates over the whole file."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from budgets import services as budget_services
from finsam.audit import present
from finsam.models import AuditEntry
from finsam.services import ServiceError
from reporting.models import DecidedDocument
from signing import services
from signing.models import ImmutableRow, SealedOriginal, Signature, SigningRound
from tests.signing.conftest import PASSWORD, closed_year


def _start(client: Client, slug: str = "testbygden", year: int = 2024):
    """The kansli sends the report out with the users the page proposes."""
    page = client.get(f"/{slug}/underskrifter/{year}/skicka/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].initial or "" for name in form.fields}
    return client.post(f"/{slug}/underskrifter/{year}/skicka/", data)


def _signed_in(user) -> Client:
    """A session that was opened some time ago: it alone is not enough to sign."""
    client = Client()
    client.force_login(user)
    return client


def _sign(user, password: str | None = PASSWORD, year: int = 2024):
    data = {} if password is None else {"password": password}
    return _signed_in(user).post(f"/testbygden/underskrifter/{year}/skriv-under/", data)


def _verify(client: Client, pdf: bytes, slug: str = "testbygden", name: str = "fil.pdf"):
    upload = SimpleUploadedFile(name, pdf, content_type="application/pdf")
    return client.post(f"/{slug}/underskrifter/kontrollera/", {"file": upload})


def _validate(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from signing.seal import _outside_event_loop

    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(embedded) == 1
    # pyHanko's own validation, outside any event loop a browser test left running
    status = _outside_event_loop(lambda: validate_pdf_signature(embedded[0]))
    return status.intact, status.valid, status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def _board_then_auditors(
    association, signatories, kansli_client, *, started: bool = False
) -> SigningRound:
    if not started:
        assert _start(kansli_client).status_code == 302
    signing_round = SigningRound.objects.get(association=association, year=2024)
    names = [s.name for s in signing_round.signatories.order_by("sort_order")]
    assert names == ["Anna Ordförande", "Bertil Ek", "Cecilia Kvist"]  # ordförande first
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{u}@example.se" for u in ("ordf", "ledamot1", "revisor1")
    )
    assert "/testbygden/underskrifter/2024/" in mail.outbox[0].body
    # The auditor waits for the board.
    assert _sign(signatories["revisor1"]).status_code == 400
    assert not Signature.objects.exists()
    page = _signed_in(signatories["ordf"]).get("/testbygden/underskrifter/2024/")
    assert signing_round.document.sha256 in page.content.decode()
    assert _sign(signatories["ordf"]).status_code == 302
    page = _signed_in(signatories["ledamot1"]).get("/testbygden/underskrifter/2024/")
    assert "Underskriven" in page.content.decode()  # who has signed so far
    assert _sign(signatories["ledamot1"]).status_code == 302
    assert SealedOriginal.objects.filter(stage=SealedOriginal.BOARD).count() == 1
    assert _sign(signatories["revisor1"]).status_code == 302
    signing_round.refresh_from_db()
    assert signing_round.status == SigningRound.COMPLETE
    return signing_round


def _check_sealed_original(pdf: bytes, document: DecidedDocument) -> None:
    assert _validate(pdf) == (True, True, True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > len(PdfReader(io.BytesIO(bytes(document.pdf))).pages)
    xmp = reader.xmp_metadata.stream.get_data()
    assert b'pdfaid:part="2"' in xmp  # still declared PDF/A-2b, as the stored original
    evidence = " ".join(page.extract_text() for page in reader.pages[-2:])
    evidence = re.sub(r"\s+", " ", evidence)
    for name in ("Anna Ordförande", "Bertil Ek", "Cecilia Kvist"):
        assert name in evidence
    assert "Underskrifter" in evidence and "127.0.xxx.xxx" in evidence and "UTC" in evidence
    assert document.sha256 in evidence.replace(" ", "")


def _check_verification(pdf: bytes, kansli_client: Client, outsider) -> None:
    # The original is recognised whatever its name ...
    verdict = _verify(kansli_client, pdf, name="kopia (2).pdf").content.decode()
    assert "Äkta original." in verdict and "Cecilia Kvist" in verdict
    # ... one changed byte is not ...
    changed = bytearray(pdf)
    at = len(changed) // 3
    changed[at] = (changed[at] + 1) % 256
    verdict = _verify(kansli_client, bytes(changed)).content.decode()
    assert "Inte ett giltigt original." in verdict and "Äkta original." not in verdict
    # ... and in another association it is not that association's original.
    verdict = _verify(_signed_in(outsider), pdf, slug="grannbygden").content.decode()
    assert "Inte ett giltigt original." in verdict and "Cecilia Kvist" not in verdict
    verdict = _verify(kansli_client, b"inte en pdf").content.decode()
    assert "Filen är ingen PDF" in verdict


def _check_change_log(association, signatories) -> None:
    logged = AuditEntry.objects.filter(association=association)
    assert logged.filter(object_type="signing.SigningRound", action=AuditEntry.CREATE).count() == 1
    assert logged.filter(object_type="signing.Signatory").count() == 3
    signed = logged.filter(object_type="signing.Signature")
    assert {e.user_id for e in signed} == {u.pk for u in signatories.values()}
    assert signed.count() == 3
    seals = logged.filter(object_type="signing.SealedOriginal")
    assert {e.after["sha256"] for e in seals} == set(
        SealedOriginal.objects.values_list("sha256", flat=True)
    )
    assert seals.count() == 2
    # Readable as the log shows it (as tests/finsam/test_audit_trail.py asks of every
    # service): the object in words, Swedish labels.
    for line in present(list(logged.filter(object_type__startswith="signing."))):
        assert line.what and " object (" not in line.what, line.what
        assert line.changes, line.what
        for change in line.changes:
            assert "_" not in change.label and not change.label[:1].islower(), change.label


def test_a_full_round_board_then_auditors_makes_a_sealed_original(
    association, closed, signatories, kansli_client, outsider
):
    signing_round = _board_then_auditors(association, signatories, kansli_client)
    download = kansli_client.get("/testbygden/underskrifter/2024/original/")
    assert download["Content-Type"] == "application/pdf"
    pdf = download.content
    assert pdf == bytes(SealedOriginal.objects.get(stage=SealedOriginal.COMPLETE).pdf)
    _check_sealed_original(pdf, signing_round.document)
    # The revision page offers it and shows the round's status.
    revision = kansli_client.get("/testbygden/revision/").content.decode()
    assert "Underskriven och förseglad" in revision and "3 av 3 har skrivit under" in revision
    assert "/testbygden/underskrifter/2024/original/" in revision
    _check_verification(pdf, kansli_client, outsider)
    _check_change_log(association, signatories)


def test_a_stale_session_cannot_sign_without_the_password(
    association, closed, signatories, kansli_client
):
    _start(kansli_client)
    chair = signatories["ordf"]
    refused = _sign(chair, password=None)
    assert refused.status_code == 400
    assert "Ange ditt lösenord" in refused.content.decode()
    wrong = _sign(chair, password="fel-lösenord")
    assert wrong.status_code == 400
    assert "lösenord" in wrong.content.decode()
    assert not Signature.objects.exists()
    # The service itself refuses a confirmation older than a few minutes.
    signatory = SigningRound.objects.get().signatories.get(user=chair)
    old = services.FreshAuthentication(
        user_id=chair.pk,
        method=services.PASSWORD,
        at=datetime.datetime(2025, 3, 20, 9, tzinfo=datetime.UTC),
    )
    with pytest.raises(ServiceError, match="lösenord"):
        services.signature_add(signatory=signatory, by=chair, authentication=old, ip="1.2.3.4")
    assert not Signature.objects.exists()
    assert _sign(chair).status_code == 302
    signature = Signature.objects.get()
    assert signature.name == "Anna Ordförande" and signature.title == "Ordförande"
    assert signature.document_sha256 == closed.decided_documents.get().sha256
    assert signature.ip_masked == "127.0.xxx.xxx"
    assert "Lösenord" in signature.authentication


def test_a_signature_cannot_be_removed_or_changed(association, closed, signatories, kansli_client):
    _start(kansli_client)
    _sign(signatories["ordf"])
    signature = Signature.objects.get()
    with pytest.raises(ImmutableRow):
        signature.delete()
    signature.title = "Ledamot"
    with pytest.raises(ImmutableRow):
        signature.save()
    again = _sign(signatories["ordf"])
    assert "redan skrivit under" in again.content.decode()
    from django.contrib import admin

    assert Signature not in admin.site._registry
    signature.refresh_from_db()
    assert signature.title == "Ordförande"
    assert Signature.objects.count() == 1


def test_reopening_the_year_voids_the_round_and_a_new_closing_starts_a_new_one(
    association, closed, signatories, kansli_client, superuser
):
    _start(kansli_client)
    _sign(signatories["ordf"])
    budget_services.fiscal_year_reopen(fiscal_year=closed, reason="Fel i noterna", by=superuser)
    voided = SigningRound.objects.get()
    assert voided.status == SigningRound.VOID and voided.voided_at is not None
    assert Signature.objects.count() == 1  # kept as it was made
    assert _sign(signatories["ledamot1"]).status_code == 302  # nothing to sign: a message
    assert Signature.objects.count() == 1
    page = kansli_client.get("/testbygden/underskrifter/2024/").content.decode()
    assert "Ersatt runda" in page and "inte skickad för underskrift" in page
    assert AuditEntry.objects.filter(
        object_type="signing.SigningRound", after__status=SigningRound.VOID
    ).exists()

    closed_year(association, closed_on=datetime.date(2025, 3, 27))
    assert _start(kansli_client).status_code == 302
    live = SigningRound.objects.exclude(status=SigningRound.VOID).get()
    assert live.document == DecidedDocument.objects.get(superseded=False)
    assert (
        "Ersatt (året öppnades igen)"
        in kansli_client.get("/testbygden/underskrifter/").content.decode()
    )


def test_only_the_kansli_starts_a_round_and_only_for_a_closed_year(
    association, signatories, kansli_client
):
    budget_services.fiscal_year_ensure(association=association, year=2024)
    response = kansli_client.get("/testbygden/underskrifter/2024/skicka/")
    assert "Räkenskapsåret 2024 är inte stängt" in response.content.decode()
    assert kansli_client.post("/testbygden/underskrifter/2024/skicka/", {}).status_code == 200
    assert not SigningRound.objects.exists()
    styrelse = _signed_in(signatories["ordf"])
    assert styrelse.get("/testbygden/underskrifter/2024/skicka/").status_code == 403
