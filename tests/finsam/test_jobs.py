"""The looking-after of background jobs (finsam/jobs.py): task rows a dead worker left
RUNNING are failed, those of a job whose lease is held are left alone, and finished
rows are pruned after TASK_RESULTS_KEEP_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from finsam import jobs
from reporting.models import RenderedPdf


def _task(status: str, *, started: timedelta | None = None, finished: timedelta | None = None):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"rendered_pdf_id": 1}},
        task_path="reporting.tasks.render_pdf",
        backend_name="default",
        run_after=now,
        started_at=now - started if started is not None else None,
        finished_at=now - finished if finished is not None else None,
    )


def _render(association, task, *, lease: timedelta | None):
    return RenderedPdf.objects.create(
        association=association,
        key=str(task.id).replace("-", "").ljust(64, "0"),
        document="bokslut",
        year=2024,
        variant="pdf",
        filename="x.pdf",
        html="<p>x</p>",
        task_id=str(task.id),
        requested_at=timezone.now(),
        lease_until=timezone.now() + lease if lease is not None else None,
    )


@pytest.fixture
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = 2


def test_running_task_rows_of_a_dead_worker_are_failed(db, association, short_lease):
    orphan = _task(TaskResultStatus.RUNNING, started=timedelta(minutes=5))
    held = _task(TaskResultStatus.RUNNING, started=timedelta(minutes=5))
    _render(association, held, lease=timedelta(seconds=2))
    just_begun = _task(TaskResultStatus.RUNNING, started=timedelta(seconds=0))

    assert jobs.fail_orphaned_tasks() == 1
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.FAILED and orphan.finished_at is not None
    assert orphan.exception_class_path == "finsam.jobs.WorkerLost"
    assert "stannade" in orphan.traceback
    for alive in (held, just_begun):
        alive.refresh_from_db()
        assert alive.status == TaskResultStatus.RUNNING


def test_finished_task_rows_and_failed_renders_are_pruned_after_the_days_kept(
    db, association, settings
):
    settings.TASK_RESULTS_KEEP_DAYS = 7
    old_done = _task(TaskResultStatus.SUCCESSFUL, finished=timedelta(days=8))
    old_failed = _task(TaskResultStatus.FAILED, finished=timedelta(days=8))
    recent = _task(TaskResultStatus.SUCCESSFUL, finished=timedelta(days=6))
    waiting = _task(TaskResultStatus.READY)
    failed_render = _render(association, old_failed, lease=None)
    RenderedPdf.objects.filter(pk=failed_render.pk).update(
        error="RuntimeError", requested_at=timezone.now() - timedelta(days=8)
    )
    kept_render = _render(association, recent, lease=None)

    assert jobs.prune() == {"tasks": 2, "pdf": 1}
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert left == {recent.id, waiting.id} and old_done.id not in left
    assert list(RenderedPdf.objects.values_list("pk", flat=True)) == [kept_render.pk]


def test_a_lost_rendering_and_its_task_row_end_in_one_step(db, association, short_lease):
    """Taking up a rendering whose worker died fails the dead task row at once, with
    the job: nobody sees the job moved on beside a task still RUNNING (the sweep's
    later pass over orphaned rows would come too late for a page that looks in
    between). A task id that is no id of the backend changes nothing."""
    from reporting import pdf_jobs

    dead = _task(TaskResultStatus.RUNNING, started=timedelta(minutes=5))
    job = _render(association, dead, lease=timedelta(seconds=-1))
    pdf_jobs.settle(job)
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert dead.exception_class_path == "finsam.jobs.WorkerLost"
    job.refresh_from_db()
    assert job.attempts == 1 and job.task_id != str(dead.id)  # queued again
    jobs.fail_lost_task("inget-id", timezone.now())  # refused quietly, nothing changes
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
