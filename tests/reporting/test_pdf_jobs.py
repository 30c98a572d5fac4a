"""Draft PDFs: rendered by the background worker, kept by the content they were made
from, and followed on the page with htmx until they are ready."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from members.models import Association, UserRole
from reporting import documents, pdf_jobs, render
from reporting.models import VP, RenderedPdf
from reporting.services import narrative_save

PLAN = "/vastmanland/dokument/verksamhetsplan/2024/"
STATEMENTS = "/vastmanland/dokument/bokslut/2024/"


def _reader(client, revisor_user):
    UserRole.objects.create(
        user=revisor_user,
        association=Association.objects.get(slug="vastmanland"),
        role=UserRole.REVISOR,
    )
    client.force_login(revisor_user)
    return client


@pytest.fixture
def reader(db, revisor_user, client):
    call_command("load_demo", verbosity=0)
    return _reader(client, revisor_user)


@pytest.mark.django_db(transaction=True)
def test_a_pdf_request_answers_at_once_with_a_task_reference_while_the_worker_renders(
    settings, revisor_user, client
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    call_command("load_demo", verbosity=0)
    reader = _reader(client, revisor_user)

    response = reader.get(STATEMENTS + "pdf/")

    # The answer comes before any PDF exists: a page that follows the queued task.
    assert response.status_code == 202
    assert response["Content-Type"].startswith("text/html")
    assert "Skapar PDF" in response.content.decode()
    task_id = response["X-Task-Id"]
    queued = DBTaskResult.objects.get(id=task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "reporting.tasks.render_pdf"
    job = RenderedPdf.objects.get(task_id=task_id)
    assert job.pdf is None and not job.is_ready
    status_url = f"/vastmanland/dokument/pdf/{job.pk}/"
    assert f'hx-get="{status_url}"' in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()

    # The database worker takes the task and renders it.
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert DBTaskResult.objects.get(id=task_id).status == TaskResultStatus.SUCCESSFUL

    polled = reader.get(status_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    page = polled.content.decode()
    assert "Skapar PDF … klart" in page and "data-autodownload" in page
    assert "hx-trigger" not in page  # polling stops

    file = reader.get(status_url)
    assert file["Content-Type"] == "application/pdf"
    assert file.content.startswith(b"%PDF")
    assert "vastmanland-bokslut-2024" in file["Content-Disposition"]

    # The same content again: served at once from the cache, nothing queued.
    again = reader.get(STATEMENTS + "pdf/")
    assert again.status_code == 200 and again.content == file.content
    assert DBTaskResult.objects.count() == 1


def test_an_unchanged_document_is_served_from_the_cache_and_a_changed_one_anew(reader):
    first = reader.get(PLAN + "pdf/")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    job = RenderedPdf.objects.get()
    assert job.filename == "vastmanland-verksamhetsplan-2024-utkast.pdf"
    assert job.html == ""  # emptied once rendered

    second = reader.get(PLAN + "pdf/")
    assert second.content == first.content
    assert RenderedPdf.objects.get().rendered_at == job.rendered_at  # not rendered again

    # Each variant is its own content.
    archive = reader.get(PLAN + "pdf-a/")
    assert archive.content.startswith(b"%PDF") and archive.content != first.content
    assert RenderedPdf.objects.count() == 2

    association = Association.objects.get(slug="vastmanland")
    key = next(iter(documents.NARRATIVE_TITLES[VP]))
    narrative_save(
        association=association, document=VP, year=2024, key=key, body="En ny inledning."
    )
    changed = reader.get(PLAN + "pdf/")
    assert changed.content.startswith(b"%PDF") and changed.content != first.content
    assert RenderedPdf.objects.filter(variant="pdf").count() == 2
    doc = documents.plan(association, 2024)
    html = render.print_html(doc)
    assert html == render.print_html(documents.plan(association, 2024))  # same twice
    expected = pdf_jobs.cache_key(html, None, pdf_jobs.identifier(doc))
    assert RenderedPdf.objects.filter(key=expected, rendered_at__isnull=False).exists()


def test_an_htmx_request_gets_the_progress_fragment_not_the_file(reader):
    response = reader.get(PLAN + "pdf/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Skapar PDF … klart" in page
    job = RenderedPdf.objects.get()
    assert f'href="/vastmanland/dokument/pdf/{job.pk}/" data-autodownload' in page


def test_the_document_page_follows_draft_pdfs_with_htmx(reader):
    page = reader.get(PLAN).content.decode()
    assert f'hx-get="{PLAN}pdf/" hx-target="#pdf-status"' in page
    assert f'href="{PLAN}xlsx/">' in page  # the workbook downloads directly
    assert 'id="pdf-status" role="status"' in page
    assert "js/documents.js" in page


def test_a_failed_rendering_says_so_and_the_next_request_tries_again(reader, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint föll")

    monkeypatch.setattr(pdf_jobs, "pdf_from_html", broken)
    failed = reader.get(STATEMENTS + "pdf/")
    assert failed.status_code == 200
    assert "Det gick inte att skapa PDF:en" in failed.content.decode()
    assert f'href="{STATEMENTS}pdf/">Försök igen' in failed.content.decode()
    assert "WeasyPrint föll" in RenderedPdf.objects.get().error

    monkeypatch.undo()
    retried = reader.get(STATEMENTS + "pdf/")
    assert retried.status_code == 200 and retried.content.startswith(b"%PDF")
    assert RenderedPdf.objects.get().error == ""


def test_old_renderings_of_a_document_are_pruned(reader):
    association = Association.objects.get(slug="vastmanland")
    key = next(iter(documents.NARRATIVE_TITLES[VP]))
    for n in range(pdf_jobs.KEEP + 2):
        narrative_save(
            association=association, document=VP, year=2024, key=key, body=f"Version {n}."
        )
        assert reader.get(PLAN + "pdf/").status_code == 200
    assert RenderedPdf.objects.count() == pdf_jobs.KEEP


def _queued_only(settings):
    """Tasks are queued and stay queued (no worker runs)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


def test_a_revisor_cannot_queue_more_renders_than_the_limit(reader, settings):
    _queued_only(settings)
    settings.PDF_PENDING_PER_PERSON = 3
    for url in (PLAN + "pdf/", PLAN + "pdf-a/", PLAN + "pdf-ua/"):
        assert reader.get(url).status_code == 202
    # The same request again shares its job; it is not counted twice.
    assert reader.get(PLAN + "pdf/").status_code == 202
    assert RenderedPdf.objects.count() == 3

    refused = reader.get(STATEMENTS + "pdf/")
    assert refused.status_code == 429
    assert "Du har redan 3 PDF:er på väg" in refused.content.decode()
    assert RenderedPdf.objects.count() == 3


def test_an_association_has_only_a_few_renders_on_their_way(reader, settings, kansli_user):
    _queued_only(settings)
    settings.PDF_PENDING_PER_ASSOCIATION = 2
    for url in (PLAN + "pdf/", PLAN + "pdf-a/"):
        assert reader.get(url).status_code == 202
    UserRole.objects.create(
        user=kansli_user,
        association=Association.objects.get(slug="vastmanland"),
        role=UserRole.KANSLI,
    )
    reader.force_login(kansli_user)
    refused = reader.get(STATEMENTS + "pdf/", headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert "har redan 2 PDF:er på väg" in refused.content.decode()
    assert RenderedPdf.objects.count() == 2


@pytest.mark.parametrize("kind", ["verksamhetsplan", "uppfoljning", "arsredovisning", "bokslut"])
def test_a_year_without_data_is_not_rendered(reader, settings, kind):
    _queued_only(settings)
    response = reader.get(f"/vastmanland/dokument/{kind}/2040/pdf/")
    assert response.status_code == 404
    assert "Det finns inget att skriva ut för 2040" in response.content.decode()
    assert not RenderedPdf.objects.exists()


def test_the_same_content_in_two_associations_has_its_own_key(reader):
    vastmanland = Association.objects.get(slug="vastmanland")
    other = Association.objects.create(name="Kopian", slug="kopian", orgnr="222000-2824")
    for association in (vastmanland, other):
        RenderedPdf.objects.create(
            association=association,
            key="b" * 64,
            document="bokslut",
            year=2024,
            variant="pdf",
            filename="x.pdf",
            requested_at=timezone.now(),
        )
    assert RenderedPdf.objects.filter(key="b" * 64).count() == 2


def test_the_page_stops_following_a_render_after_the_limit(reader, settings):
    _queued_only(settings)
    queued = reader.get(PLAN + "pdf/", headers={"HX-Request": "true"})
    assert queued.status_code == 202 and 'hx-trigger="every 1s"' in queued.content.decode()
    job = RenderedPdf.objects.get()

    settings.JOB_POLL_LIMIT_SECONDS = 0  # as if it had waited too long
    polled = reader.get(f"/vastmanland/dokument/pdf/{job.pk}/", headers={"HX-Request": "true"})
    page = polled.content.decode()
    assert polled.status_code == 200 and "hx-trigger" not in page
    assert "PDF:en är inte klar än" in page and f'href="{PLAN}pdf/">Försök igen' in page
