"""A document as HTML for print, PDF (WeasyPrint, optionally PDF/A-2b or PDF/UA-1)
and XLSX, all from the same `Document` structure."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from finsam.xlsx import Percent, Sheet, rows_to_xlsx
from reporting.documents import PCT, TEXT, TKR, Document
from reporting.models import Logo

PRINT_CSS = settings.BASE_DIR / "static" / "css" / "print.css"
VARIANTS = {"pdf": None, "pdf-a": "pdf/a-2b", "pdf-ua": "pdf/ua-1"}


def logo_uri(association) -> str:
    logo = Logo.objects.filter(association=association).first()
    if logo is None:
        return ""
    data = base64.b64encode(bytes(logo.content)).decode("ascii")
    return f"data:{logo.content_type};base64,{data}"


def document_logo(doc: Document) -> str:
    """The logo as it was at the decision for a frozen document, else the current one."""
    frozen = getattr(doc, "frozen_logo_uri", None)
    return frozen if frozen is not None else logo_uri(doc.association)


def print_html(doc: Document) -> str:
    return render_to_string(
        "reporting/document_print.html", {"doc": doc, "logo_uri": document_logo(doc)}
    )


# The last few renderings, by the exact HTML, stylesheet and variant they were made
# from: rendering is a pure function of these, so an unchanged document is not
# rendered twice by one process (the demo and the tests render the same ones often).
_RENDERED: OrderedDict[str, bytes] = OrderedDict()
_RENDERED_LOCK = threading.Lock()
_RENDERED_MAX = 32


def pdf_bytes(doc: Document, variant: str | None = None) -> bytes:
    """Render the document with the print stylesheet. `variant` is WeasyPrint's
    pdf_variant ("pdf/a-2b" for the archive, "pdf/ua-1" for screen readers)."""
    from weasyprint import CSS, HTML

    source = print_html(doc)
    identifier = f"{doc.association.slug}-{doc.slug}-{doc.year}"
    key = hashlib.sha256(
        "\0".join(
            [source, PRINT_CSS.read_text(encoding="utf-8"), str(variant), identifier]
        ).encode()
    ).hexdigest()
    with _RENDERED_LOCK:
        if key in _RENDERED:
            _RENDERED.move_to_end(key)
            return _RENDERED[key]
    pdf = HTML(string=source, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))],
        pdf_variant=variant,
        pdf_identifier=identifier.encode(),
        custom_metadata=True,
    )
    if variant is None and doc.attachments:
        pdf = _append_attachments(pdf, doc)
    if variant == "pdf/ua-1":
        pdf = _margin_boxes_as_artifacts(pdf)
    with _RENDERED_LOCK:
        _RENDERED[key] = pdf
        while len(_RENDERED) > _RENDERED_MAX:
            _RENDERED.popitem(last=False)
    return pdf


def _kronor_label(text: str) -> str:
    """The workbook holds kronor, so a "(tkr)" in a label would mislead."""
    return text.replace("(tkr)", "(kr)").replace("tkr)", "kr)")


def _is_percent(label: str) -> bool:
    return "(%)" in label or label.rstrip().endswith("%")


def _header_block(doc: Document) -> list[str]:
    decided = f"beslutad {doc.decided_on} {doc.paragraph}".rstrip()
    status = decided if doc.is_decided else "utkast"
    return [
        doc.association.name,
        f"{doc.title} {doc.year}, {status}"
        if str(doc.year) not in doc.title
        else f"{doc.title}, {status}",
        f"Utskriven {timezone.localdate():%Y-%m-%d}",
    ]


_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID (\d+)\s*>>\s*BDC")


def _margin_boxes_as_artifacts(pdf: bytes) -> bytes:
    """WeasyPrint tags the running header and the page numbers as content outside
    the structure tree; PDF/UA wants them as artifacts, so a screen reader does not
    read them on every page. Marked content whose MCID no structure element
    reaches becomes /Artifact (the watermark is a page background, already one)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    root = writer._root_object.get("/StructTreeRoot")
    if root is None:
        return pdf
    reached: set[tuple[int, int]] = set()

    def walk(node, page) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            if page is not None:
                reached.add((page, int(node)))
            return
        if isinstance(node, list):
            for child in node:
                walk(child, page)
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/Pg" in node:
            page = node.raw_get("/Pg").idnum
        if "/MCID" in node:
            if page is not None:
                reached.add((page, int(node["/MCID"])))
            return
        if "/K" in node:
            walk(node["/K"], page)

    walk(root.get_object()["/K"], None)
    for page in writer.pages:
        number = page.indirect_reference.idnum
        contents = page.get_contents()
        if contents is None:
            continue
        data = contents.get_data()

        def mark(match: re.Match, number: int = number) -> bytes:
            if (number, int(match.group(2))) in reached:
                return match.group(0)
            return b"/Artifact BMC"

        changed = _MARKED.sub(mark, data)
        if changed != data:
            stream = DecodedStreamObject()
            stream.set_data(changed)
            page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _append_attachments(pdf: bytes, doc: Document) -> bytes:
    """The uploaded bilagor (the auditors' signed report) after the document's last
    page. Only in the plain PDF: PDF/A and PDF/UA keep their own conformance, and
    name the bilaga with its SHA-256 instead."""
    from pypdf import PdfReader, PdfWriter

    from reporting.models import AuditReport

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for attachment in doc.attachments:
        stored = AuditReport.objects.filter(
            association=doc.association, year=doc.year, sha256=attachment.sha256
        ).first()
        if stored is None:
            continue
        writer.append(PdfReader(io.BytesIO(bytes(stored.pdf))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes(doc: Document) -> bytes:
    """Every table of the document as a sheet: amounts as numbers in kronor,
    percentages rounded as printed (one decimal) with a percent format."""
    sheets: list[Sheet] = []
    used: set[str] = set()
    for table in doc.tables:
        name = (table.sheet or table.caption)[:31]
        for char in "[]:*?/\\":
            name = name.replace(char, "-")
        # A tkr table holds kronor (shown in thousands): the workbook keeps the kronor
        # and says so. Other tables keep their labels, since their figures are as shown.
        label = _kronor_label if table.unit == TKR else str
        name = label(name)
        base, n = name, 2
        while name in used:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        header = [label(table.caption)]
        if table.notes:
            header.append("Not")
        header.extend(label(c) for c in table.columns)
        percent_columns = {
            i for i, c in enumerate(table.columns) if table.unit == PCT or _is_percent(c)
        }
        sheet = Sheet(title=name, header=header, preamble=_header_block(doc))
        for row in table.rows:
            percent_row = _is_percent(row.label)
            values = [
                None
                if v == ""
                else v
                if table.unit == TEXT or v is None or isinstance(v, str)
                else Percent(Decimal(str(v)))
                if percent_row or i in percent_columns
                else Decimal(str(v))
                for i, v in enumerate(row.values)
            ]
            cells = [label(row.label), *([row.note] if table.notes else []), *values]
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
