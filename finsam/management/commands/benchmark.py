"""Measure the pages, the annual report's PDF and the SIE parser at N times the demo.

Runs in a database of its own, made and dropped by the command (a temporary SQLite
file, or `<name>_benchmark` on the configured PostgreSQL server): the demo data is
loaded there and made larger through the ORM; the configured database is never
touched. Prints a table: queries per page at 1× and N×, each page's time as a ratio to
the log-in page in the same run (median of the rounds), the PDF against WeasyPrint
alone on the same HTML, and the SIE parse against a plain line split of the same file.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from finsam import benchmark as bench
from members.models import Association, UserRole
from reporting import document_cache


class Command(BaseCommand):
    help = "Mäter sidor, PDF och SIE-läsning vid N gånger demodatan (i en egen databas)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10, help="N gånger demon (10).")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="Färre varv och en mindre SIE-fil: klart på under två minuter.",
        )
        parser.add_argument(
            "--associations",
            type=int,
            default=1,
            help="Så många förbund (ungefär: demons tre åt gången) i samma databas.",
        )
        parser.add_argument("--rounds", type=int, default=None, help="Varv per sida (minst 5).")
        parser.add_argument(
            "--wall",
            action="store_true",
            help="Väggklocka i stället för processens CPU-tid (påverkas av annat på maskinen).",
        )

    def handle(
        self, *args, scale: int, quick: bool, associations: int, rounds, wall: bool, **options
    ):
        if scale < 1 or associations < 1:
            raise CommandError("--scale och --associations måste vara minst 1.")
        if wall:
            bench.use_wall_clock()
        rounds = max(5, rounds or (5 if quick else 9))
        old_name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory() as folder:
            test = connection.settings_dict.setdefault("TEST", {})
            if connection.vendor == "sqlite":
                test["NAME"] = str(Path(folder) / "benchmark.sqlite3")
                where = f"en tillfällig SQLite-fil ({test['NAME']})"
            else:
                test["NAME"] = f"{old_name}_benchmark"
                where = (
                    f"databasen {test['NAME']} på den konfigurerade servern "
                    "(skapas och tas bort av kommandot)"
                )
            self.stdout.write(
                self.style.WARNING(
                    f"Benchmark i {where}; {old_name} rörs inte. Tar den gamla bort om den finns."
                )
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                self._run(scale=scale, quick=quick, associations=associations, rounds=rounds)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, *, scale: int, quick: bool, associations: int, rounds: int) -> None:
        started = time.perf_counter()
        out = self.stdout.write
        for n in range(2, (associations + 2) // 3 + 1):  # earlier copies of the demo
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            for other in Association.objects.filter(
                slug__in=["vastmanland", "vasteras", "vastra-malardalen"]
            ):
                other.slug = f"{other.slug}-{n}"
                other.name = f"{other.name} ({n})"
                other.save(update_fields=["slug", "name"])
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        for copy in Association.objects.filter(slug__startswith=f"{bench.SLUG}-"):
            bench.add_participants(copy)
            if scale > 1:
                bench.scale(copy, scale)
        association = Association.objects.get(slug=bench.SLUG)
        bench.add_participants(association)
        user = get_user_model().objects.create_user(username="benchmark", password="x-bench-1")
        UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
        client, anonymous = Client(), Client()
        client.force_login(user)
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

        page_list = bench.pages(association)
        sizes = {1: bench.counts(association)}
        login_1, at_1 = bench.time_pages(client, anonymous, page_list, rounds)
        _, cold_1 = bench.time_pages(client, anonymous, page_list, rounds, cold=True)
        if scale > 1:
            sizes[scale] = bench.scale(association, scale)
        # The copies are written through the ORM, past the change log that tells a kept
        # document page that its data changed: forget the kept pages.
        document_cache.clear()
        login_n, at_n = bench.time_pages(client, anonymous, page_list, rounds)
        _, cold_n = bench.time_pages(client, anonymous, page_list, rounds, cold=True)

        out(
            f"\nFörbund i databasen: {Association.objects.count()}; varv per sida: {rounds}; "
            f"klocka: {'vägg' if bench.CLOCK is time.perf_counter else 'processens CPU-tid'}; "
            f"log-in-sidan {login_1:.1f} ms (1×), {login_n:.1f} ms ({scale}×)"
        )
        out(
            "Data: "
            + "; ".join(f"{k} {sizes[1][k]} → {sizes.get(scale, sizes[1])[k]}" for k in sizes[1])
        )
        out("")
        out(
            f"| sida | frågor 1× | frågor {scale}× | tid mot log-in 1× | tid mot log-in {scale}× "
            f"| ms {scale}× | nybyggd 1× | nybyggd {scale}× | ms nybyggd {scale}× |"
        )
        out("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for one, many, cold_one, cold_many in zip(at_1, at_n, cold_1, cold_n, strict=True):
            out(
                f"| {one.label} | {one.queries} | {many.queries} | {one.ratio:.1f}× | "
                f"{many.ratio:.1f}× | {many.median_ms:.0f} | {cold_one.ratio:.1f}× | "
                f"{cold_many.ratio:.1f}× | {cold_many.median_ms:.0f} |"
            )
        out(
            "(Nybyggd: dokumentsidorna byggs och skrivs på nytt vid varje anrop, som efter "
            "varje ändring; de andra sidorna behåller inget.)"
        )
        self._pdf(association, 1 if quick else 3)
        self._sie(20_000 if quick else 200_000, 1 if quick else 3)
        out(f"\nKlart på {time.perf_counter() - started:.0f} s.")

    def _pdf(self, association: Association, repeat: int) -> None:
        """The annual report's PDF: its data, its print HTML and WeasyPrint on that
        HTML, each timed; the ratio is the whole against WeasyPrint alone."""
        from django.conf import settings
        from weasyprint import CSS, HTML

        from reporting import documents, render

        build, markup, weasy = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            doc = documents.annual_report(association, bench.YEAR)
            build.append(time.perf_counter() - start)
            start = time.perf_counter()
            html = render.print_html(doc)
            markup.append(time.perf_counter() - start)
            start = time.perf_counter()
            HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
                stylesheets=[CSS(filename=str(render.PRINT_CSS))]
            )
            weasy.append(time.perf_counter() - start)
        b, m, w = (statistics.median(x) for x in (build, markup, weasy))
        self.stdout.write(
            f"\nÅrsredovisningens PDF: data {b:.2f} s + HTML {m:.2f} s + WeasyPrint {w:.2f} s; "
            f"hela mot WeasyPrint ensam på samma HTML: {(b + m + w) / w:.2f}"
        )

    def _sie(self, transactions: int, repeat: int) -> None:
        from budgets import sie

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "stor.se"
            made = bench.sie_file(path, transactions)
            parsed, split = [], []
            for _ in range(repeat):
                start = time.perf_counter()
                with path.open("rb") as stream:
                    sie.parse(stream, lambda verification: None)
                parsed.append(time.perf_counter() - start)
                start = time.perf_counter()
                with path.open("rb") as stream:
                    for line in stream:
                        line.decode("cp437").split()
                split.append(time.perf_counter() - start)
            p, s = statistics.median(parsed), statistics.median(split)
            self.stdout.write(
                f"SIE-läsning av {made} transaktioner ({path.name}): {p:.2f} s; "
                f"radvis split av samma fil: {s:.2f} s; kvot {p / s:.1f}"
            )
            self._pysie(path, Path(folder) / "pysie.se", repeat)

    def _pysie(self, source: Path, path: Path, repeat: int) -> None:
        """Our parser against pysie-accounting (PyPI) on a file both read, when it is
        installed (`pip install pysie-accounting pandas`; not a dependency)."""
        from budgets import sie

        try:
            import pandas
            from pysie_accounting.pysie import PySIE
        except ImportError:
            self.stdout.write(
                "pysie-accounting är inte installerat (pip install pysie-accounting pandas): "
                "ingen jämförelse."
            )
            return
        bench.pysie_file(source, path)
        ours, theirs, verifications = [], [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            with path.open("rb") as stream:
                sie.parse(stream, lambda verification: None)
            ours.append(time.perf_counter() - start)
            reader = PySIE()
            # Its tax-form translation table, which `open` merges with; none is needed here.
            reader.dftrans = pandas.DataFrame({"SRU": [], "Ink2": []}).astype(
                {"SRU": int, "Ink2": str}
            )
            start = time.perf_counter()
            reader.open(str(path))
            theirs.append(time.perf_counter() - start)
            verifications = len(reader.verifikat)
        o, t = statistics.median(ours), statistics.median(theirs)
        self.stdout.write(
            f"Samma fil i pysie-accountings form ({verifications} verifikationer lästa av den): "
            f"budgets.sie {o:.2f} s, pysie-accounting {t:.2f} s; vår tid {o / t:.2f} av dess"
        )
