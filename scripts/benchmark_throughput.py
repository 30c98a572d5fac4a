"""The log-in page's throughput while two annual reports render as PDF.

Usage: `.venv/bin/python scripts/benchmark_throughput.py [--scale 10] [--seconds 10]
[--nice 10]`

Makes a throwaway SQLite database (the demo, Västmanland made `--scale` times larger
as `manage.py benchmark` does), starts the application as production runs it
(gunicorn with gunicorn.conf.py, DEBUG off) and two background workers
(`manage.py db_worker`, at the niceness given, as the README runs them), and
measures the log-in page with wrk (Debian's package wrk): alone, then while the two
workers render Västmanland's annual report as PDF and as PDF/A. Prints both rates,
their ratio and whether both reports were still rendering when the measurement
ended. The configured database is never touched.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOGIN = "/konto/logga-in/"
REPORT = "/vastmanland/dokument/arsredovisning/2024/"

PREPARE = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from finsam import benchmark as bench
from members.models import Association, UserRole
association = Association.objects.get(slug=bench.SLUG)
bench.add_participants(association)
if {scale} > 1:
    bench.scale(association, {scale})
user = get_user_model().objects.create_user(username="matning", password="x-matning-1")
UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return done.stdout or ""


def _wrk(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https", url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"wrk fick {non_2xx.group(1)} felsvar:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return response.status


def _wait_for(url: str, seconds: float = 30) -> None:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}), timeout=2
            ):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} svarade inte")


def _renders(database: Path, wait: float = 600) -> list[tuple[str, datetime, datetime]]:
    """(status, started, finished) of each background task, once all have ended."""
    ends = time.monotonic() + wait
    while True:
        with sqlite3.connect(database) as db:
            rows = db.execute(
                "SELECT status, started_at, finished_at FROM django_tasks_database_dbtaskresult"
            ).fetchall()
        if all(finished for _, _, finished in rows) or time.monotonic() > ends:
            break
        time.sleep(1)
    return [
        (status, _utc(started), _utc(finished)) for status, started, finished in rows if started
    ]


def _started(database: Path, tasks: int, wait: float = 120) -> None:
    ends = time.monotonic() + wait
    while time.monotonic() < ends:
        with sqlite3.connect(database) as db:
            (started,) = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE started_at IS NOT NULL"
            ).fetchone()
        if started >= tasks:
            return
        time.sleep(0.2)
    raise SystemExit("the workers did not take the reports")


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--nice", type=int, default=10, help="the workers' niceness (0–19)")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "throughput.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "only-for-a-throwaway-measurement-" + "x" * 40,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{options.port}",
        }
        print(f"Databas {database}: demo, Västmanland ×{options.scale} …", flush=True)
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo")
        _manage(env, "collectstatic", "--noinput")
        cookie = (
            _manage(env, "shell", "-c", PREPARE.format(scale=options.scale), capture=True)
            .strip()
            .splitlines()[-1]
        )
        base = f"http://127.0.0.1:{options.port}"
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "finsam.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers = [
            subprocess.Popen(
                ["nice", "-n", str(options.nice), PYTHON, "manage.py", "db_worker"]
                + ["--no-reload", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        try:
            _wait_for(base + LOGIN)
            _wrk(base + LOGIN, 2)  # warm up
            alone = _wrk(base + LOGIN, options.seconds)
            for fmt in ("pdf/", "pdf-a/"):
                _get(base + REPORT + fmt, cookie)
            _started(database, 2)  # both workers have taken their report
            window = datetime.now(UTC)
            during = _wrk(base + LOGIN, options.seconds)
            window_end = datetime.now(UTC)
            renders = _renders(database)
        finally:
            for process in [server, *workers]:
                process.send_signal(signal.SIGTERM)
            for process in [server, *workers]:
                process.wait(timeout=30)
    print(f"\ngunicorn (gunicorn.conf.py), två db_worker med nice {options.nice}, wrk -t2 -c8")
    print("| mätning | log-in-sidor per sekund |")
    print("|---|---:|")
    print(f"| ensam | {alone:.0f} |")
    print(f"| medan två årsredovisningar blir PDF | {during:.0f} |")
    print(f"Kvot: {during / alone:.0%} av genomströmningen ensam.")
    print(f"Mätningen under renderingen: 0–{(window_end - window).total_seconds():.0f} s.")
    for status, started, finished in renders:
        print(
            f"PDF-uppgift {status}: började {(started - window).total_seconds():+.1f} s, "
            f"klar {(finished - window).total_seconds():+.1f} s"
            if finished
            else f"PDF-uppgift {status}: började {(started - window).total_seconds():+.1f} s"
        )
    whole = sum(1 for _, s, f in renders if s <= window and f is not None and f >= window_end)
    print(f"Renderade under hela mätningen: {whole} av 2.")


if __name__ == "__main__":
    main()
