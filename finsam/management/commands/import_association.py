"""manage.py import_association FILE: restore an exported association, all or nothing."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from finsam.transfer import TransferError, import_association


class Command(BaseCommand):
    help = (
        "Läser in ett samordningsförbund från en fil skriven av export_association, i en "
        "databas som inte redan har förbundet. Allt eller inget."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="filen från export_association")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Filen kunde inte öppnas: {exc.strerror}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Filen är ingen JSON-fil: {exc}.") from None
        try:
            association = import_association(document)
        except TransferError as exc:
            raise CommandError(str(exc)) from None
        except (KeyError, TypeError, ValueError, ValidationError, DatabaseError) as exc:
            raise CommandError(
                f"Filen kunde inte läsas in, ingenting är sparat: {exc!r}."
            ) from None
        self.stdout.write(f"{association.name} ({association.slug}) är inläst.")
