"""Västmanland 2024 signed as the seed's evidence pages show: the thirteen board members
on 2025-03-27 between 08:05 and 15:33 UTC, then the auditors Kvist and Hoffmann. Runs
only once the year is closed (the budgets demo closes it); safe to run twice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from members.models import Appointment, Association, UserRole
from signing import selectors, services
from signing.certificate import make_self_signed
from signing.models import SigningRound

SLUG = "vastmanland"
YEAR = 2024
# (name in the organisation table, the address's first two parts, UTC time) in signing order.
SIGNED = [
    ("Shpetim Pirraku", "81.16", "08:05:21"),
    ("Åsa Brodd", "194.71", "08:14:09"),
    ("Inge Larsson", "81.229", "08:20:20"),
    ("Roger Ingvarsson", "95.193", "08:24:45"),
    ("Marianne Ångström", "83.68", "08:41:53"),
    ("Jenny Hödefors", "83.252", "10:12:43"),
    ("Lena Eldståhl", "83.191", "10:41:04"),
    ("Rahaf Ramdo", "83.185", "12:05:58"),
    ("Maria Kesselring", "185.27", "12:14:03"),
    ("Ingela Kilholm Lindström", "185.27", "12:26:25"),
    ("Linda Söder Jonsson", "90.129", "14:16:34"),
    ("Mikael Söderlund", "185.27", "14:36:57"),
    ("Anela Sakambet", "185.27", "15:33:46"),
    ("Cecilia Kvist", "90.129", "16:25:12"),
    ("Helmut Hoffmann", "90.227", "16:32:21"),
]
DAY = datetime.date(2025, 3, 27)


def _at(clock: str) -> datetime.datetime:
    time = datetime.time.fromisoformat(clock)
    return datetime.datetime.combine(DAY, time, tzinfo=datetime.UTC)


def _ensure_certificate(stdout) -> None:
    """A development certificate when the installation has none (never replaces one)."""
    from pathlib import Path

    path = Path(settings.SIGNING_CERTIFICATE_PATH)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        make_self_signed(
            common_name="finsam demosigill", passphrase=settings.SIGNING_CERTIFICATE_PASSPHRASE
        )
    )
    stdout.write(f"  Självsignerat demosigill skapat: {path}")


def _signatory_user(association: Association, appointment: Appointment):
    """The person's own user (no password: the demo signs for them), with their role."""
    person = appointment.person
    first, _, last = person.name.partition(" ")
    user, created = get_user_model().objects.get_or_create(
        username=f"{SLUG}-{slugify(person.name)}"[:150],
        defaults={"first_name": first, "last_name": last, "email": person.email},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    role = UserRole.REVISOR if appointment.role in Appointment.AUDIT_ROLES else UserRole.STYRELSE
    UserRole.objects.get_or_create(user=user, association=association, defaults={"role": role})
    return user


def load(*, stdout) -> None:
    association = Association.objects.filter(slug=SLUG).first()
    if association is None:
        return
    report = selectors.closed_report(association=association, year=YEAR)
    if report is None:
        return  # the year is not closed: nothing to sign yet
    if SigningRound.objects.filter(document=report).exclude(status=SigningRound.VOID).exists():
        return
    _ensure_certificate(stdout)
    appointments = {
        a.person.name: a
        for a in Appointment.objects.filter(
            association=association, role__in=list(services.TITLE_ORDER)
        ).select_related("person")
    }
    signers = [(appointments[name], ip, _at(clock)) for name, ip, clock in SIGNED]
    users = {a.pk: _signatory_user(association, a) for a, _ip, _at_ in signers}
    signing_round = services.round_start(
        document=report,
        nominations=[services.Nomination(appointment=a, user=users[a.pk]) for a, *_ in signers],
        by=None,
        started_at=_at("07:30:00"),
    )
    by_user = {s.user_id: s for s in signing_round.signatories.all()}
    for appointment, ip, at in signers:
        user = users[appointment.pk]
        services.signature_add(
            signatory=by_user[user.pk],
            by=user,
            authentication=services.FreshAuthentication(
                user_id=user.pk, method=services.PASSWORD, at=at
            ),
            ip=f"{ip}.0.1",
            at=at,
        )
    stdout.write(f"  {association.name}: årsredovisning {YEAR} underskriven och förseglad")
