"""Demo goals from fixtures/insatser/goals.toml, through goal_save; safe to load twice."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from insatser.goal_services import goal_save
from insatser.models import Goal
from members.models import Association

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "insatser" / "goals.toml"
FACTS = ("year", "area", "text", "unit", "status", "comment")
FIGURES = ("target", "result")


def load(*, stdout) -> None:
    rows = tomllib.loads(FIXTURE.read_text(encoding="utf-8")).get("goals", [])
    associations = {
        a.slug: a for a in Association.objects.filter(slug__in={r["association"] for r in rows})
    }
    created: dict[str, int] = {}
    for row in rows:
        association = associations.get(row["association"])
        if association is None:
            continue
        # A goal already there (by its year and text) is left as it is.
        if Goal.objects.filter(
            association=association, year=row["year"], text=row["text"]
        ).exists():
            continue
        by_code = {i.code: i for i in association.insatser.all()}
        missing = [code for code in row.get("insatser", []) if code not in by_code]
        if missing:
            raise ValueError(
                f"{association.slug} {row['year']}: inga insatser med kortkoderna {missing}."
            )
        data = {key: row.get(key, "") for key in FACTS}
        data |= {key: Decimal(row[key]) if key in row else None for key in FIGURES}
        goal_save(
            association=association,
            data=data,
            insatser=[by_code[code] for code in row.get("insatser", [])],
        )
        created[association.name] = created.get(association.name, 0) + 1
    for name, count in created.items():
        stdout.write(f"  {name}: {count} mål")
