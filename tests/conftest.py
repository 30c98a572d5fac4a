"""Personas and a small association, shared by every test.

alice is kansli, bob styrelse, rita revisor in Testförbundet; charlie is kansli in
another association and must see nothing of Testförbundet.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from members.models import Association, Member, UserRole


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run inside the request in tests (django-tasks' immediate
    backend); tests/reporting/test_pdf_jobs.py runs the database worker itself."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture(scope="session", autouse=True)
def _signing_certificate_outside_the_checkout(tmp_path_factory):
    """The demo seals Västmanland 2024 with the installation's certificate, made when
    missing: in tests it is made once per process in a temporary folder, never in the
    checkout's var/."""
    from django.conf import settings

    settings.SIGNING_CERTIFICATE_PATH = str(
        tmp_path_factory.mktemp("signing") / "signing-certificate.p12"
    )


@pytest.fixture
def association(db) -> Association:
    association = Association.objects.create(
        name="Samordningsförbundet Testbygden",
        slug="testbygden",
        orgnr="222000-1974",
        founded=datetime.date(2010, 1, 1),
    )
    for order, (kind, name) in enumerate(
        [
            (Member.FK, "Försäkringskassan"),
            (Member.AF, "Arbetsförmedlingen"),
            (Member.REGION, "Region Testland"),
            (Member.KOMMUN, "Köpings kommun"),
            (Member.KOMMUN, "Arboga kommun"),
            (Member.KOMMUN, "Kungsörs kommun"),
        ]
    ):
        Member.objects.create(association=association, kind=kind, name=name, sort_order=order)
    return association


@pytest.fixture
def other_association(db) -> Association:
    association = Association.objects.create(
        name="Samordningsförbundet Grannbygden", slug="grannbygden", orgnr="222000-2824"
    )
    Member.objects.create(association=association, kind=Member.KOMMUN, name="Grannkommun")
    return association


def _user(username: str):
    return get_user_model().objects.create_user(username=username, password="test-lösenord-1")


@pytest.fixture
def kansli_user(association):
    user = _user("alice")
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    return user


@pytest.fixture
def styrelse_user(association):
    user = _user("bob")
    UserRole.objects.create(user=user, association=association, role=UserRole.STYRELSE)
    return user


@pytest.fixture
def revisor_user(association):
    user = _user("rita")
    UserRole.objects.create(user=user, association=association, role=UserRole.REVISOR)
    return user


@pytest.fixture
def outsider(other_association):
    user = _user("charlie")
    UserRole.objects.create(user=user, association=other_association, role=UserRole.KANSLI)
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="admin", password="test-lösenord-1")


@pytest.fixture
def kansli_client(client, kansli_user):
    client.force_login(kansli_user)
    return client


@pytest.fixture(autouse=True)
def _no_kept_documents():
    """Each test starts with no document pages kept (reporting/document_cache.py):
    a rolled-back test leaves ids that the next may use again."""
    from reporting import document_cache

    document_cache.clear()
    yield
    document_cache.clear()
