"""Background tasks of the budgets app (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from budgets import import_jobs


@task()
def run_import(*, import_job_id: int) -> str:
    """Apply a queued SIE import; returns how it ended (done, refused or failed)."""
    return import_jobs.run(import_job_id)
