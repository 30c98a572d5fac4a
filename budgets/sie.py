"""A streaming parser for SIE type 4 files (Swedish accounting export).

The file is read line by line from a binary stream; verifications are handed to a
callback as soon as they close, so memory stays flat however large the file is.
Everything else (accounts, objects, balances, years) is collected in a `SieFile`.
Only syntax is checked here; what the numbers mean is the importer's business.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024
MAX_LINE_BYTES = 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"

NOT_SIE = "Filen är inte en SIE-fil"

# One token: a quoted string (with \" and \\ escapes), a brace, a bare field, or a
# stray character (an unterminated quote).
_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([{}])|([^\s"{}]+)|(\S))')
_UNESCAPE = re.compile(r'\\(["\\])')
_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{8}")
_INT = re.compile(r"-?\d+")

Objects = tuple[tuple[str, str], ...]
Token = str | Objects


class SieError(Exception):
    """A file that cannot be read as SIE; `line` is the 1-based line number or None."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(message, line)

    def __str__(self) -> str:
        return f"Rad {self.line}: {self.message}" if self.line is not None else self.message


@dataclass(frozen=True)
class Trans:
    account: str
    objects: Objects
    amount: Decimal
    date: date | None
    text: str
    line: int


@dataclass(frozen=True)
class Verification:
    series: str
    number: str
    date: date
    text: str
    transactions: tuple[Trans, ...]
    line: int


@dataclass
class SieFile:
    """Everything except verifications (those go to the callback, so memory stays flat)."""

    encoding: str = "cp437"
    sie_type: str | None = None
    program: str = ""
    company_name: str = ""
    orgnr: str = ""
    years: dict[int, tuple[date, date]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    account_types: dict[str, str] = field(default_factory=dict)
    dimensions: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    opening: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    closing: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    results: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    period_balances: list[tuple[int, str, str, Objects, Decimal]] = field(default_factory=list)
    verification_count: int = 0
    line_count: int = 0


# --- reading bytes --------------------------------------------------------------------


def _read_head(stream: IO[bytes]) -> tuple[bytes, bool]:
    """Read up to SNIFF_BYTES from the start; return (bytes, reached end of file)."""
    parts: list[bytes] = []
    size = 0
    while size < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - size)
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


def _sniff(head: bytes, at_eof: bool) -> str:
    """UTF-8 if the head has non-ASCII bytes and they decode as UTF-8, else CP437."""
    if head.isascii():
        return "cp437"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=at_eof)
    except UnicodeDecodeError:
        return "cp437"
    return "utf-8"


def _lines(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    """Yield the raw lines (without line endings): the head first, then the rest."""
    pending = b""
    number = 0
    chunks = iter(lambda: stream.read(CHUNK_BYTES), b"")
    for chunk in _chain(head, chunks):
        if b"\n" not in chunk:
            pending += chunk
            if len(pending) > MAX_LINE_BYTES:
                raise SieError(f"{NOT_SIE}: raden är för lång.", number + 1)
            continue
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for raw in lines:
            number += 1
            yield raw[:-1] if raw.endswith(b"\r") else raw
        if len(pending) > MAX_LINE_BYTES:
            raise SieError(f"{NOT_SIE}: raden är för lång.", number + 1)
    if pending:
        yield pending[:-1] if pending.endswith(b"\r") else pending


def _chain(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    for chunk in chunks:
        if chunk is None:  # a non-blocking raw stream with nothing yet; treat as end
            return
        yield chunk


# --- tokens and values ----------------------------------------------------------------


def _tokenize(text: str, line: int) -> list[Token]:
    """Split a line into fields (str) and object lists (tuple of (dim, code) pairs)."""
    tokens: list[Token] = []
    inside: list[str] | None = None
    pos = 0
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        pos = match.end()
        quoted, brace, bare, stray = match.groups()
        if quoted is not None:
            value = _UNESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted
        elif bare is not None:
            value = bare
        elif brace == "{":
            if inside is not None:
                raise SieError("Objektlistor kan inte nästlas.", line)
            inside = []
            continue
        elif brace == "}":
            if inside is None:
                raise SieError("Oväntad }.", line)
            if len(inside) % 2:
                raise SieError("Objektlistan måste bestå av par av dimension och objekt.", line)
            tokens.append(tuple(zip(inside[::2], inside[1::2], strict=True)))
            inside = None
            continue
        else:
            raise SieError(f"Ett citattecken saknar avslutning ({stray}).", line)
        if inside is not None:
            inside.append(value)
        else:
            tokens.append(value)
    if inside is not None:
        raise SieError("Objektlistan saknar avslutande }.", line)
    return tokens


def _amount(raw: str, line: int) -> Decimal:
    if not _AMOUNT.fullmatch(raw):
        raise SieError(f"Ogiltigt belopp {raw!r}.", line)
    value = Decimal(raw)
    return Decimal(0) if value == 0 else value


def _date(raw: str, line: int) -> date:
    if not _DATE.fullmatch(raw):
        raise SieError(f"Ogiltigt datum {raw!r}.", line)
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise SieError(f"Ogiltigt datum {raw!r}.", line) from None


def _int(raw: str, line: int) -> int:
    if not _INT.fullmatch(raw):
        raise SieError(f"Ogiltigt årsnummer {raw!r}.", line)
    return int(raw)


class _Fields:
    """The fields after the tag, with typed access that names the line on error."""

    def __init__(self, tag: str, tokens: list[Token], line: int):
        self.tag = tag
        self.tokens = tokens
        self.line = line

    def __len__(self) -> int:
        return len(self.tokens)

    def text(self, index: int, default: str | None = None) -> str:
        if index >= len(self.tokens):
            if default is None:
                raise SieError(f"{self.tag} saknar fält nummer {index + 1}.", self.line)
            return default
        value = self.tokens[index]
        if not isinstance(value, str):
            raise SieError(
                f"{self.tag}: fält nummer {index + 1} ska inte vara en objektlista.", self.line
            )
        return value

    def objects(self, index: int) -> tuple[Objects, int]:
        """The object list at index (or an empty one if omitted) and the next index."""
        if index < len(self.tokens) and isinstance(self.tokens[index], tuple):
            return self.tokens[index], index + 1  # type: ignore[return-value]
        return (), index


# --- the parser -----------------------------------------------------------------------


def parse(
    stream: IO[bytes], on_verification: Callable[[Verification], None] | None = None
) -> SieFile:
    """Read an SIE 4 file from a binary stream, line by line (never read it whole)."""
    head, at_eof = _read_head(stream)
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
        encoding = "utf-8"
    else:
        encoding = _sniff(head, at_eof)
    sie = SieFile(encoding=encoding)

    seen_content = False
    # The open verification: its header fields, line, and rows (None when outside one).
    ver: tuple[str, str, date, str, int] | None = None
    ver_open = False
    rows: list[Trans] = []
    number = 0

    for raw in _lines(head, stream):
        number += 1
        if b"\x00" in raw:
            raise SieError(f"{NOT_SIE}: den innehåller binära data.", number)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise SieError("Raden går inte att läsa som UTF-8.", number) from None
        stripped = text.strip()
        if not stripped:
            continue
        if not seen_content:
            if not stripped.startswith("#"):
                raise SieError(f"{NOT_SIE}: raden börjar inte med en #-tagg.", number)
            seen_content = True

        if ver is not None and not ver_open:
            if stripped != "{":
                raise SieError(f"Verifikationen på rad {ver[4]} saknar {{.", number)
            ver_open = True
            continue
        if stripped == "{":
            raise SieError("Oväntad { utan #VER före.", number)
        if stripped == "}":
            if ver is None:
                raise SieError("Oväntad } utan #VER före.", number)
            _close(ver, rows, on_verification)
            sie.verification_count += 1
            ver, ver_open, rows = None, False, []
            continue
        if not stripped.startswith("#"):
            continue  # not a tag line; nothing to read

        tokens = _tokenize(stripped, number)
        tag = tokens[0]
        if not isinstance(tag, str):  # pragma: no cover - a line starting with # is a str
            continue
        tag = tag.upper()
        fields = _Fields(tag, tokens[1:], number)

        if ver is not None:
            if tag == "#TRANS":
                rows.append(_trans(fields))
            elif tag == "#VER":
                raise SieError(
                    f"Ny #VER innan verifikationen på rad {ver[4]} avslutats med }}.", number
                )
            continue  # #RTRANS/#BTRANS and anything else inside a verification
        if tag == "#VER":
            ver = (
                fields.text(0),
                fields.text(1),
                _date(fields.text(2), number),
                fields.text(3, ""),
                number,
            )
        elif tag in ("#TRANS", "#RTRANS", "#BTRANS"):
            raise SieError(f"{tag} utanför en verifikation.", number)
        else:
            _header(sie, fields)

    if ver is not None:
        raise SieError(f"Filen tar slut inuti verifikationen som börjar på rad {ver[4]}.", ver[4])
    if not seen_content:
        raise SieError(f"{NOT_SIE}: den är tom.")
    sie.line_count = number
    return sie


def _trans(fields: _Fields) -> Trans:
    line = fields.line
    account = fields.text(0)
    objects, index = fields.objects(1)
    if index >= len(fields):
        raise SieError("#TRANS saknar belopp.", line)
    amount = _amount(fields.text(index), line)
    raw_date = fields.text(index + 1, "")
    return Trans(
        account=account,
        objects=objects,
        amount=amount,
        date=_date(raw_date, line) if raw_date else None,
        text=fields.text(index + 2, ""),
        line=line,
    )


def _close(
    ver: tuple[str, str, date, str, int],
    rows: list[Trans],
    on_verification: Callable[[Verification], None] | None,
) -> None:
    series, number, day, text, line = ver
    total = sum((row.amount for row in rows), Decimal(0))
    if total != 0:
        raise SieError(
            f"Verifikationen {series} {number} ({day}) balanserar inte: summan är {total}.", line
        )
    if on_verification is not None:
        on_verification(Verification(series, number, day, text, tuple(rows), line))


def _header(sie: SieFile, fields: _Fields) -> None:
    """Everything outside verifications; unknown tags are skipped."""
    tag, line = fields.tag, fields.line
    if tag == "#SIETYP":
        sie.sie_type = fields.text(0, "") or None
    elif tag == "#PROGRAM":
        sie.program = fields.text(0, "")
    elif tag == "#FNAMN":
        sie.company_name = fields.text(0, "")
    elif tag == "#ORGNR":
        sie.orgnr = fields.text(0, "")
    elif tag == "#RAR":
        year = _int(fields.text(0), line)
        sie.years[year] = (_date(fields.text(1), line), _date(fields.text(2), line))
    elif tag == "#KONTO":
        sie.accounts[fields.text(0)] = fields.text(1, "")
    elif tag == "#KTYP":
        sie.account_types[fields.text(0)] = fields.text(1).upper()
    elif tag == "#DIM":
        sie.dimensions[fields.text(0)] = fields.text(1, "")
    elif tag == "#OBJEKT":
        sie.objects[(fields.text(0), fields.text(1))] = fields.text(2, "")
    elif tag in ("#IB", "#UB", "#RES"):
        target = {"#IB": sie.opening, "#UB": sie.closing, "#RES": sie.results}[tag]
        year = _int(fields.text(0), line)
        target[(year, fields.text(1))] = _amount(fields.text(2), line)
    elif tag == "#PSALDO":
        year = _int(fields.text(0), line)
        period = fields.text(1)
        account = fields.text(2)
        objects, index = fields.objects(3)
        amount = _amount(fields.text(index), line)
        sie.period_balances.append((year, period, account, objects, amount))
