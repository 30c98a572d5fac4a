"""The answer to a draft PDF download, and the page that follows its rendering.

A PDF of this content in the cache is served at once. Otherwise the rendering is
queued and the answer comes at once (202) with the task's reference: for htmx a
progress fragment that polls every second ("Skapar PDF …"), for a plain request a
page with the same fragment. When the worker is done the fragment says "klart" and
offers the file (static/js/documents.js starts the download).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from finsam.tenancy import DOWNLOAD, association_view
from reporting import pdf_jobs
from reporting.models import RenderedPdf


def _job_url(request: HttpRequest, job: RenderedPdf) -> str:
    return reverse(
        "reporting:pdf_job",
        kwargs={"slug": request.association.slug, "renderedpdf_id": job.pk},
    )


def _file(job: RenderedPdf) -> HttpResponse:
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["X-Source-SHA256"] = job.key  # the print HTML and variant it was made from
    return response


def refused_response(request: HttpRequest, refusal: pdf_jobs.RenderRefused) -> HttpResponse:
    """A rendering that was not queued: the reason, with the refusal's status."""
    context = {
        "refusal": refusal.message,
        "nav_section": "documents",
        "breadcrumbs": [
            ("Dokument", reverse("reporting:documents", args=[request.association.slug])),
            ("PDF", None),
        ],
    }
    template = "reporting/pdf_job.html" if request.htmx else "reporting/pdf_job_page.html"
    return render(request, template, context, status=refusal.status)


def job_response(request: HttpRequest, job: RenderedPdf) -> HttpResponse:
    """The file when it is ready and asked for plainly; else the progress, which stops
    being followed after JOB_POLL_LIMIT_SECONDS with a "Försök igen"."""
    if job.is_ready and not request.htmx:
        return _file(job)
    waited = (timezone.now() - job.requested_at).total_seconds()
    overdue = not job.is_ready and not job.error and waited > settings.JOB_POLL_LIMIT_SECONDS
    context = {
        "job": job,
        "job_url": _job_url(request, job),
        "retry_url": reverse(
            f"reporting:document_{job.document}_{job.variant}",
            kwargs={"slug": request.association.slug, "year": job.year},
        ),
        "pending": not job.is_ready and not job.error and not overdue,
        "overdue": overdue,
    }
    status = 202 if context["pending"] else 200
    if request.htmx:
        response = render(request, "reporting/pdf_job.html", context, status=status)
    else:
        context.update(
            {
                "nav_section": "documents",
                "breadcrumbs": [
                    ("Dokument", reverse("reporting:documents", args=[request.association.slug])),
                    (job.filename, None),
                ],
            }
        )
        response = render(request, "reporting/pdf_job_page.html", context, status=status)
    response["X-Task-Id"] = job.task_id
    return response


@association_view(DOWNLOAD, methods=["GET", "HEAD"])
@vary_on_headers("HX-Request")
def pdf_job(request: HttpRequest, renderedpdf_id: int) -> HttpResponse:
    """How a queued PDF is doing; the PDF itself once it is ready."""
    rows = RenderedPdf.objects.filter(association=request.association, pk=renderedpdf_id)
    # Polling asks only how it goes; the bytes are read when the file is asked for.
    job = rows.defer("html", "pdf").first() if request.htmx else rows.defer("html").first()
    if job is None:
        raise Http404("PDF:en finns inte (längre).")
    # Whoever follows a rendering settles it: one whose worker died is queued again.
    return job_response(request, pdf_jobs.settle(job))
