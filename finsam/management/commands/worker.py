"""`manage.py worker`: django-tasks-db's `db_worker` that also looks after the jobs of
workers that died.

At start and then every half lease (JOB_LEASE_SECONDS / 2) it sweeps
(`finsam.jobs.sweep`): renderings whose lease ran out are queued again, imports whose
lease ran out are ended with what the database holds, and task rows left RUNNING are
failed. At start and every hour it prunes finished task rows older than
TASK_RESULTS_KEEP_DAYS (`finsam.jobs.prune`). Without --queue-name it serves every
queue of settings.TASK_QUEUES (draft PDFs and SIE imports).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from finsam import jobs

log = logging.getLogger(__name__)
PRUNE_EVERY = 3600.0


def look_after_jobs(*, prune: bool) -> None:
    """One sweep (and, if asked, one pruning); a database that is busy or away is
    tried again at the next round."""
    try:
        swept = jobs.sweep()
        if any(swept.values()):
            log.warning("Jobb vars arbetare stannade: %s", swept)
        if prune:
            jobs.prune()
    except DatabaseError:
        log.exception("Kunde inte se efter jobben")


def _keep_looking(stop: threading.Event) -> None:
    pruned = time.monotonic()
    try:
        while not stop.wait(jobs.lease().total_seconds() / 2):
            due = time.monotonic() - pruned >= PRUNE_EVERY
            look_after_jobs(prune=due)
            if due:
                pruned = time.monotonic()
    finally:
        connection.close()


class Command(db_worker.Command):
    help = "Run the background worker (draft PDFs, SIE imports) and look after lost jobs"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name=",".join(settings.TASK_QUEUES))

    def handle(self, *args, **options) -> None:
        batch = options["batch"]
        if options["reload"] and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            pass  # the reloader's parent only starts the child, which looks after the jobs
        elif batch:
            look_after_jobs(prune=False)
        else:
            look_after_jobs(prune=True)
            threading.Thread(
                target=_keep_looking, args=(threading.Event(),), daemon=True, name="job-sweeper"
            ).start()
        super().handle(*args, **options)
