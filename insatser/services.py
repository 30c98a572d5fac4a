"""Writes to insatser: lifecycle, funding decisions and the aggregated follow-up."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from finsam.models import AuditEntry
from finsam.services import ServiceError, audit, check_version, save_audited, snapshot
from insatser.models import EndReason, FundingDecision, Insats, ParticipantStats, Staffing
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
    insats.version += 1
    insats.save()
    audit(
        association_id=insats.association_id,
        user=by,
        action=AuditEntry.UPDATE,
        obj=insats,
        before=before,
        after=snapshot(insats),
    )
    return insats


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
    if amount is None or amount <= 0:
        raise ServiceError("Beloppet måste vara större än noll.", field="amount")
    if insats.status in (Insats.ANSOKAN, Insats.AVSLAGEN):
        raise ServiceError("Medel kan bara beslutas för en beviljad eller pågående insats.")
    decision = FundingDecision.objects.create(
        insats=insats, decided_on=decided_on, paragraph=paragraph, year=year, amount=amount
    )
    audit(
        association_id=insats.association_id,
        user=by,
        action=AuditEntry.CREATE,
        obj=decision,
        before=None,
        after=snapshot(decision),
    )
    return decision


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
    before = snapshot(staffing)
    audit(
        association_id=insats.association_id,
        user=by,
        action=AuditEntry.DELETE,
        obj=staffing,
        before=before,
        after=None,
    )
    staffing.delete()


GENDERS = (("women", "kvinnor"), ("men", "män"))


def stats_problems(counts: dict[str, int], reasons: dict[str, tuple[int, int]]) -> list[str]:
    """Every impossible figure, as Swedish sentences (empty when all add up)."""
    problems = []
    for key, value in counts.items():
        if value is None or value < 0:
            problems.append(f"Antalen får inte vara negativa ({key}).")
    for reason, pair in reasons.items():
        if any(v is None or v < 0 for v in pair):
            problems.append(f"Antalen för avslutsorsaken {reason} får inte vara negativa.")
    if problems:
        return problems
    for prefix, label in GENDERS:
        total, ended, ongoing, new = (
            counts[f"{prefix}_total"],
            counts[f"{prefix}_ended"],
            counts[f"{prefix}_ongoing"],
            counts[f"{prefix}_new"],
        )
        if ended + ongoing != total:
            problems.append(
                f"För {label}: avslutade ({ended}) och pågående ({ongoing}) blir {ended + ongoing}, "
                f"men totalt står det {total}."
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
    """Replace a year's aggregated follow-up; impossible figures save nothing."""
    from budgets.services import refuse_closed_year

    refuse_closed_year(insats.association, year)
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
        stats.version += 1
    else:
        stats = ParticipantStats(insats=insats, year=year)
        before = None
    for key, value in counts.items():
        setattr(stats, key, value)
    stats.save()
    stats.end_reasons.all().delete()
    EndReason.objects.bulk_create(
        [EndReason(stats=stats, reason=r, women=w, men=m) for r, (w, m) in reasons.items()]
    )
    after = snapshot(stats)
    after["reasons"] = {r: list(pair) for r, pair in reasons.items()}
    audit(
        association_id=insats.association_id,
        user=by,
        action=AuditEntry.UPDATE if before else AuditEntry.CREATE,
        obj=stats,
        before=before,
        after=after,
    )
    return stats
