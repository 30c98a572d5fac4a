"""Writes to the members app. Every one runs in a transaction and is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from finsam.models import AuditEntry
from finsam.money import round_kronor, split_largest_remainder
from finsam.services import (
    ServiceError,
    audit,
    check_version,
    delete_recorded,
    save_audited,
    save_recorded,
    snapshot,
)
from members.models import (
    Appointment,
    Association,
    Contribution,
    Invitation,
    Member,
    MunicipalShare,
    Person,
    StateAllocation,
    UserRole,
)

STATE_NAME = "Staten (AF+FK)"


@dataclass(frozen=True)
class ContributionPart:
    """One computed contribution, before it is stored."""

    party: str
    member_id: int | None
    name: str
    amount: Decimal
    weight: Decimal | None = None  # the municipality's key weight, shown beside it
    share_percent: Decimal | None = None  # the weight as a percentage of the key


def contributions_split(
    *,
    state_amount: Decimal,
    region: tuple[int, str] | None,
    municipalities: list[tuple[int, str, Decimal]],
) -> list[ContributionPart]:
    """The 50/25/25 rule (DOMAIN §2), in whole kronor, parts summing to the whole.

    The state pays half the total (its allocation); the region a quarter; the
    municipalities together the rest, split by their key with largest-remainder
    rounding. An allocation in öre is first rounded to whole kronor, once, here.
    """
    state = round_kronor(Decimal(state_amount))
    total = state * 2
    region_amount = round_kronor(state / 2)
    municipal_total = total - state - region_amount
    parts = [ContributionPart(Contribution.STATE, None, STATE_NAME, state)]
    if region is not None:
        parts.append(ContributionPart(Contribution.REGION, region[0], region[1], region_amount))
    else:
        municipal_total += region_amount
    if municipalities:
        weights = [w for _, _, w in municipalities]
        weight_sum = sum(weights)
        if weight_sum <= 0:
            raise ServiceError("Fördelningsnyckeln måste ha minst en andel större än noll.")
        amounts = split_largest_remainder(municipal_total, weights)
        for (member_id, name, weight), amount in zip(municipalities, amounts, strict=True):
            parts.append(
                ContributionPart(
                    Contribution.KOMMUN,
                    member_id,
                    name,
                    amount,
                    weight=weight,
                    share_percent=weight * 100 / weight_sum,
                )
            )
    elif municipal_total:
        raise ServiceError("Förbundet har ingen kommun att fördela kommunernas andel på.")
    return parts


def _members_of(association: Association, year: int) -> tuple[Member | None, list[Member]]:
    """The region and the municipalities that were members during `year`."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    members = [
        m
        for m in association.members.all()
        if (m.joined is None or m.joined <= end) and (m.left is None or m.left >= start)
    ]
    region = next((m for m in members if m.kind == Member.REGION), None)
    municipalities = [m for m in members if m.kind == Member.KOMMUN]
    return region, municipalities


@transaction.atomic
def allocation_save(
    *,
    association: Association,
    year: int,
    amount: Decimal,
    decided_on: datetime.date | None,
    key_basis: str,
    weights: dict[int, Decimal],
    note: str = "",
    allocation: StateAllocation | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> StateAllocation:
    """Create or change a year's allocation and key, and recompute its contributions."""
    if allocation is None:
        allocation = StateAllocation.objects.filter(association=association, year=year).first()
        if allocation is not None and expected_version is None and by is not None:
            raise ServiceError(f"Det finns redan en tilldelning för {year}. Ändra den i stället.")
    if allocation is not None:
        allocation = StateAllocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.association_id != association.id:
            raise ServiceError("Tilldelningen hör till ett annat förbund.")
        check_version(allocation, expected_version, what=f"Tilldelningen för {allocation.year}")
        before = snapshot(allocation)
        before["weights"] = {str(s.member_id): str(s.weight) for s in allocation.shares.all()}
    else:
        allocation = StateAllocation(association=association)
        before = None
    _refuse_closed_year(association, year)
    if amount is None or amount < 0:
        raise ServiceError(
            "Statens bidrag måste vara ett belopp som inte är negativt.", field="amount"
        )
    allocation.year = year
    allocation.amount = amount
    allocation.decided_on = decided_on
    allocation.key_basis = key_basis
    allocation.note = note
    region, municipalities = _members_of(association, year)
    known = {m.id for m in municipalities}
    unknown = set(weights) - known
    if unknown:
        raise ServiceError("Nyckeln nämner en kommun som inte är medlem det året.")
    if any(w is None or w < 0 for w in weights.values()):
        raise ServiceError("Nyckelns andelar får inte vara negativa.", field="weights")
    if key_basis == StateAllocation.PERCENT and weights and sum(weights.values()) != 100:
        raise ServiceError(
            f"Procentsatserna summerar till {sum(weights.values())} %, inte 100 %.",
            field="weights",
        )
    try:
        allocation.full_clean(exclude=["association"])
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    save_recorded(
        allocation,
        association_id=association.id,
        by=by,
        before=before,
        note={"weights": {str(mid): str(w) for mid, w in weights.items()}},
    )
    allocation.shares.all().delete()
    MunicipalShare.objects.bulk_create(
        [
            MunicipalShare(allocation=allocation, member_id=mid, weight=w)
            for mid, w in weights.items()
        ]
    )
    _store_contributions(allocation, region, municipalities, weights)
    return allocation


def _store_contributions(
    allocation: StateAllocation,
    region: Member | None,
    municipalities: list[Member],
    weights: dict[int, Decimal],
) -> list[Contribution]:
    keyed = [(m.id, m.name, weights[m.id]) for m in municipalities if m.id in weights]
    parts = contributions_split(
        state_amount=allocation.amount,
        region=(region.id, region.name) if region else None,
        municipalities=keyed,
    )
    allocation.contributions.all().delete()
    return Contribution.objects.bulk_create(
        [
            Contribution(
                allocation=allocation,
                party=p.party,
                member_id=p.member_id,
                name=p.name,
                amount=p.amount,
                sort_order=i,
            )
            for i, p in enumerate(parts)
        ]
    )


def _refuse_closed_year(association: Association, year: int) -> None:
    """A closed fiscal year's figures never change (the budgets app owns the years);
    the year is locked until this write commits, so it cannot be closed meanwhile."""
    from budgets.services import lock_open_year

    lock_open_year(association, year)


@transaction.atomic
def association_update(
    *, association: Association, data: dict[str, Any], expected_version: int | None, by: Any
) -> Association:
    association = Association.objects.select_for_update().get(pk=association.pk)
    check_version(association, expected_version, what="Förbundets uppgifter")
    before = snapshot(association)
    for name, value in data.items():
        setattr(association, name, value)
    return _save(association, association.id, by, before)


def _save(obj, association_id: int, by: Any, before: dict | None):
    try:
        return save_audited(obj, association_id=association_id, by=by, before=before)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc


@transaction.atomic
def member_save(
    *,
    association: Association,
    data: dict[str, Any],
    member: Member | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Member:
    if member is not None:
        member = Member.objects.select_for_update().get(pk=member.pk, association=association)
        check_version(member, expected_version, what=f"Medlemmen {member.name}")
        before = snapshot(member)
    else:
        member = Member(association=association)
        before = None
    for name, value in data.items():
        setattr(member, name, value)
    if (
        Member.objects.filter(association=association, name=member.name)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ServiceError(f"Det finns redan en medlem som heter {member.name}.", field="name")
    return _save(member, association.id, by, before)


@transaction.atomic
def person_save(
    *,
    association: Association,
    data: dict[str, Any],
    person: Person | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Person:
    if person is not None:
        person = Person.objects.select_for_update().get(pk=person.pk, association=association)
        check_version(person, expected_version, what=f"Uppgifterna om {person.name}")
        before = snapshot(person)
    else:
        person = Person(association=association)
        before = None
    for name, value in data.items():
        setattr(person, name, value)
    return _save(person, association.id, by, before)


@transaction.atomic
def appointment_save(
    *,
    association: Association,
    data: dict[str, Any],
    appointment: Appointment | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Appointment:
    if appointment is not None:
        appointment = Appointment.objects.select_for_update().get(
            pk=appointment.pk, association=association
        )
        check_version(appointment, expected_version, what="Uppdraget")
        before = snapshot(appointment)
    else:
        appointment = Appointment(association=association)
        before = None
    for name, value in data.items():
        setattr(appointment, name, value)
    if appointment.person.association_id != association.id:
        raise ServiceError("Personen hör till ett annat förbund.")
    if appointment.appointed_by_id and appointment.appointed_by.association_id != association.id:
        raise ServiceError("Medlemmen hör till ett annat förbund.")
    return _save(appointment, association.id, by, before)


@transaction.atomic
def appointment_delete(*, association: Association, appointment: Appointment, by: Any) -> None:
    appointment = Appointment.objects.select_for_update().get(
        pk=appointment.pk, association=association
    )
    delete_recorded(appointment, association_id=association.id, by=by)


@transaction.atomic
def role_save(
    *, user: Any, association: Association, role: str, role_row: Any = None, by: Any = None
) -> Any:
    """Give a user a role in an association (or change it); recorded in the
    association's change log, since who may read and edit is part of its record."""
    from members.models import UserRole

    if role not in dict(UserRole.ROLES):
        raise ServiceError("Välj kansli, styrelse eller revisor.", field="role")
    if role_row is not None:
        role_row = UserRole.objects.select_for_update().get(pk=role_row.pk)
        before = snapshot(role_row)
        if role_row.association_id != association.id:
            # Moving a role to another association: recorded as a removal there.
            role_delete(role_row=role_row, by=by)
            role_row, before = None, None
    else:
        before = None
    if role_row is None:
        role_row = UserRole(user=user, association=association)
    role_row.user, role_row.role = user, role
    if role_row.granted_at is None:
        role_row.granted_at = timezone.now()
    return save_recorded(role_row, association_id=association.id, by=by, before=before)


@transaction.atomic
def role_delete(*, role_row: Any, by: Any = None) -> None:
    delete_recorded(role_row, association_id=role_row.association_id, by=by)


@transaction.atomic
def admin_delete(*, objects: list, by: Any = None) -> int:
    """Delete rows chosen in the admin (one or a bulk action), each recorded in its
    association's change log; all or nothing. Rows still in use are refused."""
    from django.db.models import ProtectedError

    for obj in objects:
        association_id = obj.pk if isinstance(obj, Association) else obj.association_id
        try:
            with transaction.atomic():
                delete_recorded(obj, association_id=association_id, by=by)
        except ProtectedError as exc:
            raise ServiceError(
                f"{obj} används fortfarande (till exempel i budgetar eller beslut) och kan "
                "inte tas bort."
            ) from exc
    return len(objects)


# --- Set-up and access: a new association, invitations, roles -------------------------

# The roles each role may give (and change or take away) in its association.
GRANTABLE = {UserRole.KANSLI: {UserRole.KANSLI, UserRole.STYRELSE, UserRole.REVISOR}}


@transaction.atomic
def association_create(
    *, data: dict[str, Any], members: list[tuple[str, str]], by: Any
) -> Association:
    """A new association with its members (kind, name), by a superuser; recorded."""
    if not getattr(by, "is_superuser", False):
        raise ServiceError("Bara en administratör kan skapa ett samordningsförbund.")
    association = Association(**data)
    association.slug = association.slug or slugify(association.name)[:60].strip("-")
    if Association.objects.filter(slug=association.slug).exists():
        raise ServiceError(
            f"Kortadressen {association.slug} används redan. Välj en annan.", field="slug"
        )
    try:
        association.full_clean()
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    association.save()
    audit(
        association_id=association.pk,
        user=by,
        action=AuditEntry.CREATE,
        obj=association,
        before=None,
        after=snapshot(association),
    )
    for order, (kind, name) in enumerate(members, start=1):
        member_save(
            association=association,
            data={"kind": kind, "name": name, "sort_order": order, "joined": association.founded},
            by=by,
        )
    return association


def _refuse_role_by(association: Association, role: str, by: Any) -> None:
    """Only a role the giver may give: kansli gives kansli, styrelse and revisor."""
    if role not in dict(UserRole.ROLES):
        raise ServiceError("Välj kansli, styrelse eller revisor.", field="role")
    if getattr(by, "is_superuser", False):
        return
    own = (
        UserRole.objects.filter(user=by, association=association)
        .values_list("role", flat=True)
        .first()
    )
    if role not in GRANTABLE.get(own, set()):
        label = dict(UserRole.ROLES)[role].lower()
        raise ServiceError(f"Din roll i förbundet får inte ge rollen {label}.", field="role")


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(
            "Skriv en giltig e-postadress, till exempel namn@kommun.se.", field="email"
        ) from exc
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _giver(by: Any) -> str:
    from members.models import person_label

    return person_label(by) if getattr(by, "is_authenticated", False) else "Kansliet"


@transaction.atomic
def invitation_create(
    *, association: Association, email: str, role: str, site_url: str, by: Any
) -> Invitation | UserRole:
    """Invite an address to a role: an e-mail with a one-time link. An address that
    already has an account gets the role at once (no second account) and a notice."""
    from members import invitations

    _refuse_role_by(association, role, by)
    email = _clean_email(email)
    Association.objects.select_for_update().get(pk=association.pk)
    existing = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        if UserRole.objects.filter(user=existing, association=association).exists():
            raise ServiceError(f"{email} har redan behörighet i förbundet.", field="email")
        row = role_save(user=existing, association=association, role=role, by=by)
        _mail(
            invitations.send_access_notice,
            email=email,
            association=association,
            role=row.get_role_display(),
            site_url=site_url,
            inviter=_giver(by),
        )
        return row
    now = timezone.now()
    open_one = Invitation.objects.filter(
        association=association, email__iexact=email, accepted_at__isnull=True
    ).first()
    if open_one is not None and open_one.expires_at > now:
        until = timezone.localtime(open_one.expires_at).date().isoformat()
        raise ServiceError(
            f"{email} är redan inbjuden (inbjudan gäller till och med {until}).", field="email"
        )
    if open_one is not None:  # expired: the new invitation replaces it
        delete_recorded(open_one, association_id=association.id, by=by)
    invitation = Invitation(
        association=association,
        email=email,
        role=role,
        invited_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    save_recorded(invitation, association_id=association.id, by=by, before=None)
    _mail(invitations.send_invitation, invitation, site_url=site_url, inviter=_giver(by))
    return invitation


def _mail(send, *args, **kwargs) -> None:
    try:
        send(*args, **kwargs)
    except (OSError, ConnectionError) as exc:
        raise ServiceError(
            "E-postmeddelandet kunde inte skickas; ingenting är sparat. Försök igen senare."
        ) from exc


def invitation_problem(*, invitation: Invitation | None, token: str) -> str | None:
    """Why a link cannot be used (in Swedish), or None when it can."""
    from members.invitations import tokens

    if invitation is None or not tokens.check_token(invitation, token):
        return (
            "Länken gäller inte. Den kan ha använts redan eller dragits tillbaka; be "
            "förbundets kansli om en ny inbjudan."
        )
    if invitation.accepted_at is not None:
        return "Inbjudan är redan använd. Logga in med din e-postadress och ditt lösenord."
    if invitation.expires_at <= timezone.now():
        return "Inbjudan har gått ut. Be förbundets kansli om en ny inbjudan."
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, token: str, password: str, name: str = "") -> Any:
    """Use an invitation once: an account with the chosen password (or, for an address
    that has one by now, that account) and the role; both recorded."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    problem = invitation_problem(invitation=invitation, token=token)
    if problem:
        raise ServiceError(problem)
    User = get_user_model()
    user = (
        User.objects.filter(email__iexact=invitation.email).order_by("pk").first()
        or User.objects.filter(username=invitation.email).first()
    )
    if user is None:
        first, _, last = name.strip().partition(" ")
        user = User(username=invitation.email, email=invitation.email)
        user.first_name, user.last_name = first[:150], last[:150]
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="password1") from exc
        user.set_password(password)
        user.save()
    association = invitation.association
    if not UserRole.objects.filter(user=user, association=association).exists():
        role_save(user=user, association=association, role=invitation.role, by=user)
    before = snapshot(invitation)
    invitation.accepted_at = timezone.now()
    save_recorded(invitation, association_id=association.id, by=user, before=before)
    return user


@transaction.atomic
def invitation_withdraw(*, association: Association, invitation: Invitation, by: Any) -> None:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation.pk, association=association)
        .first()
    )
    if invitation is None:
        raise ServiceError("Inbjudan finns inte längre.")
    _refuse_role_by(association, invitation.role, by)
    if invitation.accepted_at is not None:
        raise ServiceError("Inbjudan är redan använd; ta bort behörigheten i stället.")
    delete_recorded(invitation, association_id=association.id, by=by)


def _locked_role(association: Association, role_row: UserRole, by: Any) -> UserRole:
    row = (
        UserRole.objects.select_for_update()
        .select_related("user")
        .filter(pk=role_row.pk, association=association)
        .first()
    )
    if row is None:
        raise ServiceError("Behörigheten finns inte längre.")
    if row.user_id == getattr(by, "pk", None):
        raise ServiceError(
            "Du kan inte ändra eller ta bort din egen behörighet; be någon annan i kansliet."
        )
    _refuse_role_by(association, row.role, by)
    return row


@transaction.atomic
def access_change(
    *,
    association: Association,
    role_row: UserRole,
    role: str,
    expected_version: int | None,
    by: Any,
) -> UserRole:
    """Change somebody's role in the association (not one's own); recorded."""
    row = _locked_role(association, role_row, by)
    _refuse_role_by(association, role, by)
    check_version(row, expected_version, what=f"Behörigheten för {row.user}")
    return role_save(user=row.user, association=association, role=role, role_row=row, by=by)


@transaction.atomic
def access_remove(*, association: Association, role_row: UserRole, by: Any) -> None:
    """Take somebody's access away at once (not one's own); recorded."""
    row = _locked_role(association, role_row, by)
    role_delete(role_row=row, by=by)
