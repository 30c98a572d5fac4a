"""How fast the SIE parser and the ledger import are on a large file.

Usage: `.venv/bin/python scripts/benchmark_sie.py [--transactions N]` (default
200 000). Writes a generated SIE 4 file (a Kommun-Bas ledger with projekt objects,
transaction texts and dates, in PC8) to a temporary folder and prints a table:

- a plain line split of the file (read, decode and `str.split` every line), the
  baseline;
- the parser on the same file, and its ratio to the baseline (target: within 5×);
- the parser's peak memory (tracemalloc), against the file's size (flat: a few MB
  whatever the size);
- the preview (`plan_import`) and the import (`apply_import`) into a fresh SQLite
  database, with their query counts.

Times are the median of three runs. The README records a run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGNR = "222000-1974"
RUNS = 3


def generate(path: Path, transactions: int) -> tuple[int, int]:
    """A balanced year of verifications; returns (verifications, transactions)."""
    rnd = random.Random(2024)
    cash = 0
    results: dict[str, int] = {}
    verifications = 0
    written = 0
    with path.open("w", encoding="cp437", newline="\r\n") as out:
        out.write(
            '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM "benchmark_sie" 1.0\n'
            '#FNAMN "Samordningsförbundet Testbygden"\n'
            f"#ORGNR {ORGNR}\n#RAR 0 20240101 20241231\n#KPTYP KOMMUNBAS\n"
            '#DIM 6 "Projekt"\n#OBJEKT 6 "TEAM" "Samordningsteamet"\n'
            '#KONTO 1930 "Bank"\n#KONTO 2011 "Eget kapital"\n#KONTO 3011 "Driftbidrag från staten"\n'
            '#KONTO 4611 "Köp av verksamhet"\n#KONTO 5011 "Löner"\n#KONTO 6420 "Kansli"\n'
            "#IB 0 1930 1000000.00\n#IB 0 2011 -1000000.00\n"
        )
        while written < transactions:
            verifications += 1
            month = rnd.randint(1, 12)
            day = f"2024{month:02d}{rnd.randint(1, 28):02d}"
            if verifications % 10 == 1:
                amount = rnd.randint(10_000, 900_000)
                out.write(
                    f'#VER A {verifications} {day} "Bidrag {verifications}"\n{{\n'
                    f"   #TRANS 1930 {{}} {amount}.00\n"
                    f'   #TRANS 3011 {{}} -{amount}.00 {day} "Driftbidrag"\n}}\n'
                )
                cash += amount
                results["3011"] = results.get("3011", 0) - amount * 100
                written += 2
                continue
            a, b, c = (rnd.randint(100, 99_999) for _ in range(3))
            out.write(
                f'#VER B {verifications} {day} "Faktura {verifications}"\n{{\n'
                f'   #TRANS 4611 {{6 "TEAM"}} {a}.50 {day} "Samordningsteamet"\n'
                f"   #TRANS 5011 {{}} {b}.25\n"
                f'   #TRANS 6420 {{1 "100"}} {c}.25 {day} "Kansli"\n'
                f"   #TRANS 1930 {{}} -{a + b + c + 1}.00\n}}\n"
            )
            cash -= a + b + c + 1
            for account, amount in (("4611", a * 100 + 50), ("5011", b * 100 + 25)):
                results[account] = results.get(account, 0) + amount
            results["6420"] = results.get("6420", 0) + c * 100 + 25
            written += 4
        for account, ore in sorted(results.items()):
            out.write(f"#RES 0 {account} {Decimal(ore).scaleb(-2):.2f}\n")
        out.write(f"#UB 0 1930 {1_000_000 + cash}.00\n#UB 0 2011 -1000000.00\n")
    return verifications, written


def median_time(run) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_split(path: Path) -> None:
    with path.open("rb") as stream:
        for line in stream:
            line.decode("cp437").split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=200_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="benchmark_sie_"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'benchmark.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budgets import ledger, services
    from budgets.models import BudgetLine
    from budgets.sie import parse
    from members.models import Association

    path = folder / "stor.se"
    verifications, transactions = generate(path, args.transactions)
    size = path.stat().st_size
    with path.open("rb") as stream:
        lines = sum(1 for _ in stream)

    split = median_time(lambda: plain_split(path))

    def run_parse() -> None:
        with path.open("rb") as stream:
            parse(stream, lambda ver: None)

    parsed = median_time(run_parse)
    tracemalloc.start()
    run_parse()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    call_command("migrate", verbosity=0)
    association = Association.objects.create(
        name="Samordningsförbundet Testbygden", slug="testbygden", orgnr=ORGNR
    )
    for group, name in [
        (BudgetLine.CONTRIBUTION, "Staten (AF+FK)"),
        (BudgetLine.ADMINISTRATION, "Kansli"),
        (BudgetLine.INSATS, "Samordningsteamet"),
    ]:
        services.budget_line_save(
            association=association,
            data={"group": group, "name": name, "state": name.startswith("Staten")},
        )
    with path.open("rb") as stream, CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        plan = ledger.plan_import(association=association, stream=stream, file_name=path.name)
        preview = time.perf_counter() - start
    preview_queries = len(queries.captured_queries)
    with path.open("rb") as stream, CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        _, record = ledger.apply_import(
            association=association, stream=stream, file_name=path.name, confirm=True
        )
        imported = time.perf_counter() - start
    assert record is not None and not plan.unmapped

    def n(value: int) -> str:
        return f"{value:,}".replace(",", " ")

    print(
        f"SIE-fil: {n(transactions)} transaktioner, {n(verifications)} verifikationer, "
        f"{n(lines)} rader, {size / 1e6:.1f} MB"
    )
    print(f"{'Steg':<40}{'Tid (s)':>9}{'Kvot':>7}{'Frågor':>8}")
    print(f"{'Radvis split (read, decode, split)':<40}{split:>9.2f}{1:>7.1f}{'':>8}")
    print(f"{'Tolkning (budgets.sie.parse)':<40}{parsed:>9.2f}{parsed / split:>7.1f}{'':>8}")
    print(f"{'Förhandsgranskning (plan_import)':<40}{preview:>9.2f}{'':>7}{preview_queries:>8}")
    print(
        f"{'Inläsning (apply_import)':<40}{imported:>9.2f}{'':>7}"
        f"{len(queries.captured_queries):>8}"
    )
    print(f"Tolkningens största minnesanvändning: {peak / 1e6:.1f} MB (filen {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
