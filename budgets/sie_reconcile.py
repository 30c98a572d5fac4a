"""The import's first two stages: read the file, then reconcile it with itself.

`read_file` parses the SIE file once (streaming) and keeps only what the later stages
need: the result accounts' movements per account, projekt object and month, the
balance accounts' movements, and the earliest and latest verification.
`check_year` and `check_orgnr` tie the file to a calendar year and the association.
`reconcile` takes per account the best source (`#PSALDO` where the file has it for the
account without objects, else the verifications) and checks it against the file's
own `#RES` and `#UB` (= `#IB` + the verifications' movements); a disagreement
refuses the file with the accounts listed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from budgets.sie import SieError, SieFile, Verification, is_balance_account, parse
from finsam.money import format_kronor
from finsam.services import ServiceError
from finsam.validators import normalize_orgnr

ZERO = Decimal(0)
PROJECT_DIMENSION = "6"
Key = tuple[str, str | None, int]  # account, projekt object, month


class ImportRefused(ServiceError):
    """The file cannot be imported; the message names the line and the reason.
    `mismatches` lists the accounts whose figures disagree with the file's own
    `#RES`/`#UB`, for the preview."""

    def __init__(self, message: str, *, mismatches: list[Mismatch] | None = None):
        super().__init__(message)
        self.mismatches = mismatches or []


@dataclass
class Mismatch:
    account: str
    name: str
    tag: str  # "#RES" or "#UB"
    stated: Decimal  # what the file states
    computed: Decimal  # what its monthly figures or verifications add up to
    source: str  # where `computed` comes from, in Swedish


@dataclass
class LedgerRead:
    """What the read stage keeps of a file."""

    file_name: str
    sha256: str
    sie: SieFile
    result_moves: dict[Key, Decimal]
    balance_moves: dict[str, Decimal]
    earliest: Verification | None = None
    latest: Verification | None = None


@dataclass
class Reconciled:
    """Per account, projekt object and month the figures the import will use, each
    result account's year total, the balance accounts' closing balances and which
    accounts' figures came from #PSALDO."""

    movements: dict[Key, Decimal]
    per_account: dict[str, Decimal]
    closing: dict[str, Decimal]
    from_psaldo: set[str] = field(default_factory=set)

    def source(self, account: str) -> str:
        return "#PSALDO" if account in self.from_psaldo else "verifikationerna"


def project_of(objects: tuple[tuple[str, str], ...]) -> str | None:
    for dim, code in objects:
        if dim == PROJECT_DIMENSION:
            return code
    return None


def _hash_and_rewind(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def read_file(stream: IO[bytes], file_name: str) -> LedgerRead:
    """Parse the file, summing the verifications as they close (memory stays flat)."""
    read = LedgerRead(
        file_name,
        _hash_and_rewind(stream),
        SieFile(),
        defaultdict(lambda: ZERO),
        defaultdict(lambda: ZERO),
    )
    results, balances = read.result_moves, read.balance_moves

    def on_verification(ver: Verification) -> None:
        if read.earliest is None or ver.date < read.earliest.date:
            read.earliest = ver
        if read.latest is None or ver.date > read.latest.date:
            read.latest = ver
        month = ver.date.month
        for t in ver.transactions:
            if t.account[:1] in ("1", "2"):
                balances[t.account] += t.amount
            else:
                results[(t.account, project_of(t.objects), month)] += t.amount

    try:
        read.sie = parse(stream, on_verification)
    except SieError as exc:
        raise ImportRefused(f"{file_name}: {exc}") from exc
    return read


def check_year(read: LedgerRead, expected_year: int | None) -> int:
    """The file's fiscal year: a calendar year that holds all its verifications."""
    sie, file_name = read.sie, read.file_name
    if 0 not in sie.years:
        raise ImportRefused(f"{file_name}: filen saknar #RAR 0, så räkenskapsåret är okänt.")
    start, end = sie.years[0]
    if (start.month, start.day, end.month, end.day) != (1, 1, 12, 31) or start.year != end.year:
        raise ImportRefused(
            f"{file_name}: räkenskapsåret {start}–{end} är inte ett kalenderår; "
            "förbundens räkenskapsår är kalenderår."
        )
    for ver in (read.earliest, read.latest):
        if ver is not None and not start <= ver.date <= end:
            raise ImportRefused(
                f"{file_name}: rad {ver.line}: verifikationen {ver.series} {ver.number} är "
                f"daterad {ver.date}, utanför räkenskapsåret {start.year}."
            )
    if expected_year is not None and start.year != expected_year:
        raise ImportRefused(
            f"{file_name}: filen gäller räkenskapsåret {start.year}, men du läser in för "
            f"{expected_year}."
        )
    return start.year


def check_orgnr(read: LedgerRead, association) -> str:
    """Refuse a file for another organisation; a file without one (an empty #ORGNR,
    as Specter's and some Fortnox exports write) gives a finding that names the
    association it would be written to, for the person to confirm."""
    sie, file_name = read.sie, read.file_name
    if not association.orgnr:
        raise ImportRefused(
            f"{association.name} har inget organisationsnummer inlagt; lägg in det under "
            "förbundets uppgifter innan en SIE-fil läses in."
        )
    if not sie.orgnr:
        company = f" (”{sie.company_name}”)" if sie.company_name else ""
        return (
            f"Filen{company} anger inget organisationsnummer (#ORGNR saknas eller är tomt). "
            f"Den läses in för {association.name} ({association.orgnr}); bekräfta att det "
            "är rätt förbund."
        )
    try:
        file_orgnr = normalize_orgnr(sie.orgnr)
    except Exception:
        file_orgnr = sie.orgnr
    if file_orgnr != association.orgnr:
        name = f" ({sie.company_name})" if sie.company_name else ""
        raise ImportRefused(
            f"{file_name}: filen gäller organisationsnummer {sie.orgnr}{name}, inte "
            f"{association.name} ({association.orgnr})."
        )
    return ""


def _month(period: str, year: int, file_name: str) -> int:
    if not (len(period) == 6 and period.isdigit()):
        raise ImportRefused(f"{file_name}: #PSALDO har perioden {period!r}; den ska vara ÅÅÅÅMM.")
    month = int(period[4:])
    if int(period[:4]) != year or not 1 <= month <= 12:
        raise ImportRefused(
            f"{file_name}: perioden {period} ligger utanför räkenskapsåret {year}."
        )
    return month


def _movements(read: LedgerRead, year: int) -> tuple[dict[Key, Decimal], set[str]]:
    """Per account the best source: #PSALDO where the file has it for the account
    (without objects; its objects' rows split it by project), else the verifications."""
    periods = [p for p in read.sie.period_balances if p[0] == 0 and not is_balance_account(p[2])]
    from_psaldo = {account for _, _, account, objects, _ in periods if not objects}
    movements: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in read.result_moves.items():
        if key[0] not in from_psaldo:
            movements[key] += amount
    totals: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    in_projects: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for _, period, account, objects, amount in periods:
        if account not in from_psaldo:
            continue
        month = _month(period, year, read.file_name)
        if not objects:
            totals[(account, month)] += amount
        elif (project := project_of(objects)) is not None and len(objects) == 1:
            movements[(account, project, month)] += amount
            in_projects[(account, month)] += amount
    for (account, month), total in totals.items():
        movements[(account, None, month)] += total - in_projects[(account, month)]
    return movements, from_psaldo


def _closing(read: LedgerRead) -> tuple[dict[str, Decimal], list[Mismatch]]:
    """The balance accounts' closing balances: #UB, checked against #IB + movements
    (and taken from them where the file states no #UB)."""
    sie = read.sie
    closing = {account: amount for (y, account), amount in sie.closing.items() if y == 0}
    mismatches: list[Mismatch] = []
    if not sie.verification_count:
        return closing, mismatches
    opening = {a: v for (y, a), v in sie.opening.items() if y == 0}
    for account in sorted(set(closing) | set(read.balance_moves) | set(opening)):
        computed = opening.get(account, ZERO) + read.balance_moves.get(account, ZERO)
        if account not in closing:
            closing[account] = computed
        elif closing[account] != computed:
            name = sie.accounts.get(account, "")
            mismatches.append(
                Mismatch(
                    account, name, "#UB", closing[account], computed, "#IB + verifikationerna"
                )
            )
    return closing, mismatches


def reconcile(read: LedgerRead, year: int) -> Reconciled:
    """The figures per account, checked against the file's own #RES and #UB."""
    movements, from_psaldo = _movements(read, year)
    per_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account, _, _), amount in movements.items():
        per_account[account] += amount
    done = Reconciled(movements, per_account, {}, from_psaldo)
    mismatches = [
        Mismatch(
            account,
            read.sie.accounts.get(account, ""),
            "#RES",
            stated,
            computed,
            done.source(account),
        )
        for (year_no, account), stated in sorted(read.sie.results.items())
        if year_no == 0
        and not is_balance_account(account)
        and (computed := per_account.get(account, ZERO)) != stated
    ]
    done.closing, balance_mismatches = _closing(read)
    mismatches += balance_mismatches
    if mismatches:
        _refuse(read.file_name, mismatches)
    return done


def _refuse(file_name: str, mismatches: list[Mismatch]) -> None:
    listed = "; ".join(
        f"konto {m.account}: {m.tag} {format_kronor(m.stated)}, {m.source} "
        f"{format_kronor(m.computed)}"
        for m in mismatches[:5]
    )
    more = f" och {len(mismatches) - 5} konton till" if len(mismatches) > 5 else ""
    raise ImportRefused(
        f"{file_name}: filens egna summor stämmer inte för {len(mismatches)} konton "
        f"({listed}{more}). Filen är felaktig; exportera den på nytt från ekonomisystemet.",
        mismatches=mismatches,
    )
