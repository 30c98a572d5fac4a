from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signing.certificate import make_self_signed


class Command(BaseCommand):
    help = (
        "Skapa ett självsignerat certifikat för försegling (utveckling och test) som "
        "PKCS#12 i SIGNING_CERTIFICATE_PATH. I drift används förbundets eget certifikat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", default=settings.SIGNING_CERTIFICATE_PATH)
        parser.add_argument("--name", default="finsam utvecklingssigill")
        parser.add_argument("--force", action="store_true", help="Skriv över en befintlig fil.")

    def handle(self, *args, path, name, force, **options):
        target = Path(path)
        if target.exists() and not force:
            raise CommandError(f"{target} finns redan; ange --force för att ersätta den.")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = make_self_signed(
            common_name=name, passphrase=settings.SIGNING_CERTIFICATE_PASSPHRASE
        )
        target.write_bytes(data)
        target.chmod(0o600)
        self.stdout.write(f"Självsignerat certifikat skrivet till {target}.")
