"""Writes to the members app. Every one runs in a transaction and is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from finsam.money import round_kronor, split_largest_remainder
from finsam.services import (
    ServiceError,
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
    Member,
    MunicipalShare,
    Person,
    StateAllocation,
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
