"""A document as HTML for print, PDF (WeasyPrint, optionally PDF/A-2b or PDF/UA-1)
and XLSX, all from the same `Document` structure."""

from __future__ import annotations

import base64
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string

from finsam.xlsx import Sheet, rows_to_xlsx
from reporting.documents import TEXT, Document
from reporting.models import Logo

PRINT_CSS = settings.BASE_DIR / "static" / "css" / "print.css"
VARIANTS = {"pdf": None, "pdf-a": "pdf/a-2b", "pdf-ua": "pdf/ua-1"}


def logo_uri(association) -> str:
    logo = Logo.objects.filter(association=association).first()
    if logo is None:
        return ""
    data = base64.b64encode(bytes(logo.content)).decode("ascii")
    return f"data:{logo.content_type};base64,{data}"


def print_html(doc: Document) -> str:
    return render_to_string(
        "reporting/document_print.html", {"doc": doc, "logo_uri": logo_uri(doc.association)}
    )


def pdf_bytes(doc: Document, variant: str | None = None) -> bytes:
    """Render the document with the print stylesheet. `variant` is WeasyPrint's
    pdf_variant ("pdf/a-2b" for the archive, "pdf/ua-1" for screen readers)."""
    from weasyprint import CSS, HTML

    html = HTML(string=print_html(doc), base_url=str(settings.BASE_DIR))
    return html.write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))],
        pdf_variant=variant,
        pdf_identifier=f"{doc.association.slug}-{doc.slug}-{doc.year}".encode(),
        custom_metadata=True,
    )


def xlsx_bytes(doc: Document) -> bytes:
    """Every table of the document as a sheet, amounts as numbers in kronor."""
    sheets: list[Sheet] = []
    used: set[str] = set()
    for table in doc.tables:
        name = (table.sheet or table.caption)[:31]
        for char in "[]:*?/\\":
            name = name.replace(char, "-")
        base, n = name, 2
        while name in used:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        header = [table.caption.replace("(tkr)", "(kr)")]
        if table.notes:
            header.append("Not")
        header.extend(table.columns)
        sheet = Sheet(title=name, header=header)
        for row in table.rows:
            values = [
                None
                if v == ""
                else v
                if table.unit == TEXT or v is None or isinstance(v, str)
                else Decimal(str(v))
                for v in row.values
            ]
            cells = [row.label, *([row.note] if table.notes else []), *values]
            if row.strong:
                sheet.bold_rows.add(len(sheet.rows))
            sheet.rows.append(cells)
        sheets.append(sheet)
    if not sheets:
        sheets.append(
            Sheet(
                title="Dokument", header=[doc.title], rows=[["Dokumentet har inga tabeller ännu."]]
            )
        )
    return rows_to_xlsx(sheets)
