"""SIE imports applied by the background worker (`budgets.tasks.run_import`).

The request that confirms an import only queues it (`ledger.import_job_queue`) and
answers at once; the page then follows the job. The worker first reads and checks
the stored file with `ledger.plan_import`, outside any transaction, and reports how
much of it has been read; then it writes with `ledger.apply_import` as before, in one
transaction, all or nothing. Each progress report is its own small write, never
inside the import's transaction (on SQLite a second writer would wait for it).
"""

from __future__ import annotations

import io
import logging

from django.utils import timezone

from budgets import ledger
from budgets.models import ImportJob
from finsam.services import ServiceError

log = logging.getLogger(__name__)

# The share of the reading between two progress reports (percentage points).
STEP = 2
FAILED_MESSAGE = (
    "Inläsningen avbröts av ett oväntat fel; inget är sparat. Försök igen, och hör av "
    "dig till den som sköter Finsam om det händer igen."
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


def run(import_job_id: int) -> str:
    """Apply one queued import (the worker's side); returns the job's final status."""
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
    _set(job, status=ImportJob.READING, percent=0, started_at=timezone.now())
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
        return job.status
    except Exception:
        log.exception("SIE-inläsningen %s misslyckades", job.pk)
        _set(job, status=ImportJob.FAILED, message=FAILED_MESSAGE, finished_at=timezone.now())
        return job.status
    try:  # the file has served its purpose; the import stands without it
        ledger.upload_discard(upload=job.upload, by=job.requested_by)
    except Exception:
        log.exception("Den inlästa filen till SIE-inläsningen %s kunde inte slängas", job.pk)
    if record is None:
        message = f"{plan.file_name} ändrar inget: den är redan inläst."
    else:
        message = f"{plan.file_name} är inläst för {plan.year}."
    _set(
        job,
        status=ImportJob.DONE,
        message=message,
        ledger_import=record,
        finished_at=timezone.now(),
    )
    return job.status
