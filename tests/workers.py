"""Real worker processes for the tests of dead workers: a database both the test and a
`manage.py worker` subprocess see, a worker that stops where the test wants it to (and
is then SIGKILLed), and a wait with a deadline.

On SQLite the tests' database lives in memory, which no other process can open, so
`shared_database` copies it (migrated, empty) to a file and points the test's
connection there for the test; on PostgreSQL the subprocess opens the test database.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
LEASE_SECONDS = 2

# Run in the worker process: stop at the named point (and wait there to be killed),
# then run the worker as `manage.py worker` does.
_WORKER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from django.db import transaction
marker, stop_at = Path(sys.argv[1]), sys.argv[2]

def arrive(*args, **kwargs):
    marker.write_text(stop_at)
    time.sleep(300)  # the test kills the process here

if stop_at == "render":
    from reporting import pdf_jobs
    pdf_jobs.pdf_from_html = arrive
elif stop_at == "import-writing":
    from budgets import ledger
    apply_import = ledger.apply_import
    def writing(**kwargs):
        with transaction.atomic():  # killed before this commits
            apply_import(**kwargs)
            arrive()
    ledger.apply_import = writing
elif stop_at == "import-committed":
    from budgets import ledger
    ledger.upload_discard = arrive  # after the import's transaction committed
from django.core.management import call_command
call_command("worker", reload=False, startup_delay=False, interval=0.1, verbosity=0)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_database(transactional_db, tmp_path, settings) -> Iterator[None]:
    """The test's database, open to other processes; jobs on a lease of two seconds."""
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    file = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(file)
    connection.connection.backup(target)
    target.close()
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.settings_dict["NAME"], connection.connection = str(file), None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"], connection.connection = name, in_memory


def start_worker(tmp_path: Path, stop_at: str = "") -> tuple[subprocess.Popen, Path]:
    """A `manage.py worker` process; with `stop_at` it stops there and writes the
    returned marker file once it has arrived."""
    marker = tmp_path / f"arrived-{stop_at or 'none'}-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finsam.settings",
        "DATABASE_URL": _database_url(),
        "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(marker), stop_at or "none"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return process, marker


def wait_for(condition: Callable[[], object], *, seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"Inom {seconds} s: {what}")


def arrived(process: subprocess.Popen, marker: Path) -> None:
    """Wait until the worker stands where it was told to stop."""

    def there() -> bool:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        return marker.exists()

    wait_for(there, seconds=90, what="arbetaren kom dit den skulle stanna")


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    if process.stderr:
        process.stderr.close()
