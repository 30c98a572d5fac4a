"""Production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    drop = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _run(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp9" * 10,
            "ALLOWED_HOSTS": "finsam.example.se",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({"DEBUG": "false"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_users_are_never_made_in_production():
    result = _run(
        {"DEBUG": "false", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "x"},
        "load_demo",
        "--with-users",
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
