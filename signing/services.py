"""Writes of the signing: starting a round, signing, sealing, voiding. Each is one
transaction that locks the round (or the year) first and records its change."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from finsam.services import ServiceError, save_recorded, snapshot
from members.models import Appointment, UserRole
from reporting.models import AR, AuditReport, DecidedDocument
from signing import seal as sealing
from signing.certificate import installation_seal
from signing.models import SealedOriginal, Signatory, Signature, SigningRound

if TYPE_CHECKING:
    from budgets.models import FiscalYear

# How long a password confirmation counts as fresh.
FRESH_FOR = datetime.timedelta(minutes=5)
PASSWORD = "Lösenord, bekräftat på nytt vid underskriften (inloggning i finsam)"
TITLE_ORDER = {
    Appointment.ORDFORANDE: 0,
    Appointment.VICE_ORDFORANDE: 1,
    Appointment.LEDAMOT: 2,
    Appointment.ERSATTARE: 3,
    Appointment.REVISOR: 4,
    Appointment.REVISORSBITRADE: 5,
}


@dataclass(frozen=True)
class FreshAuthentication:
    """A password the user entered again just now (see signing/views.py)."""

    user_id: int
    method: str
    at: datetime.datetime


@dataclass(frozen=True)
class Nomination:
    """A signatory the kansli names: an appointment from the organisation table and
    the user (with a role in the association) who signs for that person."""

    appointment: Appointment
    user: Any


def mask_ip(address: str | None) -> str:
    """81.16.xxx.xxx, as the signing services print it; half an IPv6 address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 4:
        first, second, *_ = str(ip).split(".")
        return f"{first}.{second}.xxx.xxx"
    groups = ip.exploded.split(":")
    return ":".join(groups[:4]) + ":xxxx:xxxx:xxxx:xxxx"


def _live_round(document: DecidedDocument) -> SigningRound | None:
    return (
        SigningRound.objects.select_for_update()
        .filter(document=document)
        .exclude(status=SigningRound.VOID)
        .first()
    )


def _check_nominations(association, nominations: list[Nomination]) -> None:
    if not any(n.appointment.role in Appointment.BOARD_ROLES for n in nominations):
        raise ServiceError("Välj minst en styrelseledamot som skriver under.")
    users = [n.user.pk for n in nominations]
    if len(set(users)) != len(users):
        raise ServiceError("Samma användare kan bara skriva under en gång.")
    with_role = set(
        UserRole.objects.filter(association=association, user_id__in=users).values_list(
            "user_id", flat=True
        )
    )
    for n in nominations:
        if n.appointment.association_id != association.pk:
            raise ServiceError("Uppdraget hör inte till förbundet.")
        if n.appointment.role not in TITLE_ORDER:
            raise ServiceError(
                f"{n.appointment.person.name} är {n.appointment.get_role_display().lower()}; "
                "bara styrelsen och revisorerna skriver under årsredovisningen."
            )
        if n.user.pk not in with_role:
            raise ServiceError(
                f"{n.user.get_username()} har ingen roll i förbundet; bjud in personen först."
            )


@transaction.atomic
def round_start(
    *,
    document: DecidedDocument,
    nominations: list[Nomination],
    by: Any,
    started_at: datetime.datetime | None = None,
) -> SigningRound:
    """Send a closed year's annual report out for signature: the board's members
    present (ordförande first), then the auditors. Refused for a replaced document, an
    open year, a round already going, or signatories without a role."""
    document = DecidedDocument.objects.select_for_update().get(pk=document.pk)
    association = document.association
    fiscal_year = document.fiscal_year
    if document.document != AR or fiscal_year is None:
        raise ServiceError("Bara en stängd årsredovisning skrivs under här.")
    if document.superseded or not fiscal_year.is_closed:
        raise ServiceError(
            f"Årsredovisningen {document.year} är ersatt: året har öppnats igen. "
            "Stäng året på nytt för att skriva under den nya."
        )
    if _live_round(document) is not None:
        raise ServiceError(f"Årsredovisningen {document.year} skickas redan för underskrift.")
    _check_nominations(association, nominations)
    installation_seal()  # no round that could never be sealed
    signing_round = save_recorded(
        SigningRound(
            association=association,
            year=document.year,
            document=document,
            started_at=started_at or timezone.now(),
            started_by=by if getattr(by, "is_authenticated", False) else None,
        ),
        association_id=association.pk,
        by=by,
        before=None,
    )
    ordered = sorted(
        nominations, key=lambda n: (TITLE_ORDER[n.appointment.role], n.appointment.start)
    )
    for order, n in enumerate(ordered):
        save_recorded(
            Signatory(
                signing_round=signing_round,
                user=n.user,
                person=n.appointment.person,
                name=n.appointment.person.name,
                title=n.appointment.get_role_display(),
                group=Signatory.AUDIT
                if n.appointment.role in Appointment.AUDIT_ROLES
                else Signatory.BOARD,
                sort_order=order,
            ),
            association_id=association.pk,
            by=by,
            before=None,
        )
    return signing_round


def _refuse_signing(signing_round: SigningRound, signatory: Signatory, by: Any) -> None:
    if signing_round.status == SigningRound.VOID:
        raise ServiceError("Underskriftsrundan är ersatt: året har öppnats igen.")
    if signing_round.status == SigningRound.COMPLETE:
        raise ServiceError("Alla har redan skrivit under.")
    if getattr(by, "pk", None) != signatory.user_id:
        raise ServiceError("Bara den som är utsedd kan skriva under för sig själv.")
    if Signature.objects.filter(signatory=signatory).exists():
        raise ServiceError("Du har redan skrivit under; en underskrift kan inte ändras.")
    if signatory.group == Signatory.AUDIT and signing_round.status != SigningRound.BOARD_SEALED:
        raise ServiceError("Revisorerna skriver under när hela styrelsen har skrivit under.")


def _refuse_stale(authentication: FreshAuthentication | None, by: Any, at) -> None:
    if (
        authentication is None
        or authentication.user_id != getattr(by, "pk", None)
        or not (at - FRESH_FOR <= authentication.at <= at + FRESH_FOR)
    ):
        raise ServiceError(
            "Bekräfta underskriften med ditt lösenord; inloggningen räcker inte.",
            field="password",
        )


@transaction.atomic
def signature_add(
    *,
    signatory: Signatory,
    by: Any,
    authentication: FreshAuthentication | None,
    ip: str | None,
    at: datetime.datetime | None = None,
) -> Signature:
    """The signatory's own signature of the document's exact bytes, after a fresh
    password. The last board signature seals the original; so does the last auditor's."""
    at = at or timezone.now()
    signing_round = SigningRound.objects.select_for_update().get(pk=signatory.signing_round_id)
    signatory = Signatory.objects.get(pk=signatory.pk)
    _refuse_signing(signing_round, signatory, by)
    _refuse_stale(authentication, by, at)
    document = signing_round.document
    signed_hash = hashlib.sha256(bytes(document.pdf)).hexdigest()
    if signed_hash != document.sha256:
        raise ServiceError(
            "Den sparade årsredovisningen stämmer inte med sin kontrollsumma; ingen "
            "underskrift är sparad. Kontakta systemadministratören."
        )
    signature = save_recorded(
        Signature(
            signatory=signatory,
            name=signatory.name,
            title=signatory.title,
            signed_at=at,
            document_sha256=signed_hash,
            authentication=authentication.method,
            ip_masked=mask_ip(ip),
        ),
        association_id=signing_round.association_id,
        by=by,
        before=None,
    )
    _seal_when_complete(signing_round, by=by, at=at)
    return signature


def _seal_when_complete(signing_round: SigningRound, *, by: Any, at) -> None:
    signatories = list(signing_round.signatories.select_related("signature"))
    signed = {s.pk for s in signatories if hasattr(s, "signature")}
    board = [s for s in signatories if s.group == Signatory.BOARD]
    auditors = [s for s in signatories if s.group == Signatory.AUDIT]
    if signing_round.status == SigningRound.OPEN and all(s.pk in signed for s in board):
        final = not auditors
        _seal(signing_round, board, [], final=final, by=by, at=at)
    elif (
        signing_round.status == SigningRound.BOARD_SEALED
        and auditors
        and all(s.pk in signed for s in auditors)
    ):
        _seal(signing_round, board, auditors, final=True, by=by, at=at)


def _lines(signatories: list[Signatory]) -> list[sealing.SignatureLine]:
    return [
        sealing.SignatureLine(
            name=s.signature.name,
            title=s.signature.title,
            group=s.group,
            signed_at=s.signature.signed_at,
            authentication=s.signature.authentication,
            ip_masked=s.signature.ip_masked,
        )
        for s in signatories
    ]


def _report_line(document: DecidedDocument) -> str:
    return (
        f"Årsredovisning {document.year}, beslutad {document.decided_on:%Y-%m-%d} "
        f"{document.paragraph}".strip()
    )


def _seal(signing_round, board, auditors, *, final: bool, by: Any, at) -> SealedOriginal:
    """The stored PDF/A + the pages "Underskrifter" + the installation's seal; when the
    auditors have signed and a revisionsberättelse is uploaded, it is sealed too."""
    installation = installation_seal()
    document = signing_round.document
    report = AuditReport.objects.filter(
        association_id=signing_round.association_id, year=signing_round.year
    ).first()
    pages = sealing.EvidencePages(
        association=document.association.name,
        document=_report_line(document),
        document_sha256=document.sha256,
        board=_lines(board),
        auditors=_lines(auditors),
        audit_report_sha256=report.sha256 if report and auditors else "",
        certificate_subject=installation.subject,
        certificate_serial=installation.serial,
        sealed_at=at,
        timestamped=bool(installation.timestamp_url),
    )
    stage = SealedOriginal.COMPLETE if final else SealedOriginal.BOARD
    sealed = _sealed_original(
        signing_round, bytes(document.pdf), pages, stage, installation, by=by, at=at
    )
    if report is not None and auditors:
        _seal_audit_report(signing_round, report, auditors, installation, by=by, at=at)
    before = snapshot(signing_round)
    signing_round.status = SigningRound.COMPLETE if final else SigningRound.BOARD_SEALED
    save_recorded(signing_round, association_id=signing_round.association_id, by=by, before=before)
    return sealed


def _seal_audit_report(signing_round, report: AuditReport, auditors, installation, *, by, at):
    """The uploaded revisionsberättelse + pages "Underskrifter" with the auditors'
    signatures and the annual report it concerns + the same seal."""
    content = bytes(report.pdf)
    if hashlib.sha256(content).hexdigest() != report.sha256:
        raise ServiceError(
            "Den uppladdade revisionsberättelsen stämmer inte med sin kontrollsumma; ingen "
            "underskrift är sparad. Kontakta systemadministratören."
        )
    document = signing_round.document
    pages = sealing.EvidencePages(
        association=document.association.name,
        document=f"Revisionsberättelse {signing_round.year}",
        document_sha256=report.sha256,
        board=[],
        auditors=_lines(auditors),
        audit_report_sha256="",
        certificate_subject=installation.subject,
        certificate_serial=installation.serial,
        sealed_at=at,
        timestamped=bool(installation.timestamp_url),
        concerns=_report_line(document),
        concerns_sha256=document.sha256,
    )
    return _sealed_original(
        signing_round, content, pages, SealedOriginal.REVISION, installation, by=by, at=at
    )


def _sealed_original(
    signing_round, original: bytes, pages, stage: str, installation, *, by: Any, at
) -> SealedOriginal:
    merged = sealing.append_pages(original, sealing.evidence_pdf(pages))
    try:
        pdf = sealing.seal(merged, installation, reason=f"Underskrifter: {pages.document}")
    except Exception as exc:  # the time-stamping service or the key: say so in Swedish
        raise ServiceError(
            "Dokumentet kunde inte förseglas (certifikatet eller tidsstämpeltjänsten "
            "svarade inte); ingen underskrift är sparad. Försök igen om en stund."
        ) from exc
    return save_recorded(
        SealedOriginal(
            signing_round=signing_round,
            stage=stage,
            pdf=pdf,
            sha256=sealing.sha256(pdf),
            sealed_at=at,
            certificate=installation.subject[:300],
        ),
        association_id=signing_round.association_id,
        by=by,
        before=None,
    )


def rounds_void(*, fiscal_year: FiscalYear, by: Any) -> list[SigningRound]:
    """Reopening the year voids its rounds: they stay listed, marked "ersatt", with
    their signatures; a new closing starts a new round. Runs in the reopening's
    transaction (budgets.services.fiscal_year_reopen)."""
    voided = []
    with transaction.atomic():
        rounds = SigningRound.objects.select_for_update().filter(document__fiscal_year=fiscal_year)
        for signing_round in rounds.exclude(status=SigningRound.VOID):
            before = snapshot(signing_round)
            signing_round.status = SigningRound.VOID
            signing_round.voided_at = timezone.now()
            voided.append(
                save_recorded(
                    signing_round,
                    association_id=signing_round.association_id,
                    by=by,
                    before=before,
                )
            )
    return voided
