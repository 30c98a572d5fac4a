"""Reads for the insatser pages: a fixed number of queries whatever the data size."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from insatser.models import Insats, ParticipantStats
from members.models import Association


def insatser_filtered(
    *,
    association: Association,
    kind: str = "",
    status: str = "",
    member_id: int | None = None,
    year: int | None = None,
) -> QuerySet[Insats]:
    queryset = Insats.objects.filter(association=association).prefetch_related("members")
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if member_id:
        queryset = queryset.filter(members__id=member_id)
    if year:
        queryset = queryset.exclude(start__year__gt=year).exclude(end__year__lt=year)
    return queryset.distinct()


def insats_detail(*, association: Association, insats_id: int) -> Insats | None:
    return (
        Insats.objects.filter(association=association, pk=insats_id)
        .prefetch_related(
            "members",
            "decisions",
            "staffing",
            "goals",
            "activities",
            Prefetch(
                "participant_stats",
                queryset=ParticipantStats.objects.prefetch_related("end_reasons", "breakdowns"),
            ),
        )
        .first()
    )
