"""A streaming parser for SIE type 4 files (Swedish accounting export).

The file is read in chunks from a binary stream; verifications are handed to a
callback as soon as they close, so memory stays flat however large the file is.
Everything else (accounts, objects, balances, years) is collected in a `SieFile`.
Only syntax is checked here; what the numbers mean is the importer's business.

Strict where figures depend on it (`#VER`/`#TRANS` structure and amounts, `#RAR 0`,
`#ORGNR`, `#IB`, `#UB`, `#RES`, `#PSALDO` of result accounts), lenient where real
exports break the specification without touching a figure: an unterminated quote in
a name or text field takes the rest of the line, and a malformed line of a tag the
import does not need is skipped; both are reported in `SieFile.warnings` with the
line number. The common line shapes (`#TRANS`, `#VER`, `#PSALDO`, `#IB`/`#UB`/`#RES`
without quotes) take a fast path of plain string splits; the general tokenizer reads
the rest.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, NamedTuple

from finsam.money import MAX_AMOUNT

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 256 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_WARNINGS = 50
UTF8_BOM = b"\xef\xbb\xbf"
# The largest amount anywhere in the application (14 digits before the decimal comma).

NOT_SIE = "Filen är inte en SIE-fil"
ZERO = Decimal(0)

ENCODING_LABELS = {
    "cp437": "PC8 (IBM 437)",
    "utf-8": "UTF-8",
    "latin-1": "ISO 8859-1 (Latin-1)",
    "cp1252": "Windows-1252",
}

# One token: a quoted string (with \" and \\ escapes), a brace, a bare field, or a
# stray character (an unterminated quote).
_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([{}])|([^\s"{}]+)|(\S))')
_UNESCAPE = re.compile(r'\\(["\\])')
_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII).fullmatch
_DATE = re.compile(r"\d{8}")
# The usual #TRANS line: account, an object list of plain or quoted fields, amount,
# optionally a date (or "") and a text, then optional bare fields (quantity).
_TRANS_LINE = re.compile(
    r'#TRANS[ \t]+([^\s"{}]+)[ \t]*\{([^{}"\\]*(?:"[^"\\]*"[^{}"\\]*)*)\}[ \t]*'
    r'([^\s"{}]+)(?:[ \t]+([^\s"{}]+|""))?(?:[ \t]+"([^"\\]*)")?(?:[ \t]+[^\s"{}]+)*[ \t]*'
).fullmatch
# The usual #VER line: series, number (bare or quoted), date, optional text, then
# optional fields (registration date, signature).
_VER_LINE = re.compile(
    r'#VER[ \t]+(?:"([^"\\]*)"|([^\s"{}]+))[ \t]+(?:"([^"\\]*)"|([^\s"{}]+))[ \t]+'
    r'(?:"([0-9]{8})"|([0-9]{8}))(?:[ \t]+(?:"([^"\\]*)"|([^\s"{}]+)))?'
    r'(?:[ \t]+(?:"[^"\\]*"|[^\s"{}]+))*[ \t]*'
).fullmatch
_INT = re.compile(r"-?\d+")

# Tags whose last fields are names or texts: an unterminated quote there is an
# export's mistake that touches no figure.
_TEXT_TAGS = frozenset(
    {
        "#KONTO",
        "#FNAMN",
        "#PROGRAM",
        "#OBJEKT",
        "#DIM",
        "#UNDERDIM",
        "#ADRESS",
        "#FTYP",
        "#PROSA",
        "#ENHET",
        "#BKOD",
        "#VER",
        "#TRANS",
        "#RTRANS",
        "#BTRANS",
        "#KPTYP",
        "#SRU",
        "#VALUTA",
        "#TAXAR",
        "#OMFATTN",
        "#GEN",
        "#FNR",
    }
)
# Tags of the SIE 4 specification that the import does not read.
_KNOWN_UNUSED = frozenset(
    {
        "#FLAGGA",
        "#FORMAT",
        "#GEN",
        "#FNR",
        "#ADRESS",
        "#BKOD",
        "#FTYP",
        "#OMFATTN",
        "#PROSA",
        "#TAXAR",
        "#VALUTA",
        "#SRU",
        "#ENHET",
        "#UNDERDIM",
        "#OIB",
        "#OUB",
        "#PBUDGET",
        "#KSUMMA",
    }
)

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


class Trans(NamedTuple):
    account: str
    objects: Objects
    amount: Decimal
    date: date | None
    text: str
    line: int


class Verification(NamedTuple):
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
    chart: str = ""  # #KPTYP as written (BAS2024, EUBAS97, KOMMUNBAS, …); "" when absent
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
    transaction_count: int = 0
    line_count: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    def warn(self, line: int, message: str) -> None:
        """Record a warning (the first MAX_WARNINGS are kept, the rest only counted)."""
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(f"Rad {line}: {message}")


# --- recognising the file and its encoding --------------------------------------------


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


def _what_it_is(head: bytes) -> str | None:
    """A message for files that are plainly something else than SIE, else None."""
    start = head.lstrip()[:512].lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return (
            f"{NOT_SIE}: den ser ut att vara ett zip-arkiv (t.ex. en komprimerad export "
            "eller en Excel-fil). Packa upp den och läs in SIE-filen som finns i den."
        )
    if head.startswith(b"\x1f\x8b"):
        return f"{NOT_SIE}: den ser ut att vara gzip-komprimerad. Packa upp den först."
    if head.startswith(b"%PDF"):
        return f"{NOT_SIE}: den är en PDF. Exportera SIE typ 4 från ekonomisystemet."
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return f"{NOT_SIE}: den ser ut att vara ett Office-dokument (t.ex. en gammal Excel-fil)."
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or (
        start.startswith(b"<") and b"<html" in start
    ):
        kind = "en XML-fil" if start.startswith(b"<?xml") and b"<html" not in start else None
        return (
            f"{NOT_SIE}: den ser ut att vara {kind}."
            if kind
            else f"{NOT_SIE}: den ser ut att vara en webbsida (HTML), t.ex. en felsida som "
            "sparats som .se. Hämta exporten på nytt från ekonomisystemet."
        )
    return None


# Bytes 0x80-0x9F are letters (åäöÅÄÖéü…) in PC8 but control characters or
# punctuation in Latin-1; 0xC0-0xFF are letters in Latin-1 but box drawing and Greek
# in PC8 (so "Västerås" in Latin-1 read as PC8 is "VΣsterσs").
_PC8_LETTERS = bytes(range(0x80, 0xA6))
_LATIN1_LETTERS = bytes(range(0xC0, 0x100))
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _sniff(head: bytes, at_eof: bool) -> str:
    """UTF-8 if the head's non-ASCII bytes decode as UTF-8; else Latin-1/Windows-1252
    if its non-ASCII bytes make sense only as that; else PC8 (CP437)."""
    if head.isascii():
        return "cp437"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=at_eof)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    high = bytes(b for b in head if b >= 0x80)
    pc8 = sum(1 for b in high if b in _PC8_LETTERS)
    latin = sum(1 for b in high if b in _LATIN1_LETTERS)
    if latin > pc8:
        controls = {b for b in high if 0x80 <= b <= 0x9F}
        if controls and not controls & _CP1252_UNDEFINED:
            return "cp1252"
        return "latin-1"
    return "cp437"


# --- reading lines ----------------------------------------------------------------------


def _lines(head: bytes, stream: IO[bytes], encoding: str) -> Iterator[str]:
    """Yield the decoded lines (without line endings), decoding a block at a time."""
    pending = b""
    number = 0
    chunks = iter(lambda: stream.read(CHUNK_BYTES), b"")
    for chunk in _chain(head, chunks):
        cut = chunk.rfind(b"\n")
        if cut < 0:
            pending += chunk
            if len(pending) > MAX_LINE_BYTES:
                raise SieError(f"{NOT_SIE}: raden är för lång.", number + 1)
            continue
        block = pending + chunk[:cut]
        pending = chunk[cut + 1 :]
        if b"\x00" in block:
            at = number + block.count(b"\n", 0, block.index(b"\x00")) + 1
            raise SieError(f"{NOT_SIE}: den innehåller binära data.", at)
        text = _decode(block, encoding, number)
        lines = text.split("\n")
        if len(block) > MAX_LINE_BYTES and max(map(len, lines)) > MAX_LINE_BYTES:
            raise SieError(f"{NOT_SIE}: raden är för lång.", number + 1)
        number += len(lines)
        yield from lines
        if len(pending) > MAX_LINE_BYTES:
            raise SieError(f"{NOT_SIE}: raden är för lång.", number + 1)
    if pending:
        if b"\x00" in pending:
            raise SieError(f"{NOT_SIE}: den innehåller binära data.", number + 1)
        yield _decode(pending, encoding, number)


def _decode(block: bytes, encoding: str, before: int) -> str:
    try:
        return block.decode(encoding)
    except UnicodeDecodeError as exc:
        line = before + block.count(b"\n", 0, exc.start) + 1
        name = ENCODING_LABELS.get(encoding, encoding)
        raise SieError(f"Raden går inte att läsa som {name}.", line) from None


def _chain(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    for chunk in chunks:
        if chunk is None:  # a non-blocking raw stream with nothing yet; treat as end
            return
        yield chunk


# --- tokens and values ----------------------------------------------------------------


def _tokenize(text: str, line: int) -> tuple[list[Token], bool]:
    """Split a line into fields (str) and object lists (tuple of (dim, code) pairs).

    Returns (tokens, broken): broken when a quote is left open, or a quoted field is
    glued to the text after it (`"Fordringar hos leverant"r"`, XE's way of writing ö);
    then the last token is the rest of the line from that field's opening quote."""
    tokens: list[Token] = []
    inside: list[str] | None = None
    pos = 0
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        quoted, brace, bare, stray = match.groups()
        start = match.start(1) - 1 if quoted is not None else -1
        pos = match.end()
        if quoted is not None:
            glued = inside is None and pos < len(text) and not text[pos].isspace()
            if glued and text[pos] not in "{}":
                tokens.append(_rest(text, start))
                return tokens, True
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
            if inside is not None:
                raise SieError(f"Ett citattecken saknar avslutning ({stray}).", line)
            tokens.append(_rest(text, match.end() - 1))
            return tokens, True
        if inside is not None:
            inside.append(value)
        else:
            tokens.append(value)
    if inside is not None:
        raise SieError("Objektlistan saknar avslutande }.", line)
    return tokens, False


def _rest(text: str, quote: int) -> str:
    """The rest of the line after an opening quote, without a closing one."""
    rest = text[quote + 1 :].rstrip()
    return rest[:-1].rstrip() if rest.endswith('"') else rest


def _fast_tokens(text: str) -> list[Token] | None:
    """Tokens of a well-formed line by plain splits (the common `#TRANS 1930 {} -100.00`,
    `#TRANS 4611 {6 "TEAM"} 500.00` and `#VER A 1 20240115 "Faktura"`); None when the
    line has escapes, glued or unbalanced quotes or odd braces (the general path)."""
    if "\\" in text:
        return None
    if '"' not in text:
        open_at = text.find("{")
        if open_at < 0:
            if "}" in text:
                return None
            return text.split()  # type: ignore[return-value]
        close_at = text.find("}", open_at)
        if close_at < 0 or "{" in text[open_at + 1 :] or "}" in text[close_at + 1 :]:
            return None
        inner = text[open_at + 1 : close_at].split()
        if len(inner) % 2:
            return None
        tokens: list[Token] = text[:open_at].split()  # type: ignore[assignment]
        tokens.append(tuple(zip(inner[::2], inner[1::2], strict=True)))
        tokens.extend(text[close_at + 1 :].split())
        return tokens
    parts = text.split('"')
    last = len(parts) - 1
    if last % 2:
        return None  # an odd number of quotes
    tokens = []
    inside: list[str] | None = None
    for index, part in enumerate(parts):
        if index % 2:
            before, after = parts[index - 1], parts[index + 1]
            if not before or not (before[-1].isspace() or before[-1] == "{"):
                return None
            if after and not (after[0].isspace() or after[0] == "}"):
                return None
            if not after and index + 1 != last:
                return None
            (tokens if inside is None else inside).append(part)
        elif "{" in part or "}" in part:
            for piece in part.replace("{", " { ").replace("}", " } ").split():
                if piece == "{":
                    if inside is not None:
                        return None
                    inside = []
                elif piece == "}":
                    if inside is None or len(inside) % 2:
                        return None
                    tokens.append(tuple(zip(inside[::2], inside[1::2], strict=True)))
                    inside = None
                else:
                    (tokens if inside is None else inside).append(piece)
        else:
            (tokens if inside is None else inside).extend(part.split())
    if inside is not None:
        return None
    return tokens


def _objects(inner: str, line: int) -> Objects:
    """The pairs of an object list's inside (quotes balanced, no escapes)."""
    if '"' in inner:
        parts = inner.split('"')
        if len(parts) == 3 and not parts[2].strip():  # the usual {6 "TEAM"}
            dim = parts[0].split()
            if len(dim) == 1:
                return ((dim[0], parts[1]),)
        fields: list[str] = []
        for index, part in enumerate(inner.split('"')):
            if index % 2:
                fields.append(part)
            else:
                fields.extend(part.split())
    else:
        fields = inner.split()
    if len(fields) % 2:
        raise SieError("Objektlistan måste bestå av par av dimension och objekt.", line)
    return tuple(zip(fields[::2], fields[1::2], strict=True))


def _amount(raw: str, line: int) -> Decimal:
    if _AMOUNT(raw) is None:
        raise SieError(f"Ogiltigt belopp {raw[:40]!r}.", line)
    if len(raw) > 20 and len(raw.lstrip("-0").partition(".")[0]) > 12:
        raise SieError(_TOO_LARGE.format(raw=raw[:40]), line)
    value = Decimal(raw)
    if not value:
        return Decimal(0)
    if value > MAX_AMOUNT or value < -MAX_AMOUNT:
        raise SieError(_TOO_LARGE.format(raw=raw[:40]), line)
    return value


_TOO_LARGE = (
    "Beloppet {raw} är större än 999 999 999 999,99 kr, det största belopp som kan lagras."
)


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

    __slots__ = ("tag", "tokens", "line")

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


def is_balance_account(account: str) -> bool:
    return account[:1] in ("1", "2")


# --- the parser -----------------------------------------------------------------------


def parse(
    stream: IO[bytes], on_verification: Callable[[Verification], None] | None = None
) -> SieFile:
    """Read an SIE 4 file from a binary stream, a block at a time (never read it whole).

    The loop keeps the two lines most files are made of (#TRANS inside a verification
    and the #VER that opens one) on a fast path; every other line goes to `_line`."""
    head, encoding = _start(stream)
    state = _State(SieFile(encoding=encoding), on_verification)
    dates = state.dates
    number = 0
    for text in _lines(head, stream, encoding):
        number += 1
        stripped = text.strip()
        if not stripped:
            continue
        if state.ver_open and stripped[:6] == "#TRANS":
            trans = _fast_trans(stripped, number, dates)
            if trans is not None:
                state.rows.append(trans)
                state.trans_count += 1
                continue
        if state.ver is None and stripped[:4] == "#VER" and _fast_ver(state, stripped, number):
            continue
        _line(state, stripped, number)
    return _finish(state, number)


def _start(stream: IO[bytes]) -> tuple[bytes, str]:
    """The file's first block and its encoding; refuses what is no SIE file at all."""
    head, at_eof = _read_head(stream)
    what = _what_it_is(head)
    if what:
        raise SieError(what)
    if head.startswith(UTF8_BOM):
        return head[len(UTF8_BOM) :], "utf-8"
    return head, _sniff(head, at_eof)


@dataclass
class _State:
    """Where the parser is: the file so far and the open verification, if any."""

    sie: SieFile
    on_verification: Callable[[Verification], None] | None
    dates: dict[str, date] = field(default_factory=dict)
    seen_content: bool = False
    # The open verification's header (series, number, date, text, line), or None.
    ver: tuple[str, str, date, str, int] | None = None
    ver_open: bool = False
    rows: list[Trans] = field(default_factory=list)
    trans_count: int = 0


def _fast_trans(stripped: str, number: int, dates: dict[str, date]) -> Trans | None:
    """A #TRANS line as exports write it, or None for the general path."""
    match = _TRANS_LINE(stripped)
    if match is not None:
        account, inner, raw, raw_date, trans_text = match.groups()
        if raw_date and raw_date != '""':
            day = dates.get(raw_date) or dates.setdefault(raw_date, _date(raw_date, number))
        else:
            day = None
        if _AMOUNT(raw) is None or len(raw) > 12:
            amount = _amount(raw, number)
        else:
            amount = Decimal(raw) or ZERO
        objects = _objects(inner, number) if inner and not inner.isspace() else ()
        return Trans(account, objects, amount, day, trans_text or "", number)
    tokens = _fast_tokens(stripped)
    if tokens is not None and tokens[0] == "#TRANS":
        return _trans(tokens, number, dates)
    return None


def _fast_ver(state: _State, stripped: str, number: int) -> bool:
    """A #VER line as exports write it opens the verification; False for the general
    path."""
    match = _VER_LINE(stripped)
    if match is None:
        return False
    series_q, series, number_q, ver_no, date_q, raw_date, text_q, text_bare = match.groups()
    raw_date = raw_date or date_q
    dates = state.dates
    day = dates.get(raw_date) or dates.setdefault(raw_date, _date(raw_date, number))
    state.ver = (
        series if series is not None else series_q,
        ver_no if ver_no is not None else number_q,
        day,
        text_q if text_q is not None else (text_bare or ""),
        number,
    )
    state.seen_content = True
    return True


def _line(state: _State, stripped: str, number: int) -> None:
    """Any line but the fast paths': the braces, stray text, and tagged lines."""
    if not state.seen_content:
        if not stripped.startswith("#"):
            raise SieError(f"{NOT_SIE}: raden börjar inte med en #-tagg.", number)
        state.seen_content = True
    ver = state.ver
    if ver is not None and not state.ver_open:
        if stripped != "{":
            raise SieError(f"Verifikationen på rad {ver[4]} saknar {{.", number)
        state.ver_open = True
        return
    if stripped == "{":
        raise SieError("Oväntad { utan #VER före.", number)
    if stripped == "}":
        if ver is None:
            raise SieError("Oväntad } utan #VER före.", number)
        _close(ver, state.rows, state.on_verification)
        state.sie.verification_count += 1
        state.ver, state.ver_open, state.rows = None, False, []
        return
    if not stripped.startswith("#"):
        if ver is not None:
            raise SieError(f"Raden inuti verifikationen på rad {ver[4]} är ingen #-tagg.", number)
        state.sie.warn(number, "raden är ingen #-tagg och hoppas över.")
        return
    _tagged(state, stripped, number)


def _tagged(state: _State, stripped: str, number: int) -> None:
    """A tagged line on the general path: a header line, or a line in a verification."""
    tokens = _fast_tokens(stripped)
    broken = False
    if tokens is None:
        tokens, broken = _tokenize(stripped, number)
    tag = tokens[0]
    if not isinstance(tag, str):  # pragma: no cover - a line starting with # is a str
        return
    tag = tag.upper()
    if broken:
        if tag not in _TEXT_TAGS:
            raise SieError("Ett citattecken saknar avslutning.", number)
        state.sie.warn(
            number,
            f"ett citattecken i {tag} saknar avslutning eller sitter mitt i texten; "
            "resten av raden läses som text.",
        )
    ver = state.ver
    if ver is not None:
        if tag == "#TRANS":
            state.rows.append(_trans(tokens, number, state.dates))
            state.trans_count += 1
        elif tag == "#VER":
            raise SieError(
                f"Ny #VER innan verifikationen på rad {ver[4]} avslutats med }}.", number
            )
        return  # #RTRANS/#BTRANS and anything else inside a verification
    fields = _Fields(tag, tokens[1:], number)
    if tag == "#VER":
        raw_date = fields.text(2)
        dates = state.dates
        day = dates.get(raw_date) or dates.setdefault(raw_date, _date(raw_date, number))
        state.ver = (fields.text(0), fields.text(1), day, fields.text(3, ""), number)
    elif tag in ("#TRANS", "#RTRANS", "#BTRANS"):
        raise SieError(f"{tag} utanför en verifikation.", number)
    else:
        _header(state.sie, fields)


def _finish(state: _State, number: int) -> SieFile:
    if state.ver is not None:
        line = state.ver[4]
        raise SieError(f"Filen tar slut inuti verifikationen som börjar på rad {line}.", line)
    if not state.seen_content:
        raise SieError(f"{NOT_SIE}: den är tom.")
    state.sie.line_count = number
    state.sie.transaction_count = state.trans_count
    return state.sie


def _trans(tokens: list[Token], line: int, dates: dict[str, date]) -> Trans:
    """#TRANS account {objects} amount [date] [text] [quantity] [sign]."""
    count = len(tokens)
    if count < 2 or not isinstance(tokens[1], str):
        raise SieError("#TRANS saknar konto.", line)
    account = tokens[1]
    index = 2
    objects: Objects = ()
    if count > 2 and isinstance(tokens[2], tuple):
        objects = tokens[2]  # type: ignore[assignment]
        index = 3
    if index >= count:
        raise SieError("#TRANS saknar belopp.", line)
    raw = tokens[index]
    if not isinstance(raw, str):
        raise SieError("#TRANS: beloppet ska inte vara en objektlista.", line)
    amount = _amount(raw, line)
    day = None
    text = ""
    if index + 1 < count:
        raw_date = tokens[index + 1]
        if not isinstance(raw_date, str):
            raise SieError("#TRANS: datumet ska inte vara en objektlista.", line)
        if raw_date:
            day = dates.get(raw_date) or dates.setdefault(raw_date, _date(raw_date, line))
        if index + 2 < count and isinstance(tokens[index + 2], str):
            text = tokens[index + 2]  # type: ignore[assignment]
    return Trans(account, objects, amount, day, text, line)


def _close(
    ver: tuple[str, str, date, str, int],
    rows: list[Trans],
    on_verification: Callable[[Verification], None] | None,
) -> None:
    series, number, day, text, line = ver
    total = sum([row.amount for row in rows], Decimal(0))
    if total != 0:
        raise SieError(
            f"Verifikationen {series} {number} ({day}) balanserar inte: summan är {total}.", line
        )
    if on_verification is not None:
        on_verification(Verification(series, number, day, text, tuple(rows), line))


def _header(sie: SieFile, fields: _Fields) -> None:
    """Everything outside verifications: the figures' tags here, the rest in
    `_description`; unknown and malformed unused tags warn."""
    tag, line = fields.tag, fields.line
    if tag in ("#IB", "#UB", "#RES"):
        target = {"#IB": sie.opening, "#UB": sie.closing, "#RES": sie.results}[tag]
        year = _int(fields.text(0), line)
        target[(year, fields.text(1))] = _amount(fields.text(2), line)
    elif tag == "#PSALDO":
        account = fields.text(2, "")
        try:
            year = _int(fields.text(0), line)
            period = fields.text(1)
            account = fields.text(2)
            objects, index = fields.objects(3)
            amount = _amount(fields.text(index), line)
        except SieError:
            if not account or not is_balance_account(account):
                raise
            # Period balances of balance accounts are not imported.
            sie.warn(line, f"#PSALDO för balanskontot {account} är felaktig och hoppas över.")
            return
        sie.period_balances.append((year, period, account, objects, amount))
    elif tag == "#RAR":
        raw_year = fields.text(0, "")
        try:
            year = _int(fields.text(0), line)
            span = (_date(fields.text(1), line), _date(fields.text(2), line))
        except SieError:
            if not _INT.fullmatch(raw_year) or int(raw_year) == 0:
                raise
            sie.warn(line, f"#RAR {raw_year} är felaktig och hoppas över.")
            return
        sie.years[year] = span
    else:
        _description(sie, fields)


def _description(sie: SieFile, fields: _Fields) -> None:
    """The tags that describe the file rather than carry figures."""
    tag, line = fields.tag, fields.line
    if tag == "#ORGNR":
        # An empty #ORGNR (Specter's example file, some Fortnox exports) reads as absent.
        sie.orgnr = fields.text(0, "").strip()
    elif tag == "#KONTO":
        account = fields.text(0, "")
        if not account.isdigit():
            sie.warn(line, "#KONTO saknar kontonummer och hoppas över.")
            return
        sie.accounts[account] = fields.text(1, "")
    elif tag == "#KTYP":
        account, kind = fields.text(0, ""), fields.text(1, "").upper()
        if not account.isdigit() or kind not in ("T", "S", "K", "I"):
            sie.warn(line, "#KTYP saknar konto eller kontotyp (T, S, K, I) och hoppas över.")
            return
        sie.account_types[account] = kind
    elif tag == "#SIETYP":
        sie.sie_type = fields.text(0, "") or None
    elif tag == "#PROGRAM":
        sie.program = fields.text(0, "")
    elif tag == "#FNAMN":
        sie.company_name = fields.text(0, "")
    elif tag == "#KPTYP":
        sie.chart = fields.text(0, "").strip().upper()
    elif tag == "#DIM":
        if len(fields) < 1:
            sie.warn(line, "#DIM saknar dimensionsnummer och hoppas över.")
            return
        sie.dimensions[fields.text(0)] = fields.text(1, "")
    elif tag == "#OBJEKT":
        if len(fields) < 2:
            sie.warn(line, "#OBJEKT saknar dimension eller objektkod och hoppas över.")
            return
        sie.objects[(fields.text(0), fields.text(1))] = fields.text(2, "")
    elif tag == "#ADRESS":
        if len(fields) < 4:
            sie.warn(line, "#ADRESS saknar fält; adressen används inte och raden hoppas över.")
    elif tag not in _KNOWN_UNUSED:
        sie.warn(line, f"okänd tagg {tag[:40]} hoppas över.")
