"""Writes of the reporting app: the documents' texts, the logo, and the decided PDFs
(generated once, then served byte for byte)."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from budgets.models import BudgetVersion, FiscalYear
from finsam.services import (
    ServiceError,
    StaleEdit,
    check_version,
    delete_recorded,
    save_audited,
    save_recorded,
    snapshot,
)
from finsam.validators import check_text
from members.models import Association
from reporting import documents
from reporting.models import (
    AR,
    VP,
    AuditReport,
    EarlierYearFigures,
    Indicator,
    Logo,
    NarrativeSection,
    OutsideAnnualReport,
    ReportSettings,
    SteeringDocument,
    UploadedYearPdf,
)

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
    try:
        check_text(body, max_length=50_000)
    except ValidationError as exc:
        raise ServiceError(f"Texten ”{title}”: {exc.messages[0]}", field="body") from None
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


# --- The annual report's own data: earlier years, settings, styrdokument, indicators,
# --- the auditors' report ----------------------------------------------------------------


def _refuse_closed(association: Association, year: int) -> None:
    fy = FiscalYear.objects.filter(association=association, year=year).first()
    if fy is not None and fy.is_closed:
        raise ServiceError(f"Räkenskapsåret {year} är stängt; årsredovisningen kan inte ändras.")


@transaction.atomic
def earlier_year_save(
    *,
    association: Association,
    year: int,
    income: Decimal,
    costs: Decimal,
    result: Decimal,
    solidity_percent: Decimal | None = None,
    employees: Decimal | None = None,
    expected_version: int | None = None,
    by: Any = None,
) -> EarlierYearFigures:
    """Key figures of a year before the application held its outcome (five-year
    overview). Costs are entered as a positive amount."""
    if costs < 0:
        raise ServiceError("Ange kostnaderna som ett positivt belopp.", field="costs")
    if solidity_percent is not None and not (-1000 <= solidity_percent <= 100):
        raise ServiceError("Soliditeten ska vara en procentsats.", field="solidity_percent")
    if employees is not None and employees < 0:
        raise ServiceError("Antalet anställda kan inte vara negativt.", field="employees")
    row = (
        EarlierYearFigures.objects.select_for_update()
        .filter(association=association, year=year)
        .first()
    )
    if row is not None:
        check_version(row, expected_version, what=f"Nyckeltalen för {year}")
    before = snapshot(row) if row else None
    if row is None:
        row = EarlierYearFigures(association=association, year=year)
    row.income, row.costs, row.result = income, costs, result
    row.solidity_percent, row.employees = solidity_percent, employees
    return save_audited(row, association_id=association.id, by=by, before=before)


@transaction.atomic
def report_settings_save(
    *, association: Association, cost_share_base: str, by: Any = None
) -> ReportSettings:
    if cost_share_base not in dict(ReportSettings.BASES):
        raise ServiceError("Välj intäkter eller kostnader.", field="cost_share_base")
    row = ReportSettings.objects.select_for_update().filter(association=association).first()
    before = snapshot(row) if row else None
    if row is None:
        row = ReportSettings(association=association)
    row.cost_share_base = cost_share_base
    return save_audited(row, association_id=association.id, by=by, before=before)


def parse_steering_documents(text: str) -> list[tuple[str, str]]:
    """One styrdokument a line; a line ending with ':' names a group, and the lines
    starting with '-' below it belong to that group."""
    rows: list[tuple[str, str]] = []
    group = ""
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.endswith(":"):
            group = line[:-1].strip()
            continue
        if line.startswith("-") and group:
            rows.append((group, line.lstrip("-").strip()))
        else:
            group = ""
            rows.append(("", line.lstrip("-").strip()))
    for _, title in rows:
        if not title or len(title) > 200:
            raise ServiceError(
                "Varje styrdokument ska ha en titel på högst 200 tecken.", field="steering"
            )
    return rows


@transaction.atomic
def steering_documents_replace(
    *, association: Association, rows: list[tuple[str, str]], by: Any = None
) -> list[SteeringDocument]:
    """The association's list of styrdokument, in the given order."""
    Association.objects.select_for_update().filter(pk=association.pk).first()
    for old in SteeringDocument.objects.filter(association=association):
        delete_recorded(old, association_id=association.id, by=by)
    saved = []
    for order, (group, title) in enumerate(rows, 1):
        row = SteeringDocument(association=association, group=group, title=title, sort_order=order)
        saved.append(save_audited(row, association_id=association.id, by=by, before=None))
    return saved


def parse_indicators(text: str) -> list[tuple[str, Decimal, Decimal | None]]:
    """One indicator a line: statement; share (%); national mean (%, optional)."""
    from finsam.money import parse_amount

    rows = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split(";")]
        if len(parts) not in (2, 3) or not parts[0]:
            raise ServiceError(
                f"Rad {number}: skriv påstående; andel; riket (riket kan utelämnas).",
                field="indicators",
            )
        try:
            share = parse_amount(parts[1].rstrip("%").strip())
            national = (
                parse_amount(parts[2].rstrip("%").strip(), allow_empty=True)
                if len(parts) == 3
                else None
            )
        except ValueError:
            raise ServiceError(
                f"Rad {number}: andelarna ska vara tal, t.ex. 85 eller 85,5.", field="indicators"
            ) from None
        for value in (share, national):
            if value is not None and not (0 <= value <= 100):
                raise ServiceError(
                    f"Rad {number}: en andel ska ligga mellan 0 och 100 %.", field="indicators"
                )
        rows.append((parts[0][:300], share, national))
    return rows


@transaction.atomic
def indicators_replace(
    *,
    association: Association,
    year: int,
    rows: list[tuple[str, Decimal, Decimal | None]],
    by: Any = None,
) -> list[Indicator]:
    _refuse_closed(association, year)
    Association.objects.select_for_update().filter(pk=association.pk).first()
    for old in Indicator.objects.filter(association=association, year=year):
        delete_recorded(old, association_id=association.id, by=by)
    saved = []
    for order, (text, share, national) in enumerate(rows, 1):
        row = Indicator(
            association=association,
            year=year,
            text=text,
            share_percent=share,
            national_percent=national,
            sort_order=order,
        )
        saved.append(save_audited(row, association_id=association.id, by=by, before=None))
    return saved


MAX_AUDIT_REPORT_BYTES = 20 * 1024 * 1024


def _readable_pdf(content: bytes, what: str) -> None:
    """Refuse what is not a readable PDF of at most 20 MB with pages (read by pypdf)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content:
        raise ServiceError("Välj en PDF-fil.", field="pdf")
    if len(content) > MAX_AUDIT_REPORT_BYTES:
        raise ServiceError(f"{what} får vara högst 20 MB.", field="pdf")
    if not content.startswith(b"%PDF"):
        raise ServiceError("Filen är ingen PDF.", field="pdf")
    try:
        pages = len(PdfReader(io.BytesIO(content)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ServiceError("PDF-filen går inte att läsa.", field="pdf") from None
    if pages == 0:
        raise ServiceError("PDF-filen har inga sidor.", field="pdf")


@transaction.atomic
def outside_report_upload(
    *, association: Association, year: int, content: bytes, filename: str, by: Any = None
) -> OutsideAnnualReport:
    """The association's own PDF of an annual report made and decided outside Finsam,
    for a year closed as such; a second upload replaces the first, both hashes in the
    change log."""
    _readable_pdf(content, "Årsredovisningen")
    fiscal_year = (
        FiscalYear.objects.select_for_update(no_key=True)
        .filter(association=association, year=year)
        .first()
    )
    if fiscal_year is None or not fiscal_year.report_outside:
        raise ServiceError(
            f"Räkenskapsåret {year} är inte stängt på en årsredovisning upprättad utanför "
            "Finsam; en årsredovisning som görs här sparas när året stängs.",
            field="pdf",
        )
    return _pdf_row_save(
        OutsideAnnualReport,
        association,
        year,
        content,
        filename or f"arsredovisning-{year}.pdf",
        by,
    )


@transaction.atomic
def audit_report_upload(
    *, association: Association, year: int, content: bytes, filename: str, by: Any = None
) -> AuditReport:
    """The auditors' signed report as a PDF, checked by reading it."""
    _readable_pdf(content, "Revisionsberättelsen")
    _refuse_closed(association, year)
    return _pdf_row_save(
        AuditReport, association, year, content, filename or "revisionsberattelse.pdf", by
    )


def _pdf_row_save(
    model: type[UploadedYearPdf],
    association: Association,
    year: int,
    content: bytes,
    filename: str,
    by: Any,
) -> UploadedYearPdf:
    """The year's one stored PDF of `model`, made or replaced; the change log keeps the
    file name and hash before and after."""
    row = model.objects.select_for_update().filter(association=association, year=year).first()
    before = snapshot(row, ["filename", "sha256"]) if row else None
    if row is None:
        row = model(association=association, year=year)
    row.pdf = content
    row.filename = filename[-200:]
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.uploaded_by = by if getattr(by, "is_authenticated", False) else None
    return save_recorded(row, association_id=association.id, by=by, before=before)
