"""How long each document takes to build and render, and how many queries it makes.

Usage: `.venv/bin/python scripts/benchmark_documents.py` (uses DATABASE_URL, or the
project's SQLite database; run `manage.py load_demo` first). Prints a table; the
README records a run.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from members.models import Association  # noqa: E402
from reporting import documents, render  # noqa: E402

CASES = [
    ("vastmanland", "Årsredovisning 2024", lambda a: documents.annual_report(a, 2024)),
    ("vastmanland", "Verksamhetsplan 2024", lambda a: documents.plan(a, 2024)),
    ("vasteras", "Årsredovisning 2020", lambda a: documents.annual_report(a, 2020)),
    ("vasteras", "Verksamhetsplan 2022", lambda a: documents.plan(a, 2022)),
    ("vastra-malardalen", "Verksamhetsplan 2023", lambda a: documents.plan(a, 2023)),
]


def main() -> None:
    print(
        f"{'Förbund':<20}{'Dokument':<24}{'Frågor':>8}{'Bygga (s)':>11}{'PDF (s)':>9}{'PDF/A (s)':>11}{'Sidor':>7}"
    )
    for slug, label, build in CASES:
        association = Association.objects.get(slug=slug)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            doc = build(association)
            built = time.perf_counter() - start
        start = time.perf_counter()
        pdf = render.pdf_bytes(doc)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        render.pdf_bytes(doc, "pdf/a-2b")
        archive = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{slug:<20}{label:<24}{len(queries.captured_queries):>8}{built:>11.2f}"
            f"{plain:>9.2f}{archive:>11.2f}{pages:>7}"
        )


if __name__ == "__main__":
    main()
