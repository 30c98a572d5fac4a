"""`manage.py import_sie <slug> <file> [--dry-run] [--confirm]`: the browser's ledger
import from the command line. Prints the mapping it used, the statements as they will
be and the findings. Exit status 0 when imported or when the file changed nothing,
1 when it was refused (a file with findings is refused without --confirm)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgets import ledger
from finsam.money import format_kronor
from members.models import Association


def print_plan(write, plan: ledger.ImportPlan) -> None:
    write(f"Fil: {plan.file_name} (SHA-256 {plan.sha256})")
    write(
        f"Räkenskapsår: {plan.year}; {plan.verification_count} verifikationer, "
        f"{plan.transaction_count} transaktioner; teckenkodning {plan.encoding}; "
        f"kontoplan {plan.chart}"
    )
    write("Mappning (konto → post, enligt regel 1–4, varifrån):")
    for row in plan.mapping:
        write_row(write, row)
    changed = [c for c in plan.lines if c.changed]
    if changed:
        write("Utfall per budgetpost (lagrat → fil):")
        for c in changed:
            write(f"  {c.label}: {format_kronor(c.stored)} → {format_kronor(c.new)}")
    for c in plan.insatser:
        if c.changed:
            write(f"  Insats {c.label}: {format_kronor(c.stored)} → {format_kronor(c.new)}")
    items = [c for c in plan.items if c.changed]
    if items:
        write("Balansposter (lagrat → fil):")
        for c in items:
            write(f"  {c.label}: {format_kronor(c.stored)} → {format_kronor(c.new)}")
    if plan.equity and plan.equity.changed:
        write(
            f"Ingående eget kapital: {format_kronor(plan.equity.stored)} → "
            f"{format_kronor(plan.equity.new)}"
        )
    if plan.preview:
        p = plan.preview
        write(
            f"Efter inläsningen: årets resultat {format_kronor(p.result)}; "
            f"balansomslutning {format_kronor(p.assets)} "
            f"(eget kapital, avsättningar och skulder {format_kronor(p.other_side)})"
        )
    for note in plan.notes:
        write(f"Not: {note}")
    for warning in plan.warnings:
        write(f"Varning: {warning}")
    for finding in plan.findings:
        write(f"Iakttagelse: {finding}")
    for u in plan.unmapped:
        write(f"Saknar mappning: konto {u.account} {u.name} ({format_kronor(u.amount)})")


def write_row(write, row: ledger.AccountRow) -> None:
    """One account (or projekt object) with where it goes and the rule that chose."""
    target = row.target or (f"SAKNAR RAD ({row.missing})" if row.missing else "SAKNAR MAPPNING")
    source = f", {row.source}" if row.source else ""
    project = f" projekt {row.project}" if row.project else ""
    if row.project_name:
        project += f" {row.project_name}"
    write(
        f"  {row.account} {row.name}{project}: {format_kronor(row.amount)} → {target} "
        f"({row.how}{source})"
    )
    for name, amount in row.parts:
        write(f"      {name}: {format_kronor(amount, 2)}")


def print_mismatches(write, exc: ledger.ImportRefused) -> None:
    if exc.mismatches:
        write("Konton där filens egna summor inte stämmer (filen anger / beräknat):")
        for m in exc.mismatches:
            write(
                f"  {m.account} {m.name}: {m.tag} {format_kronor(m.stated)} / "
                f"{m.source} {format_kronor(m.computed)}"
            )


class Command(BaseCommand):
    help = "Läser in en SIE 4-fil (utfall och balanser) för ett förbund."

    def add_arguments(self, parser):
        parser.add_argument("association", help="förbundets kortnamn (slug)")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="visa vad som skulle ändras, spara inget"
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="läs in trots iakttagelser i förhandsgranskningen (t.ex. en balansräkning "
            "som inte balanserar)",
        )

    def handle(self, *args, **options):
        association = Association.objects.filter(slug=options["association"]).first()
        if association is None:
            raise CommandError(f"Inget förbund heter {options['association']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        write = self.stdout.write
        try:
            with path.open("rb") as stream:
                plan = ledger.plan_import(
                    association=association, stream=stream, file_name=path.name
                )
                print_plan(write, plan)
                if options["dry_run"]:
                    if plan.unmapped:
                        raise CommandError(
                            "Filen kan inte läsas in förrän alla konton har mappning."
                        )
                    write(
                        "Inget sparat (--dry-run)."
                        if not plan.unchanged
                        else "Filen ändrar inget."
                    )
                    return
                if plan.needs_confirmation and not plan.unchanged and not options["confirm"]:
                    raise CommandError(
                        "Filen läses inte in: förhandsgranskningen har iakttagelser. Granska "
                        "dem och kör igen med --confirm för att läsa in ändå."
                    )
                stream.seek(0)
                plan, record = ledger.apply_import(
                    association=association,
                    stream=stream,
                    file_name=path.name,
                    confirm=options["confirm"],
                )
        except ledger.ImportRefused as exc:
            print_mismatches(write, exc)
            raise CommandError(f"Filen läses inte in: {exc.message}") from exc
        if record is None:
            write("Filen ändrar inget; den är redan inläst.")
        else:
            write(self.style.SUCCESS(f"Inläst: {path.name} för {plan.year}."))
