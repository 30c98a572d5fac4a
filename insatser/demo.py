"""Demo insatser from fixtures/insatser/*.toml, safe to load twice."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

from insatser import services
from members.models import Association

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "insatser"
PATH_TO = {
    "beviljad": ["beviljad"],
    "pagaende": ["beviljad", "pagaende"],
    "avslutad": ["beviljad", "pagaende", "avslutad"],
    "avslagen": ["avslagen"],
    "ansokan": [],
}


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
                insats = services.insats_save(
                    association=association,
                    data={
                        "code": row["code"],
                        "name": row["name"],
                        "kind": row["kind"],
                        "published": row.get("published", False),
                    },
                    members=[members[name] for name in row.get("members", [])],
                )
                # Walk the lifecycle as the board did, through the service.
                for status in PATH_TO[row.get("status", "ansokan")]:
                    insats = services.insats_set_status(insats=insats, status=status)
        stdout.write(f"  {association.name}: {len(data.get('insatser', []))} insatser")
