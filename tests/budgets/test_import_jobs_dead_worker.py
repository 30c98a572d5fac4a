"""A worker killed (SIGKILL) in the middle of an SIE import: its lease runs out and the
job ends with what the database holds. Killed while writing, nothing is saved and the
job says so; killed after the import's transaction committed, the job reads "inläst".
Never RUNNING forever, never half applied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budgets import import_jobs
from budgets.models import Actual, ImportJob, LedgerImport, SieUpload
from tests.budgets.test_import_jobs import VISMA, VISMA_OUTCOME, _confirm, _upload
from tests.budgets.test_sie_real_files import outcome
from tests.workers import arrived, kill, shared_database, start_worker, stop, wait_for

__all__ = ["shared_database"]


def _killed_at(tmp_path, stop_at: str, kansli_client, association) -> tuple[ImportJob, str]:
    upload = _upload(kansli_client, association)
    url = _confirm(kansli_client, association, upload)["Location"]
    job = ImportJob.objects.get()
    worker, marker = start_worker(tmp_path, stop_at)
    try:
        arrived(worker, marker)
        job.refresh_from_db()
        assert job.lease_until is not None and job.status == ImportJob.WRITING
        kill(worker)
    finally:
        stop(worker)
    return job, url


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_while_writing_fails_truthfully_after_a_restart(
    shared_database, association, bas_lines, kansli_client, tmp_path
):
    job, url = _killed_at(tmp_path, "import-writing", kansli_client, association)

    restarted, _ = start_worker(tmp_path)
    try:
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).is_finished,
            seconds=45,
            what="inläsningen avslutades efter omstarten",
        )
    finally:
        stop(restarted)
    job.refresh_from_db()
    assert (job.status, job.message) == (ImportJob.FAILED, import_jobs.WORKER_DIED)
    assert "inget är sparat" in job.message
    assert not LedgerImport.objects.exists() and not Actual.objects.exists()
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    assert not LedgerImport.objects.exists() and not Actual.objects.exists()
    assert SieUpload.objects.filter(pk=job.upload_id).exists()  # to try again with

    page = kansli_client.get(url, headers={"HX-Request": "true"})
    text = page.content.decode()
    assert page.status_code == 200 and "hx-trigger" not in text
    assert "inget är sparat" in text and "Försök igen" in text


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_after_its_commit_reads_inlast(
    shared_database, association, bas_lines, kansli_client, tmp_path
):
    job, url = _killed_at(tmp_path, "import-committed", kansli_client, association)
    record = LedgerImport.objects.get()

    # Before the lease has run out the job is still being worked on ...
    assert kansli_client.get(url, headers={"HX-Request": "true"}).status_code == 202
    ImportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    # ... after it, the page that follows the job ends it with what the database holds.
    page = kansli_client.get(url, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert f"{VISMA} är inläst för 2024." in page.content.decode()
    job.refresh_from_db()
    assert (job.status, job.ledger_import) == (ImportJob.DONE, record)
    assert outcome(association) == VISMA_OUTCOME
    assert not SieUpload.objects.exists()  # thrown away as after any import


def test_a_lost_import_and_its_task_row_end_together_without_a_worker(
    association, bas_lines, kansli_client, settings
):
    """The page that follows a job whose worker died ends it (settle) and fails its
    task row in the same step, not at the sweep's later pass."""
    settings.JOB_LEASE_SECONDS = 2
    settings.TASKS = {  # queued in the database, as in production
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    upload = _upload(kansli_client, association)
    _confirm(kansli_client, association, upload)
    job = ImportJob.objects.get()
    DBTaskResult.objects.filter(id=job.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5)
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.WRITING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    job = import_jobs.settle(ImportJob.objects.get(pk=job.pk))
    assert (job.status, job.message) == (ImportJob.FAILED, import_jobs.WORKER_DIED)
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    assert not LedgerImport.objects.exists() and not Actual.objects.exists()
