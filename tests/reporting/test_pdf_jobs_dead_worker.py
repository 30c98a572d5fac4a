"""A worker killed (SIGKILL) in the middle of a render: its lease runs out, and after a
restart the rendering is taken up again and finished; the dead worker's task row does
not stay RUNNING, and the page that follows the rendering never polls forever."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from members.models import Association
from reporting import pdf_jobs
from reporting.models import RenderedPdf
from tests.workers import (
    LEASE_SECONDS,
    arrived,
    kill,
    shared_database,
    start_worker,
    stop,
    wait_for,
)

__all__ = ["shared_database"]


def _queued_render(association: Association) -> RenderedPdf:
    job = RenderedPdf.objects.create(
        association=association,
        key="a" * 64,
        document="bokslut",
        year=2024,
        variant="pdf",
        filename="testbygden-bokslut-2024-utkast.pdf",
        html="<h1>Bokslut 2024</h1><p>Testbygden</p>",
        requested_at=timezone.now(),
    )
    return pdf_jobs._enqueue(job)


@pytest.mark.django_db(transaction=True)
def test_a_render_whose_worker_was_killed_is_rendered_after_a_restart(
    shared_database, association, tmp_path
):
    job = _queued_render(association)
    first_task = job.task_id
    worker, marker = start_worker(tmp_path, "render")
    try:
        arrived(worker, marker)
        job.refresh_from_db()
        assert job.lease_until is not None and job.lease_until > timezone.now()
        assert DBTaskResult.objects.get(id=first_task).status == TaskResultStatus.RUNNING
        kill(worker)
        killed_at = time.monotonic()

        restarted, _ = start_worker(tmp_path)
        try:

            def rendered() -> RenderedPdf | None:
                found = RenderedPdf.objects.get(pk=job.pk)
                return found if found.is_ready else None

            done = wait_for(rendered, seconds=45, what="PDF:en skapades efter omstarten")
        finally:
            stop(restarted)
    finally:
        stop(worker)
    # Taken up again once, after the dead worker's lease had run out.
    assert time.monotonic() - killed_at >= LEASE_SECONDS - 0.5
    assert done.attempts == 1 and done.error == "" and done.lease_until is None
    assert bytes(done.pdf).startswith(b"%PDF")
    dead = DBTaskResult.objects.get(id=first_task)
    assert dead.status == TaskResultStatus.FAILED
    assert dead.exception_class_path == "finsam.jobs.WorkerLost"
    assert DBTaskResult.objects.get(id=done.task_id).status == TaskResultStatus.SUCCESSFUL
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_that_follows_a_render_settles_it_when_its_worker_died(
    shared_database, association, kansli_client, tmp_path
):
    job = _queued_render(association)
    worker, marker = start_worker(tmp_path, "render")
    try:
        arrived(worker, marker)
        kill(worker)
    finally:
        stop(worker)
    # No worker runs now; once the lease has run out, the page queues it again.
    RenderedPdf.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    url = f"/testbygden/dokument/pdf/{job.pk}/"
    polled = kansli_client.get(url, headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert job.attempts == 1 and job.lease_until is None and not job.error
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.READY
    assert polled.status_code == 202 and 'hx-trigger="every 1s"' in polled.content.decode()

    # Killed again and again: given up with a message and a "Försök igen".
    for _ in range(pdf_jobs.MAX_ATTEMPTS - 1):
        RenderedPdf.objects.filter(pk=job.pk).update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
        polled = kansli_client.get(url, headers={"HX-Request": "true"})
    page = polled.content.decode()
    assert polled.status_code == 200 and "hx-trigger" not in page
    assert f"stannade {pdf_jobs.MAX_ATTEMPTS} gånger" in page and "Försök igen" in page
