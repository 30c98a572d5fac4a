"""Writes to insatser: lifecycle, funding decisions and the aggregated follow-up."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from finsam.services import (
    ServiceError,
    StaleEdit,
    check_version,
    delete_recorded,
    save_audited,
    save_recorded,
    snapshot,
)
from insatser.models import (
    Activity,
    EndReason,
    FundingDecision,
    Insats,
    ParticipantBreakdown,
    ParticipantStats,
    Staffing,
)
from members.models import Association, Member


@transaction.atomic
def insats_save(
    *,
    association: Association,
    data: dict[str, Any],
    members: list[Member] | None = None,
    insats: Insats | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Insats:
    if insats is not None:
        insats = Insats.objects.select_for_update().get(pk=insats.pk, association=association)
        check_version(insats, expected_version, what=f"Insatsen {insats.name}")
        before = snapshot(insats)
    else:
        insats = Insats(association=association)
        before = None
    if "status" in data and insats.pk and data["status"] != insats.status:
        raise ServiceError("Status ändras med statusknapparna, inte i formuläret.")
    for name, value in data.items():
        setattr(insats, name, value)
    duplicate = Insats.objects.filter(association=association, code=insats.code)
    if duplicate.exclude(pk=insats.pk).exists():
        raise ServiceError(f"Kortkoden {insats.code} används redan.", field="code")
    if members is not None and any(m.association_id != association.id for m in members):
        raise ServiceError("En medlem hör till ett annat förbund.")
    try:
        insats = save_audited(insats, association_id=association.id, by=by, before=before)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    if members is not None:
        insats.members.set(members)
    return insats


@transaction.atomic
def insats_set_status(
    *, insats: Insats, status: str, expected_version: int | None = None, by: Any = None
) -> Insats:
    """Move an insats along its lifecycle; any other move is refused."""
    insats = Insats.objects.select_for_update().get(pk=insats.pk)
    check_version(insats, expected_version, what=f"Insatsen {insats.name}")
    if status not in Insats.TRANSITIONS[insats.status]:
        labels = dict(Insats.STATUSES)
        allowed = ", ".join(labels[s].lower() for s in sorted(Insats.TRANSITIONS[insats.status]))
        raise ServiceError(
            f"En insats med status {labels[insats.status].lower()} kan inte bli "
            f"{labels.get(status, status).lower()}."
            + (f" Möjligt: {allowed}." if allowed else " Den är avslutad.")
        )
    before = snapshot(insats)
    insats.status = status
    return save_recorded(insats, association_id=insats.association_id, by=by, before=before)


def decision_horizon_problem(decided_on: datetime.date | str | None, year: int) -> str | None:
    """A board decides money for the years of its budget and plan: from the year before
    the decision (a late decision) to three years after it (budget N+1 and its plan)."""
    if isinstance(decided_on, str):  # as some callers (and the model field) accept it
        try:
            decided_on = datetime.date.fromisoformat(decided_on)
        except ValueError:
            return None
    if decided_on is None:
        return None
    first, last = decided_on.year - 1, decided_on.year + 3
    if not first <= year <= last:
        return f"Ett beslut från {decided_on.year} kan gälla åren {first}–{last}, inte {year}."
    return None


@transaction.atomic
def funding_decision_add(
    *,
    insats: Insats,
    decided_on: datetime.date,
    paragraph: str,
    year: int,
    amount: Decimal,
    by: Any = None,
) -> FundingDecision:
    from budgets.services import refuse_closed_year

    refuse_closed_year(insats.association, year)
    if outside := insats.outside_period(year):
        raise ServiceError(f"Beslutet kan inte gälla {year}: {outside}", field="year")
    if horizon := decision_horizon_problem(decided_on, year):
        raise ServiceError(horizon, field="year")
    if amount is None or amount <= 0:
        raise ServiceError("Beloppet måste vara större än noll.", field="amount")
    if insats.status in (Insats.ANSOKAN, Insats.AVSLAGEN):
        raise ServiceError("Medel kan bara beslutas för en beviljad eller pågående insats.")
    if decided_on is not None:
        from budgets.services import refuse_future

        refuse_future(decided_on, "Beslutsdatumet", "decided_on")
    decision = FundingDecision(
        insats=insats, decided_on=decided_on, paragraph=paragraph, year=year, amount=amount
    )
    return save_recorded(decision, association_id=insats.association_id, by=by, before=None)


@transaction.atomic
def staffing_save(
    *,
    insats: Insats,
    role: str,
    count: int,
    percent: Decimal,
    staffing: Staffing | None = None,
    by: Any = None,
) -> Staffing:
    """Add or change one staffing row (bemanning) of an insats."""
    role = (role or "").strip()
    if not role:
        raise ServiceError("Ange en roll.", field="role")
    if count is None or count < 1:
        raise ServiceError("Antalet måste vara minst 1.", field="count")
    if percent is None or not Decimal(0) <= percent <= Decimal(100):
        raise ServiceError(
            "Andelen av heltid måste ligga mellan 0 och 100 procent.", field="percent"
        )
    if staffing is not None:
        staffing = Staffing.objects.select_for_update().get(pk=staffing.pk, insats=insats)
        before = snapshot(staffing)
    else:
        staffing = Staffing(insats=insats)
        before = None
    staffing.role, staffing.count, staffing.percent = role, count, percent
    try:
        return save_audited(staffing, association_id=insats.association_id, by=by, before=before)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc


@transaction.atomic
def staffing_delete(*, insats: Insats, staffing: Staffing, by: Any = None) -> None:
    staffing = Staffing.objects.select_for_update().get(pk=staffing.pk, insats=insats)
    delete_recorded(staffing, association_id=insats.association_id, by=by)


GENDERS = (("women", "kvinnor"), ("men", "män"))
# Total and ongoing may be unreported (None); new and ended are always given.
OPTIONAL_COUNTS = {"women_total", "men_total", "women_ongoing", "men_ongoing"}


def participants(stats: Any, prefix: str) -> int:
    """Participants of one gender in a year: the total when reported, else those
    who ended (the sources that omit the total report every ending)."""
    total = getattr(stats, f"{prefix}_total")
    return total if total is not None else getattr(stats, f"{prefix}_ended")


def stats_problems(
    counts: dict[str, int | None], reasons: dict[str, tuple[int, int]]
) -> list[str]:
    """Every impossible figure, as Swedish sentences (empty when all add up)."""
    problems = []
    for key, value in counts.items():
        if value is None and key in OPTIONAL_COUNTS:
            continue
        if value is None or value < 0:
            problems.append(f"Antalen får inte vara negativa ({key}).")
    for reason, pair in reasons.items():
        if any(v is None or v < 0 for v in pair):
            problems.append(f"Antalen för avslutsorsaken {reason} får inte vara negativa.")
    if problems:
        return problems
    for prefix, label in GENDERS:
        total, ended, ongoing, new = (
            counts.get(f"{prefix}_total"),
            counts[f"{prefix}_ended"],
            counts.get(f"{prefix}_ongoing"),
            counts[f"{prefix}_new"],
        )
        if (total is None) != (ongoing is None):
            problems.append(
                f"För {label}: ange både totalt och pågående, eller lämna båda tomma "
                "när källan inte redovisar dem."
            )
        elif total is not None:
            if ended + ongoing != total:
                problems.append(
                    f"För {label}: avslutade ({ended}) och pågående ({ongoing}) blir "
                    f"{ended + ongoing}, men totalt står det {total}."
                )
            if new > total:
                problems.append(f"För {label}: fler nya ({new}) än totalt ({total}).")
        index = 0 if prefix == "women" else 1
        reason_sum = sum(pair[index] for pair in reasons.values())
        if reasons and reason_sum != ended:
            problems.append(
                f"För {label}: avslutsorsakerna summerar till {reason_sum}, men {ended} har avslutats."
            )
    return problems


@transaction.atomic
def participant_stats_save(
    *,
    insats: Insats,
    year: int,
    counts: dict[str, int],
    reasons: dict[str, tuple[int, int]],
    expected_version: int | None = None,
    by: Any = None,
) -> ParticipantStats:
    """Replace a year's aggregated follow-up; impossible figures save nothing.
    `expected_version` is the version the form showed (0 when there was none), so
    two people saving the same year at once never silently overwrite each other."""
    from budgets.services import lock_open_year

    Insats.objects.select_for_update(no_key=True).filter(pk=insats.pk).first()
    lock_open_year(insats.association, year)
    if outside := insats.outside_period(year):
        raise ServiceError(f"Deltagare kan inte registreras för {year}: {outside}", field="year")
    problems = stats_problems(counts, reasons)
    if problems:
        raise ServiceError(" ".join(problems))
    unknown = set(reasons) - {key for key, _ in EndReason.REASONS}
    if unknown:
        raise ServiceError(f"Okänd avslutsorsak: {', '.join(sorted(unknown))}.")
    stats = ParticipantStats.objects.select_for_update().filter(insats=insats, year=year).first()
    if stats is not None:
        check_version(stats, expected_version, what=f"Deltagarstatistiken {year}")
        before = snapshot(stats)
    elif expected_version:
        raise StaleEdit(
            f"Deltagarstatistiken {year} har tagits bort sedan du öppnade formuläret. "
            "Läs in sidan igen."
        )
    else:
        stats = ParticipantStats(insats=insats, year=year)
        before = None
    for key, value in counts.items():
        setattr(stats, key, value)
    if stats.pk:
        # The breakdowns already entered must still fit the changed counts.
        saved: dict[str, dict[str, tuple[int, int]]] = {}
        for row in stats.breakdowns.all():
            saved.setdefault(row.dimension, {})[row.category] = (row.women, row.men)
        problems = [
            p
            for dimension, rows in saved.items()
            for p in breakdown_problems(stats, dimension, rows)
        ]
        if problems:
            raise ServiceError(
                "De nya antalen stämmer inte med fördelningarna som redan är registrerade: "
                + " ".join(problems)
            )
    save_recorded(
        stats,
        association_id=insats.association_id,
        by=by,
        before=before,
        note={"reasons": {r: list(pair) for r, pair in reasons.items()}},
    )
    stats.end_reasons.all().delete()
    EndReason.objects.bulk_create(
        [EndReason(stats=stats, reason=r, women=w, men=m) for r, (w, m) in reasons.items()]
    )
    return stats


# Support before and after may name several sources per participant, so each row is
# checked on its own; these give one category per participant, so their sum is.
ONE_PER_PARTICIPANT = {
    ParticipantBreakdown.AGE,
    ParticipantBreakdown.EDUCATION,
    ParticipantBreakdown.TIME_IN_SUPPORT,
}


def _breakdown_base(stats: ParticipantStats, dimension: str, prefix: str) -> tuple[int, str]:
    """What one gender's rows of a dimension may not exceed, and how to name it."""
    if dimension == ParticipantBreakdown.SUPPORT_AFTER:
        return getattr(stats, f"{prefix}_ended"), "som avslutade"
    new = getattr(stats, f"{prefix}_new")
    if dimension == ParticipantBreakdown.EDUCATION and new:
        # Education is recorded when a participant starts.
        return new, "nya deltagare"
    if getattr(stats, f"{prefix}_total") is None:
        return getattr(stats, f"{prefix}_ended"), "avslutade deltagare"
    return getattr(stats, f"{prefix}_total"), "deltagare"


def breakdown_problems(
    stats: ParticipantStats, dimension: str, rows: dict[str, tuple[int, int]]
) -> list[str]:
    """Every impossible figure of one dimension's rows, as Swedish sentences."""
    if dimension not in ParticipantBreakdown.CATEGORIES:
        return [f"Okänd fördelning: {dimension}."]
    dimension_label = dict(ParticipantBreakdown.DIMENSIONS)[dimension]
    categories = dict(ParticipantBreakdown.CATEGORIES[dimension])
    unknown = sorted(set(rows) - set(categories))
    if unknown:
        return [f"Okänd kategori för {dimension_label.lower()}: {', '.join(unknown)}."]
    problems = [
        f"{dimension_label}: antalen för {categories[c].lower()} får inte vara negativa."
        for c, pair in rows.items()
        if any(v is None or v < 0 for v in pair)
    ]
    if problems:
        return problems
    for index, (prefix, label) in enumerate(GENDERS):
        base, base_label = _breakdown_base(stats, dimension, prefix)
        if dimension in ONE_PER_PARTICIPANT:
            total = sum(pair[index] for pair in rows.values())
            if total > base:
                problems.append(
                    f"{dimension_label}: {label} summerar till {total}, "
                    f"men det finns {base} {base_label}."
                )
            continue
        when = "efter" if dimension == ParticipantBreakdown.SUPPORT_AFTER else "före"
        for category, pair in rows.items():
            if pair[index] > base:
                problems.append(
                    f"Fler {label} {when} insatsen med {categories[category].lower()} "
                    f"({pair[index]}) än {base_label} ({base})."
                )
    return problems


def _breakdown_rows(stats: ParticipantStats) -> dict[str, dict[str, list[int]]]:
    result: dict[str, dict[str, list[int]]] = {}
    for row in stats.breakdowns.all():
        result.setdefault(row.dimension, {})[row.category] = [row.women, row.men]
    return result


@transaction.atomic
def breakdowns_save(
    *,
    stats: ParticipantStats,
    dimensions: dict[str, dict[str, tuple[int, int]]],
    expected_version: int | None = None,
    by: Any = None,
) -> ParticipantStats:
    """Replace the rows of the given dimensions of a year; any impossible figure in
    any of them saves nothing. Empty categories are not stored."""
    from budgets.services import refuse_closed_year

    stats = (
        ParticipantStats.objects.select_related("insats__association")
        .select_for_update()
        .get(pk=stats.pk)
    )
    insats = stats.insats
    refuse_closed_year(insats.association, stats.year)
    check_version(stats, expected_version, what=f"Deltagarstatistiken {stats.year}")
    problems = [
        p
        for dimension, rows in dimensions.items()
        for p in breakdown_problems(stats, dimension, rows)
    ]
    if problems:
        raise ServiceError(" ".join(problems))
    before = snapshot(stats)
    before["breakdowns"] = _breakdown_rows(stats)
    stats.breakdowns.filter(dimension__in=list(dimensions)).delete()
    ParticipantBreakdown.objects.bulk_create(
        [
            ParticipantBreakdown(
                stats=stats, dimension=dimension, category=category, women=women, men=men
            )
            for dimension, rows in dimensions.items()
            for category, (women, men) in rows.items()
            if women or men
        ]
    )
    return save_recorded(
        stats,
        association_id=insats.association_id,
        by=by,
        before=before,
        note={"breakdowns": _breakdown_rows(stats)},
    )


def breakdown_save(
    *,
    stats: ParticipantStats,
    dimension: str,
    rows: dict[str, tuple[int, int]],
    expected_version: int | None = None,
    by: Any = None,
) -> ParticipantStats:
    """Replace one dimension's rows of a year (support before, age, …)."""
    return breakdowns_save(
        stats=stats, dimensions={dimension: rows}, expected_version=expected_version, by=by
    )


def _refuse_closed_year(insats: Insats, year: int) -> None:
    from budgets.services import refuse_closed_year

    refuse_closed_year(insats.association, year)


@transaction.atomic
def activity_save(
    *,
    insats: Insats,
    date: datetime.date | None,
    title: str,
    kind: str,
    attendees: int | None,
    year: int | None = None,
    activity: Activity | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> Activity:
    """Add or change one activity (training, seminar, meeting place) of an insats. The
    date is optional where only the year is known; nothing is made up for it."""
    if date is None and year is None:
        raise ServiceError("Ange ett datum, eller året om datumet inte är känt.", field="date")
    if date is not None and year is not None and date.year != year:
        raise ServiceError(f"Datumet {date} ligger inte i år {year}.", field="date")
    year = date.year if date is not None else year
    title = (title or "").strip()
    if not title:
        raise ServiceError("Ange en rubrik.", field="title")
    if kind not in dict(Activity.KINDS):
        raise ServiceError("Välj ett slag av aktivitet.", field="kind")
    if attendees is None or attendees < 0:
        raise ServiceError("Antalet deltagare kan inte vara negativt.", field="attendees")
    _refuse_closed_year(insats, year)
    if activity is not None:
        activity = Activity.objects.select_for_update().get(pk=activity.pk, insats=insats)
        check_version(activity, expected_version, what=f"Aktiviteten {activity.title}")
        _refuse_closed_year(insats, activity.year)
        before = snapshot(activity)
    else:
        activity = Activity(insats=insats)
        before = None
    activity.year, activity.date = year, date
    activity.title, activity.kind, activity.attendees = title, kind, attendees
    try:
        return save_audited(activity, association_id=insats.association_id, by=by, before=before)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc


@transaction.atomic
def activity_delete(*, insats: Insats, activity: Activity, by: Any = None) -> None:
    activity = Activity.objects.select_for_update().get(pk=activity.pk, insats=insats)
    _refuse_closed_year(insats, activity.year)
    delete_recorded(activity, association_id=insats.association_id, by=by)
