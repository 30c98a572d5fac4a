"""A small association with a closed year, its board and auditors as users, and the
installation's self-signed certificate (made once per test run)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from budgets import services as budget_services
from members.models import Appointment, Person, UserRole
from signing.certificate import make_self_signed
from tests.decisions import close

PASSWORD = "test-lösenord-1"
# (user name, full name, appointment, role in the association)
SIGNATORIES = [
    ("ledamot1", "Bertil Ek", Appointment.LEDAMOT, UserRole.STYRELSE),
    ("ordf", "Anna Ordförande", Appointment.ORDFORANDE, UserRole.STYRELSE),
    ("revisor1", "Cecilia Kvist", Appointment.REVISOR, UserRole.REVISOR),
]


@pytest.fixture(scope="session")
def certificate_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sigill") / "sigill.p12"
    path.write_bytes(make_self_signed(common_name="finsam testsigill", passphrase="hemligt"))
    return path


@pytest.fixture(autouse=True)
def _installation_certificate(settings, certificate_file):
    settings.SIGNING_CERTIFICATE_PATH = str(certificate_file)
    settings.SIGNING_CERTIFICATE_PASSPHRASE = "hemligt"
    settings.SIGNING_TIMESTAMP_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def closed_year(association, year: int = 2024, closed_on=datetime.date(2025, 3, 20)):
    fiscal_year = budget_services.fiscal_year_ensure(association=association, year=year)
    return close(fiscal_year, closed_on)


def board_and_auditors(association) -> dict[str, object]:
    """The organisation table's board and auditor, each a user with a role."""
    users = {}
    for username, name, appointment_role, role in SIGNATORIES:
        first, last = name.split(" ", 1)
        user = get_user_model().objects.create_user(
            username=username,
            password=PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.se",
        )
        UserRole.objects.create(user=user, association=association, role=role)
        person = Person.objects.create(
            association=association, name=name, email=f"{username}@example.se"
        )
        Appointment.objects.create(
            association=association,
            person=person,
            role=appointment_role,
            start=datetime.date(2023, 1, 1),
        )
        users[username] = user
    return users


@pytest.fixture
def closed(association):
    return closed_year(association)


@pytest.fixture
def signatories(association):
    return board_and_auditors(association)
