"""PDFs of documents that are not decided: rendered by the background worker and kept
by the content they were made from.

A request makes the print HTML (cheap: the same work as the web page), hashes it with
the variant, and either finds the PDF of exactly that content in the cache or queues
the rendering (`reporting.tasks.render_pdf`) and answers at once. The worker renders
the HTML that was hashed, so the PDF always matches its key: an unchanged document is
served at once, a changed one gets a new key and is rendered anew. The cache lives in
the database, so any number of application servers and workers share it.

The worker holds a lease on the row while it renders (`finsam.jobs.heartbeat`); a
rendering whose lease ran out, or whose task was lost, is queued again
(`recover_expired`), at most MAX_ATTEMPTS times. Identical requests share one row;
a person and an association have only a few renderings on their way at once, and
only years with data are rendered.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from finsam import jobs
from finsam.services import ServiceError
from members.models import Association
from reporting import render
from reporting.documents import Document
from reporting.models import RenderedPdf

# Rendered PDFs kept per document, year and variant; older ones are dropped.
KEEP = 3
# A rendering whose worker died this many times is given up (with a message).
MAX_ATTEMPTS = 3
GIVEN_UP = (
    "Bakgrundsarbetet stannade {n} gånger medan PDF:en skapades. Försök igen om en "
    "stund, och hör av dig till den som sköter Finsam om det händer igen."
)


class RenderRefused(ServiceError):
    """A rendering that is not queued (too many on their way, a year without data);
    `status` is the HTTP status the page answers with."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


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


def year_has_data(*, association: Association, kind: str, year: int) -> bool:
    """A plan and its follow-up need the year's budget; the annual report and the
    statements its fiscal year (the documents index lists the same years)."""
    from budgets.models import Budget, FiscalYear

    model = Budget if kind in ("verksamhetsplan", "uppfoljning") else FiscalYear
    return model.objects.filter(association=association, year=year).exists()


def pending() -> Any:
    """Renderings on their way: neither rendered nor failed."""
    return RenderedPdf.objects.filter(rendered_at__isnull=True, error="")


def _check_limits(*, association: Association, by: Any) -> None:
    if pending().filter(association=association).count() >= settings.PDF_PENDING_PER_ASSOCIATION:
        raise RenderRefused(
            f"{association.name} har redan {settings.PDF_PENDING_PER_ASSOCIATION} PDF:er på "
            "väg. Vänta tills någon av dem är klar och försök igen.",
            status=429,
        )
    user = by if getattr(by, "is_authenticated", False) else None
    if user and pending().filter(requested_by=user).count() >= settings.PDF_PENDING_PER_PERSON:
        raise RenderRefused(
            f"Du har redan {settings.PDF_PENDING_PER_PERSON} PDF:er på väg. Vänta tills "
            "någon av dem är klar och försök igen.",
            status=429,
        )


def request_pdf(
    *,
    association: Association,
    doc: Document,
    kind: str,
    fmt: str,
    filename: str,
    by: Any = None,
) -> RenderedPdf:
    """The cached PDF of this content, the rendering of it already on its way, or a
    newly queued rendering (returned at once). Refuses (RenderRefused) a year without
    data and more renderings on their way than the limits allow."""
    if not doc.is_decided and not year_has_data(association=association, kind=kind, year=doc.year):
        raise RenderRefused(f"Det finns inget att skriva ut för {doc.year}.", status=404)
    variant = render.VARIANTS[fmt]
    # The same document makes the same HTML (chart ids are named by their content).
    html = render.print_html(doc)
    key = cache_key(html, variant, identifier(doc))
    found = RenderedPdf.objects.filter(association=association, key=key).first()
    if found is not None:
        settle(found)
        if not found.error:  # ready, or on its way: identical requests share it
            return found
    _check_limits(association=association, by=by)
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
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
                    requested_by=user,
                )
        except IntegrityError:  # another request queued the same content first
            return RenderedPdf.objects.get(association=association, key=key)
    else:  # failed: queue it again
        RenderedPdf.objects.filter(pk=found.pk).update(
            html=html, error="", requested_at=now, requested_by=user, attempts=0, lease_until=None
        )
    return _enqueue(found)


def _enqueue(job: RenderedPdf) -> RenderedPdf:
    from reporting.tasks import render_pdf

    result = render_pdf.enqueue(rendered_pdf_id=job.pk)
    RenderedPdf.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _lost(job: RenderedPdf, now) -> bool:
    """A rendering on its way whose worker died (its lease ran out) or whose task is
    gone (a queue that was emptied, a task that failed before it began)."""
    if job.is_ready or job.error:
        return False
    if job.lease_until is not None:
        return job.lease_until < now
    return job.requested_at < now - jobs.lease() and not jobs.task_alive(job.task_id)


def _take_up_again(job: RenderedPdf, now) -> bool:
    """Queue a lost rendering again, or give it up after MAX_ATTEMPTS; only one of
    several workers sweeping at once does it (the update is conditional)."""
    attempts = job.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "lease_until": None, "requested_at": now}
    if attempts >= MAX_ATTEMPTS:
        fields["error"] = GIVEN_UP.format(n=attempts)
    with transaction.atomic():  # the dead task row fails as the job is taken up
        claimed = RenderedPdf.objects.filter(
            pk=job.pk, attempts=job.attempts, lease_until=job.lease_until, rendered_at__isnull=True
        ).update(**fields)
        if claimed:
            jobs.fail_lost_task(job.task_id, now)
    if claimed and not fields.get("error"):
        _enqueue(job)
    return bool(claimed)


def settle(job: RenderedPdf, *, now=None) -> RenderedPdf:
    """The job as it truly is: a lost rendering is queued again (or given up) first."""
    now = now or timezone.now()
    if _lost(job, now):
        _take_up_again(job, now)
        job.refresh_from_db(fields=["error", "attempts", "lease_until", "requested_at", "task_id"])
    return job


def recover_expired(*, now=None) -> int:
    """Take up every rendering whose worker died or whose task is gone."""
    now = now or timezone.now()
    expired = pending().filter(lease_until__lt=now) | pending().filter(
        lease_until__isnull=True, requested_at__lt=now - jobs.lease()
    )
    lost = [job for job in expired.defer("html", "pdf") if _lost(job, now)]
    return sum(_take_up_again(job, now) for job in lost)


def render_queued(rendered_pdf_id: int) -> str:
    """Render one queued PDF (the worker's side, holding the row's lease); returns its
    key."""
    job = RenderedPdf.objects.defer("pdf").get(pk=rendered_pdf_id)
    if job.is_ready or job.error:
        return job.key
    with jobs.heartbeat(RenderedPdf, job.pk):
        try:
            pdf = pdf_from_html(
                job.html,
                render.VARIANTS[job.variant],
                f"{job.association.slug}-{job.document}-{job.year}",
            )
        except Exception as exc:
            RenderedPdf.objects.filter(pk=job.pk).update(
                error=f"{type(exc).__name__}: {exc}", lease_until=None
            )
            raise
    RenderedPdf.objects.filter(pk=job.pk).update(
        pdf=pdf, html="", rendered_at=timezone.now(), lease_until=None
    )
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
