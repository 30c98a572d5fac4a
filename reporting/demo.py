"""Demo texts of the plans and annual reports, from fixtures/reporting/narratives.toml.

Safe to load twice: an unchanged text is not saved again. The texts of a decided plan
or a closed year's annual report are kept as they are (the service refuses them), so
load_demo loads this before the budgets are decided.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

from finsam.services import ServiceError
from members.models import Association
from reporting import services

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reporting" / "narratives.toml"


def load(*, stdout) -> None:
    data = tomllib.loads(FIXTURE.read_text(encoding="utf-8"))
    by_association: dict[str, list[dict]] = {}
    for text in data.get("texts", []):
        by_association.setdefault(text["association"], []).append(text)
    for slug, texts in by_association.items():
        association = Association.objects.filter(slug=slug).first()
        if association is None:
            continue
        saved, refused = 0, set()
        for text in texts:
            try:
                services.narrative_save(
                    association=association,
                    document=text["document"],
                    year=text["year"],
                    key=text["key"],
                    body=text["body"],
                )
            except ServiceError as exc:
                refused.add(str(exc))
                continue
            saved += 1
        stdout.write(f"  {association.name}: {saved} texter")
        for message in sorted(refused):
            stdout.write(f"  {association.name}: hoppar över – {message}")
    load_document_data(stdout=stdout)


DATA = Path(settings.BASE_DIR) / "fixtures" / "reporting" / "document_data.toml"


def load_document_data(*, stdout) -> None:
    """Earlier years' key figures, report settings and styrdokument; what is there
    already is left as it is, so loading twice changes nothing."""
    from decimal import Decimal

    from reporting.models import EarlierYearFigures, ReportSettings, SteeringDocument

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    associations = {a.slug: a for a in Association.objects.all()}
    for row in data.get("earlier_years", []):
        association = associations.get(row["association"])
        if (
            association is None
            or EarlierYearFigures.objects.filter(
                association=association, year=row["year"]
            ).exists()
        ):
            continue
        services.earlier_year_save(
            association=association,
            year=row["year"],
            income=Decimal(str(row["income"])),
            costs=Decimal(str(row["costs"])),
            result=Decimal(str(row["result"])),
            solidity_percent=Decimal(str(row["solidity_percent"]))
            if "solidity_percent" in row
            else None,
            employees=Decimal(str(row["employees"])) if "employees" in row else None,
        )
    for row in data.get("settings", []):
        association = associations.get(row["association"])
        if (
            association is not None
            and not ReportSettings.objects.filter(association=association).exists()
        ):
            services.report_settings_save(
                association=association, cost_share_base=row["cost_share_base"]
            )
    for row in data.get("steering", []):
        association = associations.get(row["association"])
        if (
            association is not None
            and not SteeringDocument.objects.filter(association=association).exists()
        ):
            services.steering_documents_replace(
                association=association, rows=services.parse_steering_documents(row["text"])
            )
    stdout.write(f"  {len(data.get('earlier_years', []))} tidigare års nyckeltal")
