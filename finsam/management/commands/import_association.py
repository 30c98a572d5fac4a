"""manage.py import_association FILE [--map-users MAP]: restore an exported
association, all or nothing, trusting nothing in the file (finsam/transfer.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from finsam import transfer


class Command(BaseCommand):
    help = (
        "Läser in ett samordningsförbund från en fil skriven av export_association, i en "
        "databas som inte redan har förbundet. Allt eller inget. Roller följer bara med "
        "genom --map-users."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="filen från export_association")
        parser.add_argument(
            "--map-users",
            metavar="MAP",
            help='JSON-fil från filens användarnamn till den här installationens, t.ex. {"anna.k": "anna"}',
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            default=transfer.MAX_BYTES // (1024 * 1024),
            help="största fil som läses in, i MB (standard %(default)s)",
        )

    def handle(self, *args, file: str, map_users: str | None, max_mb: int, **options):
        try:
            user_map = transfer.read_user_map(map_users) if map_users else None
            document = transfer.read_document(file, max_bytes=max_mb * 1024 * 1024)
            imported = transfer.import_association(document, user_map=user_map)
        except transfer.TransferError as exc:
            raise CommandError(str(exc)) from None
        except (KeyError, TypeError, ValueError, ValidationError, DatabaseError) as exc:
            raise CommandError(
                f"Filen kunde inte läsas in, ingenting är sparat: {exc!r}."
            ) from None
        association = imported.association
        self.stdout.write(f"{association.name} ({association.slug}) är inläst.")
        self.stdout.write(_roles_summary(imported))


def _roles_summary(imported: transfer.Imported) -> str:
    if not imported.mapped:
        return (
            f"Roller: inga lästes in ({imported.roles_left_out} i filen lämnades bort), "
            "eftersom ingen --map-users angavs; ingen användare kopplas efter användarnamn. "
            "Ge behörigheter i admin."
        )
    return (
        f"Roller: {imported.roles} kopplade enligt --map-users; {imported.roles_left_out} "
        "utan koppling lämnades bort."
    )
