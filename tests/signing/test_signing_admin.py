"""The certificate command, the reminders, the kansli's list of years to send, and bad
uploads to the verification page."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from finsam.services import ServiceError
from signing import notifications, views
from signing.certificate import installation_seal
from signing.models import SealedOriginal, Signature, SigningRound
from tests.signing.test_signing_round import _sign, _start


def test_the_certificate_command_writes_a_self_signed_certificate_it_can_seal_with(
    tmp_path, settings
):
    target = tmp_path / "sigill.p12"
    settings.SIGNING_CERTIFICATE_PATH = str(target)
    settings.SIGNING_CERTIFICATE_PASSPHRASE = "lösen"
    call_command("signing_certificate", "--name", "Testsigill", stdout=io.StringIO())
    seal = installation_seal()
    assert "Testsigill" in seal.subject
    with pytest.raises(CommandError, match="finns redan"):
        call_command("signing_certificate", stdout=io.StringIO())
    settings.SIGNING_CERTIFICATE_PASSPHRASE = "fel"
    with pytest.raises(ServiceError, match="går inte att läsa"):
        installation_seal()
    settings.SIGNING_CERTIFICATE_PATH = str(tmp_path / "saknas.p12")
    with pytest.raises(ServiceError, match="saknas"):
        installation_seal()


def test_no_round_starts_without_a_certificate(
    association, closed, signatories, kansli_client, settings, tmp_path
):
    settings.SIGNING_CERTIFICATE_PATH = str(tmp_path / "saknas.p12")
    response = _start(kansli_client)
    assert response.status_code == 200
    assert "certifikat" in response.content.decode()
    assert not SigningRound.objects.exists()


def test_reminders_go_to_those_whose_turn_it_is(association, closed, signatories, kansli_client):
    index = kansli_client.get("/testbygden/underskrifter/").content.decode()
    assert "/testbygden/underskrifter/2024/skicka/" in index
    _start(kansli_client)
    assert (
        "/testbygden/underskrifter/2024/skicka/"
        not in kansli_client.get("/testbygden/underskrifter/").content.decode()
    )
    _sign(signatories["ordf"])
    mail.outbox.clear()
    assert notifications.reminders() == 1  # the other board member; the auditor waits
    assert mail.outbox[0].to == ["ledamot1@example.se"]
    assert "Påminnelse" in mail.outbox[0].subject
    call_command("signing_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2


def test_the_verification_page_refuses_a_huge_file_with_a_message(kansli_client, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 10)
    upload = SimpleUploadedFile("stor.pdf", b"%PDF-1.7 " + b"x" * 20)
    response = kansli_client.post("/testbygden/underskrifter/kontrollera/", {"file": upload})
    assert "större än 50 MB" in response.content.decode()
    assert "Äkta original" not in response.content.decode()


def test_a_seal_that_cannot_be_made_leaves_the_last_signature_unsaved(
    association, closed, signatories, kansli_client, settings
):
    _start(kansli_client)
    _sign(signatories["ordf"])
    # A time-stamping service that does not answer: the seal fails, in Swedish.
    settings.SIGNING_TIMESTAMP_URL = "http://127.0.0.1:9/tsa"
    response = _sign(signatories["ledamot1"])
    assert response.status_code == 400
    assert "kunde inte förseglas" in response.content.decode()
    assert Signature.objects.count() == 1
    assert not SealedOriginal.objects.exists()
    assert SigningRound.objects.get().status == SigningRound.OPEN
