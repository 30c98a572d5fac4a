"""Load the demo data transcribed from the source documents (safe to run twice).

Each app that has demo data provides `<app>.demo.load(stdout=...)`; they run in
the order below, since budgets link to insatser and reports read both. The budgets
come last: `budgets.demo` lives each association's history in date order (outcome,
year-ends, forecasts, then the board's decisions and the closings of the years at
their dates), so every decided plan and closed annual report is frozen with what was
known at its date. Last, `signing.demo` has the board and the auditors sign the
closed year 2024 of Västmanland, as the seed's evidence pages show. `--with-users` also makes the demo log-ins, and only when DEBUG
is on.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.models import Association, UserRole

# The documents' texts load before the budgets are decided and the years closed (a
# decided plan and a closed year's annual report keep their texts).
APPS_IN_ORDER = ["members", "insatser", "reporting", "budgets", "signing"]
DEMO_PASSWORD = "finsam-demo"
DEMO_SLUGS = ["vastra-malardalen", "vasteras", "vastmanland"]


class Command(BaseCommand):
    help = "Läser in demodata från källdokumenten (och med --with-users demoinloggningarna)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Skapa demoanvändarna kansli, styrelse, revisor och admin.",
        )

    def handle(self, *args, with_users: bool = False, **options):
        if with_users and not settings.DEBUG:
            raise CommandError("Demoanvändare skapas bara när DEBUG är på, aldrig i produktion.")
        with transaction.atomic():
            for app in APPS_IN_ORDER:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.load(stdout=self.stdout)
            if with_users:
                self._make_users()
        self.stdout.write(self.style.SUCCESS("Demodata inläst."))

    def _make_users(self) -> None:
        User = get_user_model()
        associations = list(Association.objects.filter(slug__in=DEMO_SLUGS))
        for username, role in [
            ("kansli", UserRole.KANSLI),
            ("styrelse", UserRole.STYRELSE),
            ("revisor", UserRole.REVISOR),
        ]:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            for association in associations:
                UserRole.objects.update_or_create(
                    user=user, association=association, defaults={"role": role}
                )
        admin, _ = User.objects.get_or_create(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        self.stdout.write(
            "Demoinloggningar (lösenord finsam-demo): kansli, styrelse, revisor, admin"
        )
