"""SIE imports applied by the background worker: the confirm step answers at once,
the page follows the job with htmx (reading with a percentage, then writing), and
the job ends done with what was imported, refused with the reason, or failed; a
refused or failed job stores nothing."""

from __future__ import annotations

import datetime
import signal
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budgets import import_jobs, ledger
from budgets.models import Actual, FiscalYear, ImportJob, LedgerImport, SieUpload
from budgets.tasks import run_import
from finsam.models import AuditEntry
from reporting.selectors import year_statements
from tests.budgets.test_sie_real_files import FILES, outcome, plan_of, scaled

VISMA = "visma_bas_eubas97.se"
# The figures of the Visma file (as tests/budgets/test_sie_real_files.py checks them).
VISMA_OUTCOME = {
    "Staten (AF+FK)": D(600000),
    "Medlemsbidrag": D(400000),  # 3010 "Medlemsbidrag från kommunerna", by its name
    "Övriga intäkter": D(3000),
    "Personal": D(394260),
    "Lokaler": D(120000),
    "Köpta tjänster": D(150000),
    "Övriga kostnader": D(27000),
    "Finansiella intäkter": D(1200),
    "Finansiella kostnader": D(800),
}


def _upload(client, association, name=VISMA) -> str:
    """Upload the file as the page does; returns the stored file's id."""
    response = client.post(
        f"/{association.slug}/bokslut/2024/sie/",
        {"action": "upload", "file": SimpleUploadedFile(name, (FILES / name).read_bytes())},
    )
    assert response.status_code == 302, response.content.decode()
    return response["Location"].rsplit("=", 1)[1]


def _confirm(client, association, upload: str):
    return client.post(
        f"/{association.slug}/bokslut/2024/sie/", {"action": "apply", "fil": upload}
    )


def test_the_confirm_step_queues_the_import_and_the_page_shows_what_was_imported(
    association, bas_lines, kansli_client
):
    upload = _upload(kansli_client, association)
    response = _confirm(kansli_client, association, upload)

    job = ImportJob.objects.get()
    url = f"/{association.slug}/bokslut/2024/sie/inlasning/{job.pk}/"
    assert response.status_code == 302 and response["Location"] == url
    # The immediate backend ran it within the request.
    assert (job.status, job.percent) == (ImportJob.DONE, 100)
    assert job.ledger_import == LedgerImport.objects.get()
    assert job.file_name == VISMA and job.year == 2024 and job.started_at and job.finished_at
    assert outcome(association) == VISMA_OUTCOME
    statements = year_statements(association=association, year=2024)
    assert statements.income.arets_resultat == D(312140)
    assert statements.balance.summa_tillgangar == D(502640)
    assert not SieUpload.objects.exists()  # the file has served its purpose

    page = kansli_client.get(url)
    text = page.content.decode().replace("\xa0", " ")
    assert page.status_code == 200
    assert f"{VISMA} är inläst för 2024." in text
    assert '<th scope="row">Utfall: Personal</th><td class="num">0</td>' in text
    assert '<td class="num">394 260</td>' in text
    assert f'href="/{association.slug}/bokslut/2024/">Se bokslutet för 2024' in text
    assert "hx-trigger" not in text  # nothing left to follow
    assert "<html" in text

    fragment = kansli_client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert f"{VISMA} är inläst för 2024." in fragment.content.decode()
    # Queued and imported, each recorded once; the upload stored and thrown away.
    kinds = list(AuditEntry.objects.values_list("object_type", "action"))
    assert kinds.count(("budgets.ImportJob", AuditEntry.CREATE)) == 1
    assert kinds.count(("budgets.LedgerImport", AuditEntry.CREATE)) == 1
    assert kinds.count(("budgets.SieUpload", AuditEntry.DELETE)) == 1


def test_the_answer_comes_at_once_and_the_worker_finishes_the_job(
    settings, association, bas_lines, kansli_client
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    upload = _upload(kansli_client, association)
    response = _confirm(kansli_client, association, upload)

    job = ImportJob.objects.get()
    assert (job.status, job.percent) == (ImportJob.QUEUED, 0)
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "budgets.tasks.run_import"
    # Its own queue, first in line: never behind draft PDFs.
    assert (queued.queue_name, queued.priority) == ("imports", 10)
    assert not Actual.objects.exists() and not LedgerImport.objects.exists()

    page = kansli_client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 202
    assert f"{VISMA} står i kö" in text
    assert '<progress max="100" value="0"' in text
    assert f'hx-get="{response["Location"]}" hx-trigger="every 1s"' in text
    assert page["X-Task-Id"] == job.task_id

    # A second click while it waits follows the same job.
    again = _confirm(kansli_client, association, upload)
    assert again["Location"] == response["Location"] and ImportJob.objects.count() == 1

    assert run_import.call(import_job_id=job.pk) == ImportJob.DONE
    job.refresh_from_db()
    assert job.status == ImportJob.DONE and job.ledger_import is not None
    assert outcome(association) == VISMA_OUTCOME
    polled = kansli_client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert f"{VISMA} är inläst för 2024." in polled.content.decode()
    assert "hx-trigger" not in polled.content.decode()


def test_a_year_closed_between_preview_and_confirm_refuses_and_stores_nothing(
    association, bas_lines, kansli_client
):
    upload = _upload(kansli_client, association)
    preview = kansli_client.get(f"/{association.slug}/bokslut/2024/sie/?fil={upload}")
    assert "Läs in filen" in preview.content.decode()
    FiscalYear.objects.create(
        association=association, year=2024, closed_on=datetime.date(2025, 3, 20)
    )
    before = AuditEntry.objects.count()

    response = _confirm(kansli_client, association, upload)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.REFUSED
    assert "stängt" in job.message
    assert job.ledger_import is None
    assert not Actual.objects.exists() and not LedgerImport.objects.exists()
    assert SieUpload.objects.filter(pk=upload).exists()  # kept, to look at again
    assert AuditEntry.objects.count() == before + 1  # the queued job only
    text = kansli_client.get(response["Location"]).content.decode()
    assert job.message in text and "Inget är sparat." in text
    assert f'href="/{association.slug}/bokslut/2024/sie/?fil={upload}">Tillbaka' in text


def test_an_unexpected_error_fails_the_job_in_swedish_and_stores_nothing(
    association, bas_lines, kansli_client, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    upload = _upload(kansli_client, association)
    monkeypatch.setattr(ledger, "apply_import", broken)
    response = _confirm(kansli_client, association, upload)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.FAILED
    assert job.message == import_jobs.FAILED_MESSAGE
    assert not Actual.objects.exists() and not LedgerImport.objects.exists()
    text = kansli_client.get(response["Location"]).content.decode()
    assert "oväntat fel; inget är sparat" in text and "disk full" not in text


def test_reading_reaches_100_percent_before_the_writing_starts(
    association, bas_lines, kansli_client, monkeypatch
):
    seen = []
    real_apply = ledger.apply_import

    def watching(**kwargs):
        # What the page would show while the import's transaction runs.
        seen.append(ImportJob.objects.values_list("status", "percent").get())
        return real_apply(**kwargs)

    upload = _upload(kansli_client, association)
    monkeypatch.setattr(ledger, "apply_import", watching)
    _confirm(kansli_client, association, upload)
    assert seen == [(ImportJob.WRITING, 100)]
    assert ImportJob.objects.get().status == ImportJob.DONE


def test_progress_is_reported_by_bytes_read_every_two_percent(association, bas_lines):
    data = scaled(1000)  # the XE file's verifications 1000 times: about 470 kB
    reports: list[int] = []
    plan = ledger.plan_import(
        association=association,
        stream=import_jobs.ProgressStream(data, reports.append),
        file_name="stor.se",
    )
    assert (
        plan.verification_count
        == 1000 * plan_of(association, "xe_kommunbas.se").verification_count
    )
    # The hash reads the file once (in one go, it is below 1 MB), the parse once more
    # in blocks: half-way after the hash, then by the parse's blocks.
    assert reports[0] == 50
    assert reports[-1] == 100 and len(reports) > 2
    assert all(b - a >= import_jobs.STEP for a, b in zip(reports, reports[1:], strict=False))
    assert len(reports) <= 100 // import_jobs.STEP + 1


def test_the_status_page_while_reading_and_writing(association, kansli_client):
    upload = ledger.upload_store(
        association=association, year=2024, file_name=VISMA, content=b"#FLAGGA 0\n"
    )
    job = ImportJob.objects.create(
        association=association,
        upload=upload,
        year=2024,
        file_name=VISMA,
        status=ImportJob.READING,
        percent=45,
    )
    url = f"/{association.slug}/bokslut/2024/sie/inlasning/{job.pk}/"
    reading = kansli_client.get(url, headers={"HX-Request": "true"})
    assert reading.status_code == 202
    text = reading.content.decode()
    assert "Läser filen … 45 %" in text
    assert '<progress max="100" value="45"' in text
    assert 'hx-trigger="every 1s"' in text

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.WRITING, percent=100)
    writing = kansli_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Skriver utfall och balanser …" in writing and 'hx-trigger="every 1s"' in writing

    # Under another year's address it is not found.
    assert kansli_client.get(url.replace("/2024/", "/2023/")).status_code == 404


def test_the_styrelse_cannot_follow_an_import(association, styrelse_user, client):
    job = ImportJob.objects.create(association=association, year=2024, file_name=VISMA)
    client.force_login(styrelse_user)
    assert (
        client.get(f"/{association.slug}/bokslut/2024/sie/inlasning/{job.pk}/").status_code == 403
    )


def test_a_file_thrown_away_before_the_worker_came_is_refused(association, bas_lines):
    upload = ledger.upload_store(
        association=association,
        year=2024,
        file_name=VISMA,
        content=(FILES / VISMA).read_bytes(),
    )
    job = ImportJob.objects.create(
        association=association, upload=upload, year=2024, file_name=VISMA
    )
    ledger.upload_discard(upload=upload)
    assert import_jobs.run(job.pk) == ImportJob.REFUSED
    job.refresh_from_db()
    assert "finns inte längre" in job.message
    assert not Actual.objects.exists()


def test_a_job_no_worker_finished_is_given_up_when_the_file_is_imported_again(
    settings, association, bas_lines, kansli_client
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    upload = _upload(kansli_client, association)
    first = _confirm(kansli_client, association, upload)
    preview = kansli_client.get(f"/{association.slug}/bokslut/2024/sie/?fil={upload}")
    assert f'Filen läses in just nu. <a href="{first["Location"]}">' in preview.content.decode()

    stuck = ImportJob.objects.get()
    # Its worker began and then stopped renewing the lease (it died).
    ImportJob.objects.filter(pk=stuck.pk).update(
        status=ImportJob.READING,
        started_at=timezone.now() - datetime.timedelta(minutes=2),
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    second = _confirm(kansli_client, association, upload)
    assert second["Location"] != first["Location"]
    stuck.refresh_from_db()
    assert (stuck.status, stuck.message) == (ImportJob.FAILED, import_jobs.WORKER_DIED)
    assert "inget är sparat" in stuck.message
    fresh = ImportJob.objects.exclude(pk=stuck.pk).get()
    assert fresh.status == ImportJob.QUEUED
    assert run_import.call(import_job_id=fresh.pk) == ImportJob.DONE
    assert outcome(association) == VISMA_OUTCOME


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_applies_the_queued_import(
    settings, association, bas_lines, kansli_client
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    upload = _upload(kansli_client, association)
    response = _confirm(kansli_client, association, upload)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.QUEUED

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL
    job.refresh_from_db()
    assert (job.status, job.percent) == (ImportJob.DONE, 100)
    assert outcome(association) == VISMA_OUTCOME
    assert (
        f"{VISMA} är inläst för 2024." in kansli_client.get(response["Location"]).content.decode()
    )


def test_the_page_stops_following_an_import_after_the_limit(
    settings, association, bas_lines, kansli_client
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    upload = _upload(kansli_client, association)
    url = _confirm(kansli_client, association, upload)["Location"]
    settings.JOB_POLL_LIMIT_SECONDS = 0  # as if no worker had come for too long
    polled = kansli_client.get(url, headers={"HX-Request": "true"})
    page = polled.content.decode()
    assert polled.status_code == 202 and "hx-trigger" not in page
    assert "inte klar än" in page and f'?fil={upload}">Försök igen</a>' in page
    assert ImportJob.objects.get().status == ImportJob.QUEUED  # still waiting its turn
