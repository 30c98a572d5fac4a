"""What `manage.py benchmark` measures with, and the scaled data the query-count tests
use: an association made N times the demo through the ORM, and page timings as
ratios to the log-in page measured in the same run.

Only ever run against a throwaway database (the command makes one); nothing here
asks before it writes.
"""

from __future__ import annotations

import copy
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgets.models import Actual, BalanceLine, BudgetAmount, BudgetLine, FiscalYear
from insatser.models import (
    EndReason,
    FundingDecision,
    Insats,
    ParticipantBreakdown,
    ParticipantStats,
    Staffing,
)
from members.models import Association

SLUG = "vastmanland"
YEAR = 2024
LOGIN = "/konto/logga-in/"
SIE_SOURCE = settings.BASE_DIR / "fixtures" / "budgets" / "vasteras-2020.se"


def _clone(obj: Model, **changes) -> Model:
    """An unsaved copy of a row with some fields changed."""
    new = copy.copy(obj)
    new.pk = None
    if hasattr(new, "id"):
        new.id = None
    new._state = ModelState()
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def add_participants(association: Association, years: Iterable[int] = (YEAR - 1, YEAR)) -> int:
    """Participant rows on the association's individinsatser, copied from the demo's
    only participant figures (Västerås's SUS tables): the 1× of the benchmark has
    participants to show. Returns the number of breakdown rows made."""
    template = list(
        ParticipantStats.objects.filter(insats__association__slug="vasteras").prefetch_related(
            "end_reasons", "breakdowns"
        )
    )
    if not template:
        return 0
    insatser = Insats.objects.filter(association=association, kind=Insats.INDIVID).exclude(
        participant_stats__year__in=list(years)
    )
    made = 0
    n = 0
    for insats in insatser:
        for year in years:
            source = template[n % len(template)]
            n += 1
            stats = _clone(source, insats=insats, year=year)
            stats.save()
            EndReason.objects.bulk_create(_clone(r, stats=stats) for r in source.end_reasons.all())
            made += len(
                ParticipantBreakdown.objects.bulk_create(
                    _clone(b, stats=stats) for b in source.breakdowns.all()
                )
            )
    return made


def scale(association: Association, factor: int) -> dict[str, int]:
    """Make the association `factor` times its size: copies of its insatser (with
    decisions, staffing and participant rows), of its budget lines (with their budget
    amounts and outcome, linked to the copied insatser) and of its years (fiscal years,
    balances and outcome moved back in time). Returns the rows per kind afterwards."""
    lines = [
        line
        for line in BudgetLine.objects.filter(association=association)
        if not line.from_contributions
    ]
    insatser = list(Insats.objects.filter(association=association))
    decisions = list(FundingDecision.objects.filter(insats__in=insatser))
    staffing = list(Staffing.objects.filter(insats__in=insatser))
    stats = list(
        ParticipantStats.objects.filter(insats__in=insatser).prefetch_related(
            "end_reasons", "breakdowns"
        )
    )
    amounts = list(BudgetAmount.objects.filter(line__in=lines))
    actuals = list(Actual.objects.filter(line__association=association))
    fiscal_years = list(FiscalYear.objects.filter(association=association))
    balances = list(BalanceLine.objects.filter(fiscal_year__in=fiscal_years))
    span = (
        (max(fy.year for fy in fiscal_years) - min(fy.year for fy in fiscal_years) + 1)
        if (fiscal_years)
        else 1
    )
    line_copies: list[BudgetLine] = []
    for k in range(2, factor + 1):
        copies = Insats.objects.bulk_create(
            _clone(i, name=f"{i.name} ({k})", code=f"{i.code[:24]}-{k}") for i in insatser
        )
        insats_map = {old.pk: new for old, new in zip(insatser, copies, strict=True)}
        FundingDecision.objects.bulk_create(
            _clone(d, insats=insats_map[d.insats_id]) for d in decisions
        )
        Staffing.objects.bulk_create(_clone(s, insats=insats_map[s.insats_id]) for s in staffing)
        new_stats = ParticipantStats.objects.bulk_create(
            _clone(s, insats=insats_map[s.insats_id]) for s in stats
        )
        EndReason.objects.bulk_create(
            _clone(r, stats=new)
            for old, new in zip(stats, new_stats, strict=True)
            for r in old.end_reasons.all()
        )
        ParticipantBreakdown.objects.bulk_create(
            _clone(b, stats=new)
            for old, new in zip(stats, new_stats, strict=True)
            for b in old.breakdowns.all()
        )
        new_lines = BudgetLine.objects.bulk_create(
            _clone(
                line,
                name=f"{line.name} ({k})",
                insats=insats_map.get(line.insats_id) if line.insats_id else None,
            )
            for line in lines
        )
        line_copies.extend(new_lines)
        line_map = {old.pk: new for old, new in zip(lines, new_lines, strict=True)}
        BudgetAmount.objects.bulk_create(
            _clone(a, line=line_map[a.line_id]) for a in amounts if a.line_id in line_map
        )
        Actual.objects.bulk_create(
            _clone(a, line=line_map[a.line_id]) for a in actuals if a.line_id in line_map
        )
    # Earlier years: each copy of the years lies `span` years before the one after it,
    # with the outcome of every line (the copies too).
    all_actuals = list(Actual.objects.filter(line__association=association))
    for k in range(1, factor):
        shift = span * k
        new_years = FiscalYear.objects.bulk_create(
            _clone(fy, year=fy.year - shift, closed_on=None) for fy in fiscal_years
        )
        year_map = {old.pk: new for old, new in zip(fiscal_years, new_years, strict=True)}
        BalanceLine.objects.bulk_create(
            _clone(b, fiscal_year=year_map[b.fiscal_year_id]) for b in balances
        )
        Actual.objects.bulk_create(_clone(a, year=a.year - shift) for a in all_actuals)
    return counts(association)


def counts(association: Association) -> dict[str, int]:
    return {
        "budgetposter": BudgetLine.objects.filter(association=association).count(),
        "insatser": Insats.objects.filter(association=association).count(),
        "år med utfall": Actual.objects.filter(line__association=association)
        .values("year")
        .distinct()
        .count(),
        "utfallsrader": Actual.objects.filter(line__association=association).count(),
        "deltagarrader": ParticipantBreakdown.objects.filter(
            stats__insats__association=association
        ).count(),
    }


@dataclass(frozen=True)
class Page:
    label: str
    url: str


def pages(association: Association) -> list[Page]:
    """The pages the benchmark and the query-count tests measure."""
    insats = (
        Insats.objects.filter(association=association, participant_stats__isnull=False)
        .order_by("pk")
        .first()
        or Insats.objects.filter(association=association).order_by("pk").first()
    )
    base = f"/{association.slug}"
    return [
        Page("Budget (rutnätet)", f"{base}/budget/{YEAR}/"),
        Page("Jämförelse", f"{base}/budget/{YEAR}/jamforelse/"),
        Page("Insatsens sida", f"{base}/insatser/{insats.pk}/"),
        Page("Insatser (lista)", f"{base}/insatser/"),
        Page("Årsredovisning (sida)", f"{base}/dokument/arsredovisning/{YEAR}/"),
        Page("Verksamhetsplan (sida)", f"{base}/dokument/verksamhetsplan/{YEAR}/"),
        Page("Bokslut (sida)", f"{base}/bokslut/{YEAR}/"),
    ]


def query_count(client: Client, url: str) -> int:
    """The queries of one request that builds everything: no document page kept."""
    from reporting import document_cache

    document_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{url} svarade {response.status_code}")
    return len(queries.captured_queries)


# The clock pages are timed with: this process's CPU time by default, so that other
# work on a shared machine does not land in the figures (with SQLite the database
# work is in this process too); `use_wall_clock()` for time as a person waits it.
CLOCK: Callable[[], float] = time.process_time


def use_wall_clock() -> None:
    global CLOCK
    CLOCK = time.perf_counter


def _seconds(call: Callable[[], object]) -> float:
    start = CLOCK()
    call()
    return CLOCK() - start


@dataclass(frozen=True)
class Timing:
    label: str
    queries: int
    median_ms: float
    ratio: float  # median time against the log-in page's median in the same rounds


def time_pages(
    client: Client, anonymous: Client, page_list: list[Page], rounds: int, *, cold: bool = False
) -> tuple[float, list[Timing]]:
    """Each page right after the log-in page, `rounds` times; the ratio is the median
    of the pairs' ratios, so a machine that gets busier during the run (other work on
    the same cores) moves both halves of a pair alike. `cold`: the document pages
    kept by reporting/document_cache.py are forgotten before each request (untimed),
    so every document is built and written anew, as after each change."""
    from reporting import document_cache

    login: list[float] = []
    times: dict[str, list[float]] = {p.url: [] for p in page_list}
    ratios: dict[str, list[float]] = {p.url: [] for p in page_list}
    for page in page_list:  # warm up: templates compiled, caches filled
        client.get(page.url, secure=True)
    anonymous.get(LOGIN, secure=True)
    for _ in range(rounds):
        for page in page_list:
            if cold:
                document_cache.clear()
            base = _seconds(lambda: anonymous.get(LOGIN, secure=True))
            spent = _seconds(lambda page=page: client.get(page.url, secure=True))
            login.append(base)
            times[page.url].append(spent)
            ratios[page.url].append(spent / base)
    result = [
        Timing(
            page.label,
            query_count(client, page.url),
            statistics.median(times[page.url]) * 1000,
            statistics.median(ratios[page.url]),
        )
        for page in page_list
    ]
    return statistics.median(login) * 1000, result


def sie_file(path: Path, transactions: int) -> int:
    """A large SIE 4 file from the demo's: its head, then its verifications repeated
    (numbered on) until the file holds about `transactions` #TRANS rows."""
    raw = SIE_SOURCE.read_bytes()
    lines = raw.split(b"\n")
    first = next(i for i, line in enumerate(lines) if line.startswith(b"#VER"))
    head, body = lines[:first], lines[first:]
    blocks: list[list[bytes]] = []
    for line in body:
        if line.startswith(b"#VER"):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    per_round = sum(1 for line in body if line.lstrip().startswith(b"#TRANS"))
    made = 0
    number = 0
    with path.open("wb") as out:
        out.write(b"\n".join(head) + b"\n")
        while made < transactions:
            for block in blocks:
                number += 1
                parts = block[0].split(b" ", 3)
                parts[2] = str(number).encode()
                out.write(b" ".join(parts) + b"\n")
                out.write(b"\n".join(line for line in block[1:] if line.strip()) + b"\n")
            made += per_round
    return made


def pysie_file(source: Path, path: Path) -> None:
    """The same file as pysie-accounting reads it: ASCII (it opens files as UTF-8,
    the demo's are CP437) and with the series and number of each #VER quoted and a
    registration date, the one shape its expressions match. Our parser reads both."""
    text = source.read_bytes().decode("cp437")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    shaped = re.sub(
        r'^#VER (\S+) (\S+) (\d{8}) (".*?")\s*$',
        r'#VER "\1" "\2" \3 \4 \3',
        ascii_text,
        flags=re.MULTILINE,
    )
    path.write_text(shaped, encoding="ascii")
