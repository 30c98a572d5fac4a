"""Demo insatser from fixtures/insatser/*.toml, safe to load twice."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from insatser import demo_goals, services
from members.models import Association

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "insatser"
PATH_TO = {
    "beviljad": ["beviljad"],
    "pagaende": ["beviljad", "pagaende"],
    "avslutad": ["beviljad", "pagaende", "avslutad"],
    "avslagen": ["avslagen"],
    "ansokan": [],
}


FACTS = (
    "code",
    "name",
    "kind",
    "purpose",
    "target_group",
    "start",
    "end",
    "capacity",
    "steering_group",
)
COUNTS = tuple(
    f"{gender}_{kind}"
    for kind in ("total", "new", "ended", "ongoing")
    for gender in ("women", "men")
)


def _stats(insats, rows: list[dict]) -> None:
    """A year's participants, reasons for ending and breakdowns, unless already there."""
    have = set(insats.participant_stats.values_list("year", flat=True))
    for row in rows:
        if row["year"] in have:
            continue
        stats = services.participant_stats_save(
            insats=insats,
            year=row["year"],
            counts={key: row.get(key) for key in COUNTS},
            reasons={reason: tuple(pair) for reason, pair in row.get("reasons", {}).items()},
        )
        for dimension, categories in row.get("breakdowns", {}).items():
            services.breakdown_save(
                stats=stats,
                dimension=dimension,
                rows={category: tuple(pair) for category, pair in categories.items()},
            )


def _activities(insats, rows: list[dict]) -> None:
    """The insats's activities with their attendees, unless it has some already."""
    if not rows or insats.activities.exists():
        return
    for row in rows:
        services.activity_save(
            insats=insats,
            date=row.get("date"),
            year=row.get("year"),
            title=row["title"],
            kind=row["kind"],
            attendees=row["attendees"],
        )


def load(*, stdout) -> None:
    for path in sorted(FIXTURES.glob("*.toml")):
        association = Association.objects.filter(slug=path.stem).first()
        if association is None:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        members = {m.name: m for m in association.members.all()}
        existing = {i.code: i for i in association.insatser.all()}
        for row in data.get("insatser", []):
            insats = existing.get(row["code"])
            if insats is None:
                facts = {key: row[key] for key in FACTS if key in row}
                facts["published"] = row.get("published", False)
                insats = services.insats_save(
                    association=association,
                    data=facts,
                    members=[members[name] for name in row.get("members", [])],
                )
                # Walk the lifecycle as the board did, through the service.
                for status in PATH_TO[row.get("status", "ansokan")]:
                    insats = services.insats_set_status(insats=insats, status=status)
                for role, count, percent in row.get("staffing", []):
                    services.staffing_save(
                        insats=insats, role=role, count=count, percent=Decimal(percent)
                    )
            _stats(insats, row.get("stats", []))
            _activities(insats, row.get("activities", []))
        stdout.write(f"  {association.name}: {len(data.get('insatser', []))} insatser")
    demo_goals.load(stdout=stdout)
