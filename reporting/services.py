"""Writes of the reporting app: the documents' texts, the logo, and the decided PDFs
(generated once, then served byte for byte)."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction

from budgets.models import BudgetVersion, FiscalYear
from finsam.services import ServiceError, StaleEdit, save_recorded, snapshot
from members.models import Association
from reporting import documents
from reporting.models import AR, VP, Logo, NarrativeSection

MAX_LOGO_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def refuse_decided_texts(association: Association, document: str, year: int) -> None:
    """A closed year's annual report and a decided plan keep their texts."""
    if document == AR:
        fy = FiscalYear.objects.filter(association=association, year=year).first()
        if fy is not None and fy.is_closed:
            raise ServiceError(
                f"Räkenskapsåret {year} är stängt; årsredovisningens texter kan inte ändras."
            )
    elif document == VP:
        latest = (
            BudgetVersion.objects.filter(budget__association=association, budget__year=year)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.is_decided:
            raise ServiceError(
                f"Verksamhetsplanen {year} är beslutad ({latest.decided_on}); gör en revidering "
                "av budgeten för att ändra den."
            )


@transaction.atomic
def narrative_save(
    *,
    association: Association,
    document: str,
    year: int,
    key: str,
    body: str,
    expected_version: int | None = None,
    by: Any = None,
) -> NarrativeSection:
    if key not in documents.NARRATIVE_TITLES.get(document, {}):
        raise ServiceError("Okänt avsnitt.")
    refuse_decided_texts(association, document, year)
    section = (
        NarrativeSection.objects.select_for_update()
        .filter(association=association, document=document, year=year, key=key)
        .first()
    )
    title = documents.NARRATIVE_TITLES[document][key]
    if (
        section is not None
        and expected_version is not None
        and section.version != expected_version
    ):
        raise StaleEdit(
            f"Texten ”{title}” har ändrats av någon annan sedan du öppnade sidan. "
            "Kopiera din text, läs in sidan igen och gör ändringen på nytt.",
            current=section,
        )
    if section is None and expected_version:
        raise StaleEdit(f"Texten ”{title}” har tagits bort sedan du öppnade sidan.")
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > 50_000:
        raise ServiceError(f"Texten ”{title}” är för lång (högst 50 000 tecken).")
    before = snapshot(section) if section else None
    if section is None:
        section = NarrativeSection(association=association, document=document, year=year, key=key)
    elif section.body == body:
        return section
    section.body = body
    return save_recorded(section, association_id=association.id, by=by, before=before)


@transaction.atomic
def narrative_copy_previous(
    *, association: Association, document: str, year: int, key: str, by: Any = None
) -> NarrativeSection:
    """Start a section from last year's text."""
    previous = NarrativeSection.objects.filter(
        association=association, document=document, year=year - 1, key=key
    ).first()
    if previous is None or not previous.body:
        raise ServiceError(f"Det finns ingen text från {year - 1} att utgå från.")
    current = NarrativeSection.objects.filter(
        association=association, document=document, year=year, key=key
    ).first()
    return narrative_save(
        association=association,
        document=document,
        year=year,
        key=key,
        body=previous.body,
        expected_version=current.version if current else None,
        by=by,
    )


@transaction.atomic
def logo_save(*, association: Association, content: bytes, by: Any = None) -> Logo:
    """A PNG or JPEG of at most 1 MB, checked by opening it."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > MAX_LOGO_BYTES:
        raise ServiceError("Logotypen får vara högst 1 MB.")
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ServiceError(
            "Filen är ingen bild som går att läsa; välj en PNG- eller JPEG-fil."
        ) from None
    if kind not in LOGO_FORMATS:
        raise ServiceError("Logotypen ska vara en PNG- eller JPEG-bild.")
    logo = Logo.objects.select_for_update().filter(association=association).first()
    before = snapshot(logo) if logo else None
    if logo is None:
        logo = Logo(association=association)
    logo.content = content
    logo.content_type = LOGO_FORMATS[kind]
    return save_recorded(logo, association_id=association.id, by=by, before=before)
