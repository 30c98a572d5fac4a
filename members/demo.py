"""Demo data of the members app, from fixtures/members/*.toml (safe to load twice)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from members import services
from members.models import Appointment, Association, Member

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "members"
# The association others merge into must exist first.
ORDER = ["vastmanland.toml", "vasteras.toml", "vastra-malardalen.toml"]

ASSOCIATION_FIELDS = [
    "name",
    "short_name",
    "orgnr",
    "address",
    "postal_code",
    "city",
    "website",
    "vision",
    "founded",
    "merged_on",
]


def load(*, stdout) -> None:
    for name in ORDER:
        data = tomllib.loads((FIXTURES / name).read_text(encoding="utf-8"))
        association = _association(data["association"])
        members = _members(association, data.get("members", []))
        _appointments(association, members, data.get("appointments", []))
        _allocations(association, members, data.get("allocations", []))
        stdout.write(f"  {association.name}: {len(members)} medlemmar")


def _association(data: dict) -> Association:
    values = {k: data[k] for k in ASSOCIATION_FIELDS if k in data}
    if "merged_into" in data:
        values["merged_into"] = Association.objects.get(slug=data["merged_into"])
    association = Association.objects.filter(slug=data["slug"]).first()
    if association is None:
        association = Association(slug=data["slug"], **values)
        association.full_clean()
        association.save()
        return association
    changed = {k: v for k, v in values.items() if getattr(association, k) != v}
    if changed:
        association = services.association_update(
            association=association,
            data=changed,
            expected_version=association.version,
            by=None,
        )
    return association


def _members(association: Association, rows: list[dict]) -> dict[str, Member]:
    existing = {m.name: m for m in association.members.all()}
    result = {}
    for order, row in enumerate(rows):
        values = {
            "kind": row["kind"],
            "name": row["name"],
            "joined": row.get("joined"),
            "left": row.get("left"),
            "sort_order": order,
        }
        member = existing.get(row["name"])
        if member is None or any(getattr(member, k) != v for k, v in values.items()):
            member = services.member_save(
                association=association,
                data=values,
                member=member,
                expected_version=member.version if member else None,
            )
        result[member.name] = member
    return result


def _appointments(association: Association, members: dict[str, Member], rows: list[dict]):
    people = {p.name: p for p in association.people.all()}
    for row in rows:
        person = people.get(row["person"])
        if person is None:
            person = services.person_save(
                association=association,
                data={
                    "name": row["person"],
                    "title": row.get("title", ""),
                    "organisation": row.get("organisation", ""),
                },
            )
            people[person.name] = person
        exists = Appointment.objects.filter(
            association=association, person=person, role=row["role"], start=row["start"]
        ).exists()
        if not exists:
            services.appointment_save(
                association=association,
                data={
                    "person": person,
                    "role": row["role"],
                    "appointed_by": members.get(row.get("appointed_by", "")),
                    "start": row["start"],
                    "end": row.get("end"),
                },
            )


def _allocations(association: Association, members: dict[str, Member], rows: list[dict]):
    existing = {a.year: a for a in association.allocations.prefetch_related("shares")}
    for row in rows:
        weights = {members[name].id: Decimal(w) for name, w in row["weights"].items()}
        allocation = existing.get(row["year"])
        if allocation is not None and (
            allocation.amount == Decimal(row["amount"])
            and {s.member_id: s.weight for s in allocation.shares.all()} == weights
            and allocation.key_basis == row["key_basis"]
        ):
            continue
        services.allocation_save(
            association=association,
            year=row["year"],
            amount=Decimal(row["amount"]),
            decided_on=row.get("decided_on"),
            key_basis=row["key_basis"],
            weights=weights,
            note=row.get("note", ""),
            allocation=allocation,
            expected_version=allocation.version if allocation else None,
        )
