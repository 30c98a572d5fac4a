"""Writes to the goals of a year's verksamhetsplan (DOMAIN §5): the goal itself, its
target, and later its result and the board's assessment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from budgets.services import refuse_closed_year
from finsam.services import ServiceError, check_version, delete_recorded, save_recorded, snapshot
from insatser.models import Goal, Insats
from members.models import Association

FIELDS = ("year", "area", "text", "target", "unit", "result", "status", "comment")
PERCENT_UNITS = {"%", "procent", "procent (%)"}


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def _linked(goal: Goal) -> list[int]:
    return sorted(goal.insatser.values_list("pk", flat=True)) if goal.pk else []


def _refuse_nonsense(goal: Goal) -> None:
    """Rules a single field cannot see: text first, then figures that fit the unit."""
    if not goal.text.strip():
        raise ServiceError("Skriv vad målet är.", field="text")
    if goal.area not in dict(Goal.AREAS):
        raise ServiceError("Välj ett område för målet.", field="area")
    if goal.status and goal.status not in dict(Goal.STATUSES):
        raise ServiceError("Välj uppnått, delvis uppnått eller ej uppnått.", field="status")
    if not 2000 <= goal.year <= 2100:
        raise ServiceError("Året måste ligga mellan 2000 och 2100.", field="year")
    if goal.target is not None and goal.target < 0:
        raise ServiceError("Målvärdet kan inte vara negativt.", field="target")
    if goal.result is not None and goal.target is None:
        raise ServiceError(
            "Ange ett målvärde för att kunna ange ett utfall; annars räcker bedömningen.",
            field="result",
        )
    if (goal.target is not None or goal.result is not None) and not goal.unit:
        raise ServiceError(
            "Ange en enhet för målvärdet, t.ex. procent eller deltagare.", field="unit"
        )
    if is_percent(goal.unit):
        for name, value, label in (
            ("target", goal.target, "Målvärdet"),
            ("result", goal.result, "Utfallet"),
        ):
            if value is not None and not Decimal(0) <= value <= Decimal(100):
                raise ServiceError(
                    f"{label} är i procent och måste ligga mellan 0 och 100.", field=name
                )


@transaction.atomic
def goal_save(
    *,
    association: Association,
    data: dict[str, Any],
    insatser: list[Insats] | None = None,
    goal: Goal | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Goal:
    """Create a goal (data must name its year) or change one; `insatser` replaces the
    linked insatser when given."""
    if goal is not None:
        goal = Goal.objects.select_for_update().get(pk=goal.pk, association=association)
        check_version(goal, expected_version, what="Målet")
        refuse_closed_year(association, goal.year)
        before = snapshot(goal) | {"insatser": _linked(goal)}
    else:
        if data.get("year") is None:
            raise ServiceError("Ange vilket år målet gäller.", field="year")
        goal = Goal(association=association)
        before = None
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ServiceError(f"Okända uppgifter för ett mål: {', '.join(sorted(unknown))}.")
    for name, value in data.items():
        if name in ("text", "unit", "comment", "status", "area"):
            value = (value or "").strip()
        setattr(goal, name, value)
    refuse_closed_year(association, goal.year)
    _refuse_nonsense(goal)
    if insatser is not None and any(i.association_id != association.id for i in insatser):
        raise ServiceError(
            "En insats hör till ett annat förbund och kan inte kopplas till målet.",
            field="insatser",
        )
    if goal.pk is None:
        highest = Goal.objects.filter(
            association=association, year=goal.year, area=goal.area
        ).aggregate(m=Max("sort_order"))["m"]
        goal.sort_order = 0 if highest is None else highest + 1
    try:
        goal.full_clean()
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    linked = sorted(i.pk for i in insatser) if insatser is not None else _linked(goal)
    goal = save_recorded(
        goal,
        association_id=association.id,
        by=by,
        before=before,
        note={"insatser": linked},
    )
    if insatser is not None:
        goal.insatser.set(insatser)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, expected_version: int | None = None, by: Any = None) -> None:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    check_version(goal, expected_version, what="Målet")
    refuse_closed_year(goal.association, goal.year)
    delete_recorded(goal, association_id=goal.association_id, by=by)


@transaction.atomic
def goals_copy(
    *, association: Association, from_year: int, to_year: int, by: Any = None
) -> list[Goal]:
    """Start a year's goals from another year's: area, text, target and unit, and the
    insatser that still run in the new year; never the result or the assessment."""
    refuse_closed_year(association, to_year)
    if from_year == to_year:
        raise ServiceError("Välj ett annat år att kopiera från.", field="year")
    if Goal.objects.filter(association=association, year=to_year).exists():
        raise ServiceError(
            f"{to_year} har redan mål; kopiering görs bara till ett år utan mål.", field="year"
        )
    sources = list(
        Goal.objects.filter(association=association, year=from_year)
        .prefetch_related("insatser")
        .order_by("area", "sort_order", "pk")
    )
    if not sources:
        raise ServiceError(f"{from_year} har inga mål att kopiera.", field="year")
    return [
        goal_save(
            association=association,
            data={
                "year": to_year,
                "area": source.area,
                "text": source.text,
                "target": source.target,
                "unit": source.unit,
            },
            insatser=[i for i in source.insatser.all() if i.outside_period(to_year) is None],
            by=by,
        )
        for source in sources
    ]
