"""Background jobs that finish or fail, truthfully.

A worker that works on a job (a draft PDF, an SIE import) holds a lease on its row and
renews it every third of the lease (`heartbeat`). A worker killed in the middle stops
renewing, so its lease runs out; `sweep` then takes the job up again (a PDF is rendered
anew: the same HTML makes the same file) or ends it with what the database holds (an
import whose LedgerImport exists is read in, one without is not). Every worker sweeps
when it starts and every half lease (`manage.py worker`), and the pages that follow a
job settle that job when they ask, so no job stays "running" much beyond one lease
after its worker died. The task rows django-tasks left RUNNING are failed, and finished
task rows are pruned (`prune`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

WORKER_LOST = (
    "Bakgrundsarbetet stannade (processen avslutades) innan uppgiften var klar; "
    "jobbet har tagits om hand av en annan arbetare."
)


def lease() -> timedelta:
    return timedelta(seconds=max(1, int(settings.JOB_LEASE_SECONDS)))


def lease_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + lease()


def _renew(model: type[Model], pk: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(lease().total_seconds() / 3):
            try:
                model.objects.filter(pk=pk).update(lease_until=lease_until())
            except DatabaseError:  # a busy database: the next beat tries again
                log.warning("Kunde inte förnya arbetet på %s %s", model.__name__, pk)
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def heartbeat(model: type[Model], pk: int) -> Iterator[None]:
    """Hold the lease on a job's row while the block runs: taken at once, renewed by a
    thread every third of the lease, given up at the end."""
    model.objects.filter(pk=pk).update(lease_until=lease_until())
    stop = threading.Event()
    beat = threading.Thread(target=_renew, args=(model, pk, stop), daemon=True, name=f"lease-{pk}")
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def task_alive(task_id: str) -> bool:
    """Whether the task of a job is still waiting for a worker or being worked on."""
    if not task_id:
        return False
    try:
        return DBTaskResult.objects.filter(
            id=task_id, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).exists()
    except (ValueError, DatabaseError):  # not an id of the database backend
        return False


def _lost_task_fields(now: datetime) -> dict:
    return {
        "status": TaskResultStatus.FAILED,
        "finished_at": now,
        "exception_class_path": "finsam.jobs.WorkerLost",
        "traceback": WORKER_LOST,
    }


def fail_lost_task(task_id: str, now: datetime) -> None:
    """Fail the task row of one job found lost, in the transaction that ends or takes up
    the job, so nobody ever sees the job ended beside a task still RUNNING."""
    if not task_id:
        return
    try:
        with transaction.atomic():  # a savepoint: a bad id leaves the caller's work intact
            DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
                **_lost_task_fields(now)
            )
    except (ValueError, ValidationError, DatabaseError):  # not an id of the database backend
        return


def fail_orphaned_tasks(now: datetime | None = None) -> int:
    """Fail the task rows left RUNNING by a worker that died: started more than a lease
    ago and not the task of a job whose lease is held."""
    from budgets.models import ImportJob
    from reporting.models import RenderedPdf

    now = now or timezone.now()
    held = {
        *RenderedPdf.objects.filter(lease_until__gte=now).values_list("task_id", flat=True),
        *ImportJob.objects.filter(lease_until__gte=now).values_list("task_id", flat=True),
    }
    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease())
        .exclude(id__in=[task_id for task_id in held if task_id])
        .update(**_lost_task_fields(now))
    )


def sweep() -> dict[str, int]:
    """Take up or end every job whose worker died, and fail its task row."""
    from budgets import import_jobs
    from reporting import pdf_jobs

    now = timezone.now()
    return {
        "pdf": pdf_jobs.recover_expired(now=now),
        "imports": import_jobs.recover_expired(now=now),
        "tasks": fail_orphaned_tasks(now),
    }


def prune(now: datetime | None = None) -> dict[str, int]:
    """Delete finished task rows and failed draft PDFs older than
    TASK_RESULTS_KEEP_DAYS (the workers do it at start and every hour)."""
    from reporting.models import RenderedPdf

    before = (now or timezone.now()) - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=before,
    ).delete()
    failed, _ = (
        RenderedPdf.objects.filter(rendered_at__isnull=True, requested_at__lt=before)
        .exclude(error="")
        .delete()
    )
    return {"tasks": tasks, "pdf": failed}
