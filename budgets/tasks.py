"""Background tasks of the budgets app (django-tasks; `manage.py worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from budgets import import_jobs


# Its own queue, first in line: an import never waits behind draft PDFs (README,
# "Background work").
@task(queue_name="imports", priority=10)
def run_import(*, import_job_id: int) -> str:
    """Apply a queued SIE import; returns how it ended (done, refused or failed)."""
    return import_jobs.run(import_job_id)
