"""PDFs of documents that are not decided: rendered by the background worker and kept
by the content they were made from.

A request makes the print HTML (cheap: the same work as the web page), hashes it with
the variant, and either finds the PDF of exactly that content in the cache or queues
the rendering (`reporting.tasks.render_pdf`) and answers at once. The worker renders
the HTML that was hashed, so the PDF always matches its key: an unchanged document is
served at once, a changed one gets a new key and is rendered anew. The cache lives in
the database, so any number of application servers and workers share it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Association
from reporting import render
from reporting.documents import Document
from reporting.models import RenderedPdf

# A queued rendering that has not finished after this long is queued again by the
# next request (a worker that died, a queue that was emptied).
STALE_AFTER = timedelta(minutes=5)
# Rendered PDFs kept per document, year and variant; older ones are dropped.
KEEP = 3


def cache_key(html: str, variant: str | None, identifier: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{variant or 'pdf'}\n{identifier}\n".encode())
    digest.update(html.encode())
    return digest.hexdigest()


def identifier(doc: Document) -> str:
    return f"{doc.association.slug}-{doc.slug}-{doc.year}"


def pdf_from_html(html: str, variant: str | None, pdf_identifier: str) -> bytes:
    """WeasyPrint on print HTML with the print stylesheet (what `render.pdf_bytes`
    does after making the HTML)."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(render.PRINT_CSS))],
        pdf_variant=variant,
        pdf_identifier=pdf_identifier.encode(),
        custom_metadata=True,
    )


def request_pdf(
    *, association: Association, doc: Document, kind: str, fmt: str, filename: str
) -> RenderedPdf:
    """The cached PDF of this content, or a queued rendering of it (returned at once)."""
    from reporting.tasks import render_pdf

    variant = render.VARIANTS[fmt]
    # The same document makes the same HTML (chart ids are named by their content).
    html = render.print_html(doc)
    key = cache_key(html, variant, identifier(doc))
    found = RenderedPdf.objects.filter(association=association, key=key).first()
    now = timezone.now()
    if found is not None and (
        found.is_ready or (not found.error and now - found.requested_at < STALE_AFTER)
    ):
        return found
    if found is None:
        try:
            with transaction.atomic():
                found = RenderedPdf.objects.create(
                    association=association,
                    key=key,
                    document=kind,
                    year=doc.year,
                    variant=fmt,
                    filename=filename,
                    html=html,
                    requested_at=now,
                )
        except IntegrityError:  # another request queued the same content first
            return RenderedPdf.objects.get(association=association, key=key)
    else:  # failed or stale: queue it again
        found.html, found.error, found.requested_at = html, "", now
        found.save(update_fields=["html", "error", "requested_at"])
    result = render_pdf.enqueue(rendered_pdf_id=found.pk)
    RenderedPdf.objects.filter(pk=found.pk).update(task_id=str(result.id))
    found.refresh_from_db()
    return found


def render_queued(rendered_pdf_id: int) -> str:
    """Render one queued PDF (the worker's side); returns its key."""
    job = RenderedPdf.objects.defer("pdf").get(pk=rendered_pdf_id)
    if job.is_ready:
        return job.key
    try:
        pdf = pdf_from_html(
            job.html,
            render.VARIANTS[job.variant],
            f"{job.association.slug}-{job.document}-{job.year}",
        )
    except Exception as exc:
        RenderedPdf.objects.filter(pk=job.pk).update(error=f"{type(exc).__name__}: {exc}")
        raise
    RenderedPdf.objects.filter(pk=job.pk).update(pdf=pdf, html="", rendered_at=timezone.now())
    _prune(job)
    return job.key


def _prune(job: RenderedPdf) -> None:
    """Keep only the newest few PDFs of a document, year and variant."""
    older = RenderedPdf.objects.filter(
        association_id=job.association_id,
        document=job.document,
        year=job.year,
        variant=job.variant,
        rendered_at__isnull=False,
    ).order_by("-rendered_at")[KEEP:]
    RenderedPdf.objects.filter(pk__in=list(older.values_list("pk", flat=True))).delete()
