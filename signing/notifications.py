"""E-mails to signatories: a link when the round starts, and reminders while they have
not signed (`manage.py signing_reminders`). Sending writes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from signing.models import Signatory, SigningRound


def _link(signing_round: SigningRound) -> str:
    path = reverse(
        "signing:round_detail",
        kwargs={"slug": signing_round.association.slug, "year": signing_round.year},
    )
    return settings.BASE_URL + path


def _address(signatory: Signatory) -> str:
    if signatory.user.email:
        return signatory.user.email
    return signatory.person.email if signatory.person else ""


def _send(signatory: Signatory, *, subject: str, opening: str) -> bool:
    address = _address(signatory)
    if not address:
        return False
    signing_round = signatory.signing_round
    body = (
        f"Hej {signatory.name},\n\n{opening}\n\n"
        f"Öppna länken, logga in, läs dokumentet och skriv under genom att ange ditt "
        f"lösenord på nytt:\n{_link(signing_round)}\n\n"
        f"Dokumentets kontrollsumma (SHA-256): {signing_round.document.sha256}\n\n"
        f"Hälsningar\n{signing_round.association.name}\n"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return True


def round_started(signing_round: SigningRound) -> int:
    """One e-mail to each signatory of the board, and to the auditors, with the link."""
    sent = 0
    for signatory in signing_round.signatories.select_related("user", "person"):
        sent += _send(
            signatory,
            subject=f"Årsredovisning {signing_round.year} att skriva under",
            opening=(
                f"{signing_round.association.name}s årsredovisning för {signing_round.year} "
                f"är skickad för underskrift, och du står med som {signatory.title.lower()}."
                + (
                    " Revisorerna skriver under när hela styrelsen har skrivit under."
                    if signatory.group == Signatory.AUDIT
                    else ""
                )
            ),
        )
    return sent


def reminders() -> int:
    """A reminder to each signatory whose turn it is and who has not signed."""
    sent = 0
    waiting = (
        Signatory.objects.filter(
            signature__isnull=True,
            signing_round__status__in=[SigningRound.OPEN, SigningRound.BOARD_SEALED],
        )
        .select_related("user", "person", "signing_round__association", "signing_round__document")
        .defer("signing_round__document__pdf", "signing_round__document__snapshot")
    )
    for signatory in waiting:
        status = signatory.signing_round.status
        turn = (
            SigningRound.OPEN if signatory.group == Signatory.BOARD else SigningRound.BOARD_SEALED
        )
        if status != turn:
            continue
        sent += _send(
            signatory,
            subject=f"Påminnelse: årsredovisning {signatory.signing_round.year} att skriva under",
            opening=(
                f"Du har ännu inte skrivit under {signatory.signing_round.association.name}s "
                f"årsredovisning för {signatory.signing_round.year}."
            ),
        )
    return sent
