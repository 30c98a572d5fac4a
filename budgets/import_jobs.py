"""SIE imports applied by the background worker (`budgets.tasks.run_import`).

The request that confirms an import only queues it (`ledger.import_job_queue`) and
answers at once; the page then follows the job. The worker first reads and checks
the stored file with `ledger.plan_import`, outside any transaction, and reports how
much of it has been read; then it writes with `ledger.apply_import` as before, in one
transaction, all or nothing. Each progress report is its own small write, never
inside the import's transaction (on SQLite a second writer would wait for it).

The worker holds a lease on the job while it works (`finsam.jobs.heartbeat`). A job
whose lease ran out (its worker died), or whose task was lost before it began, is
ended by `settle` with what the database holds: the import was saved if the
LedgerImport of this file, made after the job began, exists ("inläst"), else nothing
is saved. Imports are not taken up again by themselves: the person asks again.
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from budgets import ledger
from budgets.models import ImportJob, LedgerImport
from finsam import jobs
from finsam.services import ServiceError

log = logging.getLogger(__name__)

# The share of the reading between two progress reports (percentage points).
STEP = 2
FAILED_MESSAGE = (
    "Inläsningen avbröts av ett oväntat fel; inget är sparat. Försök igen, och hör av "
    "dig till den som sköter Finsam om det händer igen."
)
WORKER_DIED = "Inläsningen avbröts när bakgrundsarbetet stannade; inget är sparat. Försök igen."
NEVER_BEGAN = (
    "Inläsningen kom aldrig igång (bakgrundsarbetet tog inte upp den); inget är sparat. "
    "Försök igen."
)


class ProgressStream(io.RawIOBase):
    """A binary stream that reports how much of it has been read.

    `plan_import` reads the file twice (its SHA-256, then the parse), so the whole
    reading is twice the file's size. `report` is called with 0–100, at most every
    `STEP` percentage points, and with 100 when the last byte has been read."""

    def __init__(self, content: bytes, report):
        self._inner = io.BytesIO(content)
        self._total = max(2 * len(content), 1)
        self._read = 0
        self._reported = 0
        self._report = report

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def read(self, size: int = -1) -> bytes:
        chunk = self._inner.read(size)
        self._read += len(chunk)
        percent = min(100, self._read * 100 // self._total)
        if percent >= self._reported + STEP or (percent == 100 and self._reported < 100):
            self._reported = percent
            self._report(percent)
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _set(job: ImportJob, **fields) -> None:
    """One small write of the job's state (autocommitted on its own)."""
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def saved_record(job: ImportJob) -> LedgerImport | None:
    """The LedgerImport this job saved, if it saved one: the same association, year and
    file (SHA-256), made after the job began."""
    if not job.sha256 or job.started_at is None:
        return None
    return (
        LedgerImport.objects.filter(
            association_id=job.association_id,
            fiscal_year__year=job.year,
            sha256=job.sha256,
            imported_at__gte=job.started_at,
        )
        .order_by("-pk")
        .first()
    )


def _done_message(file_name: str, year: int) -> str:
    return f"{file_name} är inläst för {year}."


def _discard_upload(job: ImportJob) -> None:
    """The file has served its purpose; the import stands without it."""
    if job.upload_id is None:
        return
    try:
        ledger.upload_discard(upload=job.upload, by=job.requested_by)
    except Exception:
        log.exception("Den inlästa filen till SIE-inläsningen %s kunde inte slängas", job.pk)


def _lost(job: ImportJob, now: datetime) -> bool:
    if job.is_finished:
        return False
    if job.lease_until is not None:
        return job.lease_until < now
    return job.requested_at < now - jobs.lease() and not jobs.task_alive(job.task_id)


def settle(job: ImportJob, *, now: datetime | None = None) -> ImportJob:
    """The job as it truly is: one whose worker died or whose task was lost is ended
    with what the database holds. Only one of several callers ends it."""
    now = now or timezone.now()
    if not _lost(job, now):
        return job
    record = saved_record(job)
    fields: dict[str, Any] = {"lease_until": None, "finished_at": now}
    if record is not None:
        fields.update(
            status=ImportJob.DONE,
            percent=100,
            ledger_import=record,
            message=_done_message(job.file_name, job.year),
        )
    else:
        begun = job.status != ImportJob.QUEUED
        fields.update(status=ImportJob.FAILED, message=WORKER_DIED if begun else NEVER_BEGAN)
    with transaction.atomic():  # the job and its task row end together
        ended = ImportJob.objects.filter(
            pk=job.pk, status=job.status, lease_until=job.lease_until
        ).update(**fields)
        if ended:
            jobs.fail_lost_task(job.task_id, now)
    job.refresh_from_db()
    if ended and record is not None:
        _discard_upload(job)
    return job


def recover_expired(*, now: datetime | None = None) -> int:
    """End every import whose worker died or whose task was lost."""
    now = now or timezone.now()
    unfinished = ImportJob.objects.exclude(status__in=ImportJob.FINISHED)
    candidates = unfinished.filter(lease_until__lt=now) | unfinished.filter(
        lease_until__isnull=True, requested_at__lt=now - jobs.lease()
    )
    lost = [job for job in candidates if _lost(job, now)]
    return sum(settle(job, now=now).is_finished for job in lost)


def run(import_job_id: int) -> str:
    """Apply one queued import (the worker's side, holding the job's lease); returns
    the job's final status."""
    job = ImportJob.objects.select_related("association", "upload", "requested_by").get(
        pk=import_job_id
    )
    if job.is_finished:
        return job.status
    if job.upload is None:
        _set(
            job,
            status=ImportJob.REFUSED,
            message="Den uppladdade filen finns inte längre; ladda upp den igen.",
            finished_at=timezone.now(),
        )
        return job.status
    content = bytes(job.upload.content)
    _set(
        job,
        status=ImportJob.READING,
        percent=0,
        sha256=hashlib.sha256(content).hexdigest(),
        started_at=timezone.now(),
    )
    with jobs.heartbeat(ImportJob, job.pk):
        _apply(job, content)
    job.lease_until = None
    ImportJob.objects.filter(pk=job.pk).update(lease_until=None)
    return job.status


def _apply(job: ImportJob, content: bytes) -> None:
    try:
        ledger.plan_import(
            association=job.association,
            stream=ProgressStream(content, lambda percent: _set(job, percent=percent)),
            file_name=job.file_name,
            expected_year=job.year,
        )
        _set(job, status=ImportJob.WRITING, percent=100)
        plan, record = ledger.apply_import(
            association=job.association,
            stream=io.BytesIO(content),
            file_name=job.file_name,
            expected_year=job.year,
            confirm=job.confirm,
            by=job.requested_by,
        )
    except ServiceError as exc:  # ImportRefused among them: nothing is saved
        _set(job, status=ImportJob.REFUSED, message=exc.message, finished_at=timezone.now())
        return
    except Exception:
        log.exception("SIE-inläsningen %s misslyckades", job.pk)
        record = saved_record(job)  # the database, not the error, tells what happened
        if record is None:
            _set(job, status=ImportJob.FAILED, message=FAILED_MESSAGE, finished_at=timezone.now())
            return
        plan = None
    _discard_upload(job)
    if record is None:
        message = f"{plan.file_name} ändrar inget: den är redan inläst."
    else:
        message = _done_message(job.file_name, job.year)
    _set(
        job,
        status=ImportJob.DONE,
        message=message,
        ledger_import=record,
        finished_at=timezone.now(),
    )
