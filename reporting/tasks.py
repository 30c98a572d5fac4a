"""Background tasks of the reporting app (django-tasks; `manage.py worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from reporting import pdf_jobs


@task()
def render_pdf(*, rendered_pdf_id: int) -> str:
    """Render a queued PDF of a draft document into the cache; returns its key."""
    return pdf_jobs.render_queued(rendered_pdf_id)
