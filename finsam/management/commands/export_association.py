"""manage.py export_association <slug> FILE: one association's data as one JSON file."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from finsam.transfer import TransferError, export_association


class Command(BaseCommand):
    help = (
        "Skriver allt ett samordningsförbund har (medlemmar, personer, roller, bidrag, "
        "budgetar, prognoser, utfall, balanser, importer med filer, insatser, mål, texter, "
        "logotyp, beslutade dokument och ändringsloggen) som en JSON-fil. FILE - skriver "
        "till standard ut."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="förbundets kortadress, t.ex. vastmanland")
        parser.add_argument("file", help="filen att skriva (- för standard ut)")

    def handle(self, *args, slug: str, file: str, **options):
        try:
            document = export_association(slug)
        except TransferError as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False)
        if file == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        rows = sum(len(t["rows"]) for t in document["tables"])
        self.stderr.write(
            f"{slug}: {rows} rader i {len(document['tables'])} tabeller, "
            f"{len(document['users'])} användare."
        )
