"""A draft PDF as a person gets it: the click answers at once with "Skapar PDF …",
the page follows the worker with htmx, and the download starts when it is done."""

from __future__ import annotations

import signal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from budgets import services
from members.models import UserRole
from reporting.models import RenderedPdf

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_page_follows_the_worker_and_the_download_starts(
    live_server, browser, association, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    user = get_user_model().objects.create_user(username="pdf", password="pdf-lösen-1")
    UserRole.objects.create(user=user, association=association, role=UserRole.REVISOR)
    services.budget_create(association=association, year=2025)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "pdf")
    page.fill("#id_password", "pdf-lösen-1")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/testbygden/dokument/verksamhetsplan/2025/")

    page.get_by_role("link", name="PDF", exact=True).click()
    expect(page.locator("#pdf-status")).to_contain_text("Skapar PDF")
    assert RenderedPdf.objects.get().rendered_at is None  # nothing rendered in the request

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with page.expect_download(timeout=30_000) as download:
        try:
            call_command(
                "worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
            )
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
    expect(page.locator("#pdf-status")).to_contain_text("Skapar PDF … klart")
    assert download.value.suggested_filename == "testbygden-verksamhetsplan-2025-utkast.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert not errors, errors
    context.close()
