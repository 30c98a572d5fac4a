"""Reads for the members pages: a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from finsam.models import AuditEntry
from members.models import Appointment, Association, Contribution, Member, StateAllocation


def members_of(*, association: Association) -> list[Member]:
    return list(association.members.all())


def municipalities_in_year(*, association: Association, year: int) -> list[Member]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return [
        m
        for m in association.members.filter(kind=Member.KOMMUN)
        if (m.joined is None or m.joined <= end) and (m.left is None or m.left >= start)
    ]


def appointments_of(*, association: Association) -> list[Appointment]:
    return list(
        Appointment.objects.filter(association=association)
        .select_related("person", "appointed_by")
        .order_by("-start", "role", "person__name")
    )


def split_current(
    appointments: list[Appointment], today: datetime.date
) -> tuple[list[Appointment], list[Appointment]]:
    """Appointments in force today, and those that ended or have not begun."""
    rank = {role: i for i, (role, _) in enumerate(Appointment.ROLES)}
    ordered = sorted(appointments, key=lambda a: (rank[a.role], a.person.name))
    current = [a for a in ordered if a.start <= today and (a.end is None or a.end >= today)]
    others = [a for a in appointments if a not in current]
    return current, others


def allocations_of(*, association: Association) -> list[StateAllocation]:
    return list(
        StateAllocation.objects.filter(association=association)
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("member"))
        )
        .order_by("-year")
    )


def allocation_for(*, association: Association, year: int) -> StateAllocation | None:
    return (
        StateAllocation.objects.filter(association=association, year=year)
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("member")),
            Prefetch("shares"),
        )
        .first()
    )


def allocation_before(*, association: Association, year: int) -> StateAllocation | None:
    """The latest allocation before the year, with its key (the start of a new one)."""
    return (
        StateAllocation.objects.filter(association=association, year__lt=year)
        .prefetch_related("shares")
        .order_by("-year")
        .first()
    )


def audit_entries(*, association: Association) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(association=association).select_related("user")
