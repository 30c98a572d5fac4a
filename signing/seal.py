"""The sealed original as bytes: the stored PDF/A, the pages "Underskrifter" (WeasyPrint)
appended with pypdf, and the installation's PAdES seal over the whole file (pyHanko);
and the reverse, what a PDF's seal says when validated."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.template.loader import render_to_string

from signing.certificate import InstallationSeal

T = TypeVar("T")

PRINT_CSS = settings.BASE_DIR / "static" / "css" / "print.css"
SEAL_FIELD = "Sigill"


@dataclass(frozen=True)
class SignatureLine:
    name: str
    title: str
    group: str
    signed_at: datetime.datetime
    authentication: str
    ip_masked: str


@dataclass(frozen=True)
class EvidencePages:
    """What the pages "Underskrifter" print. `document` names what is signed (the annual
    report, or the revisionsberättelse); `concerns`, if set, names the document that one
    is about (the revisionsberättelse's annual report, with its SHA-256)."""

    association: str
    document: str
    document_sha256: str
    board: list[SignatureLine]
    auditors: list[SignatureLine]
    audit_report_sha256: str
    certificate_subject: str
    certificate_serial: str
    sealed_at: datetime.datetime
    timestamped: bool
    concerns: str = ""
    concerns_sha256: str = ""


def evidence_pdf(pages: EvidencePages) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("signing/signatures_print.html", {"pages": pages})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/a-2b"
    )


def append_pages(original: bytes, extra: bytes) -> bytes:
    """The original's pages untouched (its catalog, metadata and output intent kept),
    then the extra pages."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    writer.append(PdfReader(io.BytesIO(extra)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _outside_event_loop(function: Callable[[], T]) -> T:
    """pyHanko's synchronous calls run `asyncio.run()`, which refuses to start where this
    thread already runs an event loop (Playwright's sync API in the browser tests, an
    ASGI server): there the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def seal(pdf: bytes, installation: InstallationSeal, *, reason: str) -> bytes:
    """A PAdES signature by the installation over the whole file; time-stamped when a
    time-stamping service is configured."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    timestamper = None
    if installation.timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(installation.timestamp_url, timeout=20)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location="finsam",
    )
    signer = signers.PdfSigner(metadata, signer=installation.signer, timestamper=timestamper)
    return _outside_event_loop(lambda: signer.sign_pdf(writer)).getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What validating an uploaded PDF's last signature says."""

    sealed: bool  # a signature is there and can be read
    intact: bool  # the signed bytes are unchanged and the signature is mathematically valid
    whole_file: bool  # the signature covers the entire file
    by_installation: bool  # signed with this installation's certificate
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.sealed and self.intact and self.whole_file and self.by_installation


def check_seal(pdf: bytes, installation: InstallationSeal | None) -> SealCheck:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, OSError):
        return SealCheck(False, False, False, False)
    if not embedded:
        return SealCheck(False, False, False, False)
    last = embedded[-1]
    roots = [installation.certificate] if installation else []
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = _outside_event_loop(lambda: validate_pdf_signature(last, context))
    except Exception:  # any failure to validate is "not intact"
        return SealCheck(True, False, False, False)
    signer_cert = status.signing_cert
    return SealCheck(
        sealed=True,
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        by_installation=bool(
            installation is not None
            and signer_cert is not None
            and signer_cert.dump() == installation.certificate.dump()
        ),
        signer=signer_cert.subject.human_friendly if signer_cert is not None else "",
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
