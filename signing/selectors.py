"""Reads of the signing: the rounds of a year, who may be named, the sealed originals,
and what an uploaded PDF is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from members.models import Appointment, Association, UserRole
from reporting.models import AR, AuditReport, DecidedDocument
from signing.models import SealedOriginal, Signatory, SigningRound


def rounds_of(*, association: Association, year: int | None = None) -> list[SigningRound]:
    """The rounds, live and replaced, newest first, with signatories and signatures."""
    rounds = SigningRound.objects.filter(association=association)
    if year is not None:
        rounds = rounds.filter(year=year)
    return list(
        rounds.select_related("document", "started_by")
        .defer("document__pdf", "document__snapshot")
        .prefetch_related(
            Prefetch(
                "signatories",
                queryset=Signatory.objects.select_related("signature", "user").order_by(
                    "-group", "sort_order", "id"
                ),
            ),
            Prefetch(
                "sealed_originals",
                queryset=SealedOriginal.objects.defer("pdf").order_by("-sealed_at", "-id"),
            ),
        )
    )


def live_round(rounds: list[SigningRound]) -> SigningRound | None:
    return next((r for r in rounds if not r.is_void), None)


def closed_report(*, association: Association, year: int) -> DecidedDocument | None:
    """The annual report stored at the year's current closing, if the year is closed."""
    return (
        DecidedDocument.objects.filter(
            association=association,
            year=year,
            document=AR,
            superseded=False,
            fiscal_year__closed_on__isnull=False,
        )
        .defer("pdf", "snapshot")
        .order_by("-created_at", "-id")
        .first()
    )


def unsent_reports(*, association: Association) -> list[DecidedDocument]:
    """Annual reports of closed years that no live round signs yet."""
    return list(
        DecidedDocument.objects.filter(
            association=association,
            document=AR,
            superseded=False,
            fiscal_year__closed_on__isnull=False,
        )
        .exclude(
            signing_rounds__status__in=[
                SigningRound.OPEN,
                SigningRound.BOARD_SEALED,
                SigningRound.COMPLETE,
            ]
        )
        .defer("pdf", "snapshot")
        .order_by("-year")
    )


@dataclass
class Candidate:
    """An appointment from the organisation table that may sign, with the user
    proposed for it (same e-mail address) among the users with a role."""

    appointment: Appointment
    proposed_user_id: int | None


@dataclass
class Candidates:
    board: list[Candidate] = field(default_factory=list)
    auditors: list[Candidate] = field(default_factory=list)
    users: list = field(default_factory=list)


def candidates_for(*, association: Association, on: datetime.date) -> Candidates:
    """The board (ordförande first) and the auditors in office on the day of the
    closing, each with the user proposed for them (same e-mail address or full name),
    and the users with a role in the association to choose from."""
    from signing.services import TITLE_ORDER

    roles = user_roles(association=association)
    by_email = {r.user.email.lower(): r.user.pk for r in roles if r.user.email}
    by_name = {r.user.get_full_name().lower(): r.user.pk for r in roles if r.user.get_full_name()}
    appointments = (
        Appointment.objects.filter(
            association=association, role__in=list(TITLE_ORDER), start__lte=on
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person")
    )
    result = Candidates(users=[r.user for r in roles])
    for appointment in sorted(appointments, key=lambda a: (TITLE_ORDER[a.role], a.start, a.pk)):
        person = appointment.person
        proposed = by_email.get(person.email.lower()) if person.email else None
        candidate = Candidate(appointment, proposed or by_name.get(person.name.lower()))
        if appointment.role in Appointment.AUDIT_ROLES:
            result.auditors.append(candidate)
        else:
            result.board.append(candidate)
    return result


def user_roles(*, association: Association) -> list[UserRole]:
    return list(
        UserRole.objects.filter(association=association)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def audit_report_of(*, association: Association, year: int) -> AuditReport | None:
    """The revisionsberättelse uploaded for the year (without its bytes), if any."""
    return AuditReport.objects.filter(association=association, year=year).defer("pdf").first()


def sealed_matching(*, association: Association, sha256: str) -> SealedOriginal | None:
    """The association's sealed original with exactly this SHA-256, if any."""
    return (
        SealedOriginal.objects.filter(signing_round__association=association, sha256=sha256)
        .select_related("signing_round__document")
        .defer("pdf", "signing_round__document__pdf", "signing_round__document__snapshot")
        .first()
    )


@dataclass(frozen=True)
class Verification:
    """The verdict on an uploaded PDF, in the words the page shows."""

    ok: bool
    message: str
    sealed: SealedOriginal | None = None
    signatures: list = field(default_factory=list)
    replaced: bool = False


def verification(*, association: Association, pdf: bytes) -> Verification:
    """Whether `pdf` is one of the association's sealed originals: its seal validates
    with the installation's certificate over the whole file, and its SHA-256 is that of
    a sealed original stored here."""
    from finsam.services import ServiceError
    from signing.certificate import installation_seal
    from signing.seal import check_seal, sha256

    if not pdf.startswith(b"%PDF"):
        return Verification(False, "Filen är ingen PDF; ingenting är kontrollerat.")
    try:
        installation = installation_seal()
    except ServiceError:
        installation = None
    check = check_seal(pdf, installation)
    sealed = sealed_matching(association=association, sha256=sha256(pdf))
    if sealed is not None and check.ok:
        return _verified(sealed)
    if sealed is not None:
        return Verification(
            False,
            "Filen har samma innehåll som ett förseglat original, men förseglingen går inte "
            "att bekräfta med installationens nuvarande certifikat.",
        )
    if check.sealed and not check.intact:
        return Verification(
            False,
            "Filen är inte ett giltigt original: den har ändrats efter förseglingen, eller "
            "förseglingen går inte att bekräfta.",
        )
    return Verification(
        False,
        "Filen är inte ett förseglat original från förbundet: den är ändrad eller okänd "
        "här. Kontrollera att du har fått filen från förbundets sida Revision.",
    )


def _verified(sealed: SealedOriginal) -> Verification:
    from signing.models import Signature

    signing_round = sealed.signing_round
    document = signing_round.document
    signatures = Signature.objects.filter(signatory__signing_round=signing_round)
    if sealed.stage == SealedOriginal.BOARD:
        signatures = signatures.filter(signatory__group=Signatory.BOARD)
    elif sealed.stage == SealedOriginal.REVISION:
        signatures = signatures.filter(signatory__group=Signatory.AUDIT)
    signatures = list(
        signatures.select_related("signatory").order_by(
            "-signatory__group", "signatory__sort_order"
        )
    )
    decided = f"(beslutad {document.decided_on:%Y-%m-%d} {document.paragraph}".rstrip() + ")"
    sealed_on = f"förseglad {timezone.localtime(sealed.sealed_at):%Y-%m-%d %H:%M}"
    if sealed.stage == SealedOriginal.REVISION:
        text = (
            f"Revisionsberättelsen {signing_round.year} med revisorernas underskrifter, som "
            f"avser årsredovisningen {document.year} {decided}: filen är förbundets "
            f"förseglade original, {sealed_on}."
        )
    else:
        text = (
            f"Filen är förbundets förseglade original av årsredovisningen {document.year} "
            f"{decided}, {sealed_on}."
        )
    text += " Förseglingen är giltig och omfattar hela filen."
    if signing_round.is_void:
        text += " Observera: året har öppnats igen efter underskrifterna, så dokumentet är ersatt."
    return Verification(True, text, sealed, signatures, signing_round.is_void)
