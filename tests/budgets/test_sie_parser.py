"""The SIE 4 parser: encodings, tokens, balances, rubbish refused, flat memory."""

from __future__ import annotations

import contextlib
import io
import pickle
import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.sie import SieError, SieFile, Trans, Verification, parse

SAMPLE = """\
#FLAGGA 0
#PROGRAM "Visma Förening" 1.2
#FORMAT PC8
#GEN 20250110
#SIETYP 4
#FNAMN "Bygdegårdsföreningen Åsa-Öje"
#ORGNR 222000-1234
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#KPTYP EUBAS97
#KONTO 1930 "Företagskonto"
#KONTO 3010 "Medlemsavgifter äldre"
#KTYP 1930 T
#KTYP 3010 I
#DIM 1 "Kostnadsställe"
#OBJEKT 1 "100" "Styrelse och årsmöte"
#IB 0 1930 1500.50
#UB 0 1930 1600.50
#IB -1 1930 -0.00
#RES 0 3010 -100.00 7
#PSALDO 0 202401 3010 {1 "100"} -100.00 2
#VER "A" 1 20240105 "Avgift Åke" 20240106 "Eva"
{
   #TRANS 1930 {} 100.00
   #TRANS 3010 {1 "100" 6 "SAM"} -100.00 20240105 "Avgift"
}
"""


def parse_all(data: bytes) -> tuple[SieFile, list[Verification]]:
    found: list[Verification] = []
    sie = parse(io.BytesIO(data), found.append)
    return sie, found


def check_sample(sie: SieFile, vers: list[Verification]) -> None:
    assert sie.sie_type == "4"
    assert sie.program == "Visma Förening"
    assert sie.company_name == "Bygdegårdsföreningen Åsa-Öje"
    assert sie.orgnr == "222000-1234"
    assert sie.years == {
        0: (date(2024, 1, 1), date(2024, 12, 31)),
        -1: (date(2023, 1, 1), date(2023, 12, 31)),
    }
    assert sie.accounts == {"1930": "Företagskonto", "3010": "Medlemsavgifter äldre"}
    assert sie.account_types == {"1930": "T", "3010": "I"}
    assert sie.dimensions == {"1": "Kostnadsställe"}
    assert sie.objects == {("1", "100"): "Styrelse och årsmöte"}
    assert sie.opening == {(0, "1930"): Decimal("1500.50"), (-1, "1930"): Decimal(0)}
    assert str(sie.opening[(-1, "1930")]) == "0"
    assert sie.closing == {(0, "1930"): Decimal("1600.50")}
    assert sie.results == {(0, "3010"): Decimal("-100")}
    assert sie.period_balances == [(0, "202401", "3010", (("1", "100"),), Decimal("-100"))]
    assert sie.verification_count == 1
    assert sie.line_count == 26
    [ver] = vers
    assert (ver.series, ver.number, ver.date, ver.text, ver.line) == (
        "A",
        "1",
        date(2024, 1, 5),
        "Avgift Åke",
        22,
    )
    assert ver.transactions == (
        Trans("1930", (), Decimal("100.00"), None, "", 24),
        Trans(
            "3010", (("1", "100"), ("6", "SAM")), Decimal("-100"), date(2024, 1, 5), "Avgift", 25
        ),
    )


def test_cp437_file() -> None:
    data = SAMPLE.encode("cp437")
    assert b"\x86" in data and b"\x94" in data  # å and ö as PC8 bytes
    sie, vers = parse_all(data)
    assert sie.encoding == "cp437"
    check_sample(sie, vers)


def test_utf8_without_bom() -> None:
    sie, vers = parse_all(SAMPLE.encode("utf-8"))
    assert sie.encoding == "utf-8"
    check_sample(sie, vers)


def test_utf8_with_bom() -> None:
    sie, vers = parse_all(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert sie.encoding == "utf-8"
    check_sample(sie, vers)


def test_crlf_line_endings() -> None:
    sie, vers = parse_all(SAMPLE.replace("\n", "\r\n").encode("cp437"))
    check_sample(sie, vers)


def test_no_final_newline_and_blank_lines() -> None:
    sie, vers = parse_all(("\n\n" + SAMPLE.rstrip("\n")).encode("cp437"))
    assert sie.line_count == 28
    assert sie.accounts["1930"] == "Företagskonto"
    assert len(vers) == 1


def test_utf8_char_cut_at_sniff_boundary() -> None:
    # A two-byte ö straddling the 64 KiB sniffing boundary is still UTF-8.
    head = "#FLAGGA 0\n#X "
    tail = '\n#FNAMN "'
    text = head + "a" * (65535 - len(head) - len(tail)) + tail + 'ö"\n'
    raw = text.encode()
    assert raw[65535:65537] == "ö".encode()
    sie, _ = parse_all(raw)
    assert sie.encoding == "utf-8"
    assert sie.company_name == "ö"


def test_non_ascii_only_after_sniff_window_falls_back_to_cp437() -> None:
    text = "#FLAGGA 0\n" + "#X padding\n" * 7000 + '#FNAMN "Åsa"\n'
    sie, _ = parse_all(text.encode("cp437"))
    assert sie.encoding == "cp437"
    assert sie.company_name == "Åsa"


def test_quoted_strings_and_escapes() -> None:
    text = (
        "#FLAGGA 0\n"
        r'#FNAMN "Föreningen \"Vi i byn\" C:\\mapp"' + "\n"
        '#KONTO 4010\t"Inköp  varor"\n'
        '#KONTO "5010" "Lokal{hyra}"\n'
        "#KONTO 6000 Bar\n"
        "#KONTO 7000\n"
    )
    sie, _ = parse_all(text.encode("cp437"))
    assert sie.company_name == r'Föreningen "Vi i byn" C:\mapp'
    assert sie.accounts == {
        "4010": "Inköp  varor",
        "5010": "Lokal{hyra}",
        "6000": "Bar",
        "7000": "",
    }


def test_object_lists() -> None:
    text = (
        "#FLAGGA 0\n"
        '#OBJEKT 1 "Projekt A" "Sommarfesten"\n'
        "#VER A 1 20240101\n"
        "{\n"
        '#TRANS 4010 {1 "Projekt A" 6 SAM} 10.00\n'
        "#TRANS 4020 {} 5\n"
        '#TRANS 4030{1 "100"}-5.00 "" "utan datum"\n'
        '#TRANS 1930 { } -10.00 20240102 "Bank" 1 "Sign"\n'
        "}\n"
    )
    sie, [ver] = parse_all(text.encode("utf-8"))
    assert sie.objects == {("1", "Projekt A"): "Sommarfesten"}
    rows = ver.transactions
    assert rows[0].objects == (("1", "Projekt A"), ("6", "SAM"))
    assert rows[1].objects == ()
    assert (rows[2].account, rows[2].objects, rows[2].amount) == (
        "4030",
        (("1", "100"),),
        Decimal("-5"),
    )
    assert (rows[2].date, rows[2].text) == (None, "utan datum")
    assert (rows[3].date, rows[3].text) == (date(2024, 1, 2), "Bank")


def test_rtrans_and_btrans_are_skipped() -> None:
    text = (
        "#FLAGGA 0\n"
        "#VER A 1 20240101\n"
        "{\n"
        "#BTRANS 4010 {} 99.00\n"
        "#RTRANS 4010 {} 10.00\n"
        "#TRANS 4010 {} 10.00\n"
        "#TRANS 1930 {} -10.00\n"
        "}\n"
    )
    _, [ver] = parse_all(text.encode())
    assert [row.account for row in ver.transactions] == ["4010", "1930"]


def test_missing_rar_and_unknown_tags() -> None:
    text = '#FLAGGA 0\n#NYTTIG "x" {1 2} 3\n#KONTO 1930 "Bank"\n#OMFATTN 20241231\n'
    sie, vers = parse_all(text.encode())
    assert sie.years == {}
    assert sie.accounts == {"1930": "Bank"}
    assert sie.sie_type is None
    assert vers == []
    assert sie.line_count == 4


def test_without_callback() -> None:
    sie = parse(io.BytesIO(SAMPLE.encode("cp437")))
    assert sie.verification_count == 1


def test_unbalanced_verification() -> None:
    text = (
        '#FLAGGA 0\n#VER B 7 20240301 "Fel"\n{\n#TRANS 1930 {} 100.00\n#TRANS 3010 {} -99.50\n}\n'
    )
    with pytest.raises(SieError) as info:
        parse_all(text.encode())
    assert info.value.line == 2
    assert "B 7 (2024-03-01) balanserar inte: summan är 0.50" in info.value.message
    assert str(info.value).startswith("Rad 2: Verifikationen B 7")


@pytest.mark.parametrize(
    "data",
    [b"hello\n", b"\x00\x01", b"", b"\n\n", b"PK\x03\x04\x00\x00", b"#FLAGGA 0\n\x00\x00\n"],
)
def test_not_sie(data: bytes) -> None:
    with pytest.raises(SieError) as info:
        parse_all(data)
    assert "Filen är inte en SIE-fil" in str(info.value)


def test_not_sie_names_the_line() -> None:
    with pytest.raises(SieError) as info:
        parse_all(b"\n\nhello #FLAGGA\n")
    assert info.value.line == 3
    assert info.value.message == "Filen är inte en SIE-fil: raden börjar inte med en #-tagg."
    assert str(info.value) == f"Rad 3: {info.value.message}"


def test_error_without_line() -> None:
    err = SieError("Något gick fel.")
    assert err.line is None
    assert str(err) == "Något gick fel."
    copy = pickle.loads(pickle.dumps(SieError("Fel.", 3)))
    assert (copy.message, copy.line, str(copy)) == ("Fel.", 3, "Rad 3: Fel.")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("#FLAGGA 0\n#IB 0 1930 12,50\n", 2, "Ogiltigt belopp '12,50'."),
        ("#FLAGGA 0\n#UB 0 1930 1e5\n", 2, "Ogiltigt belopp"),
        ("#FLAGGA 0\n#RAR 0 20240101 20241332\n", 2, "Ogiltigt datum '20241332'."),
        ("#FLAGGA 0\n#RAR 0 2024-01-01 20241231\n", 2, "Ogiltigt datum"),
        ("#FLAGGA 0\n#VER A 1 20240101\n#TRANS 1930 {} 1\n", 3, "saknar {"),
        ("#FLAGGA 0\n}\n", 2, "}"),
        ("#FLAGGA 0\n{\n", 2, "{"),
        ("#FLAGGA 0\n#TRANS 1930 {} 1.00\n", 2, "utanför en verifikation"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930 {} 0\n", 2, "tar slut"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930 {}\n}\n", 4, "saknar belopp"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930\n}\n", 4, "saknar belopp"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930 {} 1,00\n}\n", 4, "Ogiltigt belopp"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1 {} 0 2024\n}\n", 4, "Ogiltigt datum"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#VER A 2 20240101\n", 4, "Ny #VER"),
        ("#FLAGGA 0\n#VER A 1\n", 2, "#VER saknar"),
        ('#FLAGGA 0\n#IB 0 "1930 100.00\n', 2, "citattecken"),
        ('#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930 {6 "P} 1\n}\n', 4, "citattecken"),
        ("#FLAGGA 0\n#UB 0 1930 1000000000000.00\n", 2, "999 999 999 999,99"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\n#TRANS 1930 {} -1000000000000\n}\n", 4, "större"),
        ("#FLAGGA 0\n#RES 0 3010 NaN\n", 2, "Ogiltigt belopp"),
        ("#FLAGGA 0\n#RES 0 3010 Infinity\n", 2, "Ogiltigt belopp"),
        ("#FLAGGA 0\n#RAR 0 20240101\n", 2, "#RAR saknar"),
        ("#FLAGGA 0\n#PSALDO 0 202401 3010 {} 1x\n", 2, "Ogiltigt belopp"),
        ("#FLAGGA 0\n#VER A 1 20240101\n{\nTRANS 1930 {} 1\n}\n", 4, "ingen #-tagg"),
        ("#FLAGGA 0\n#PSALDO 0 202401 3010 {1} 5\n", 2, "Objektlistan"),
        ("#FLAGGA 0\n#PSALDO 0 202401 3010 {1 2 5\n", 2, "Objektlistan saknar"),
        ("#FLAGGA 0\n#RAR x 20240101 20241231\n", 2, "Ogiltigt årsnummer"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SieError) as info:
        parse_all(text.encode())
    assert info.value.line == line
    assert fragment.lower() in info.value.message.lower()


def test_invalid_utf8_after_sniffing() -> None:
    data = '#FNAMN "Åsa"\n'.encode() + b"#X " + b"a" * 70000 + b'\n#KONTO 1 "\xff"\n'
    with pytest.raises(SieError) as info:
        parse_all(data)
    assert info.value.line == 3


# --- property-based round trips -------------------------------------------------------

# Names use characters whose CP437 bytes are all below 0xC0 (never a UTF-8 lead byte),
# so a CP437 file can never be mistaken for UTF-8 by the sniffing.
ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 åäöÅÄÖéüÉ"\\{}.,-_/&()#'
names = st.text(alphabet=ALPHABET, max_size=20)
codes = st.from_regex(r"[0-9A-Z]{1,6}", fullmatch=True)
account_numbers = st.from_regex(r"[1-8][0-9]{3}", fullmatch=True)
amounts = st.integers(-(10**10), 10**10).map(lambda cents: Decimal(cents).scaleb(-2))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
object_lists = st.lists(st.tuples(st.sampled_from(["1", "2", "6"]), names), max_size=3).map(tuple)


@st.composite
def verifications(draw: st.DrawFn) -> tuple[str, str, date, str, list[tuple]]:
    rows = draw(
        st.lists(
            st.tuples(account_numbers, object_lists, amounts, st.none() | days, names),
            min_size=1,
            max_size=5,
        )
    )
    total = sum((row[2] for row in rows), Decimal(0))
    rows.append(("1930", (), -total, None, ""))
    series = draw(st.from_regex(r"[A-Z]{1,2}", fullmatch=True))
    number = str(draw(st.integers(1, 99999)))
    return series, number, draw(days), draw(names), rows


def q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def objects_text(objects: tuple[tuple[str, str], ...]) -> str:
    return "{" + " ".join(f"{dim} {q(code)}" for dim, code in objects) + "}"


def write_sie(company: str, accounts: dict, balances: dict, objects: dict, vers: list) -> str:
    out = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", f"#FNAMN {q(company)}"]
    out += [f"#KONTO {number} {q(name)}" for number, name in accounts.items()]
    out += [f"#OBJEKT {dim} {q(code)} {q(name)}" for (dim, code), name in objects.items()]
    out += [f"#IB {year} {number} {amount}" for (year, number), amount in balances.items()]
    for series, number, day, text, rows in vers:
        out.append(f"#VER {series} {number} {day:%Y%m%d} {q(text)} 20240101")
        out.append("{")
        for account, objs, amount, trans_date, trans_text in rows:
            when = f"{trans_date:%Y%m%d}" if trans_date else '""'
            out.append(f"\t#TRANS {account} {objects_text(objs)} {amount} {when} {q(trans_text)}")
        out.append("}")
    return "\n".join(out) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    company=names,
    accounts=st.dictionaries(account_numbers, names, max_size=8),
    balances=st.dictionaries(st.tuples(st.integers(-3, 0), account_numbers), amounts, max_size=5),
    objects=st.dictionaries(st.tuples(st.sampled_from(["1", "6"]), names), names, max_size=4),
    vers=st.lists(verifications(), max_size=5),
)
def test_round_trip(
    company: str, accounts: dict, balances: dict, objects: dict, vers: list
) -> None:
    text = write_sie(company, accounts, balances, objects, vers)
    for encoding in ("cp437", "utf-8"):
        sie, found = parse_all(text.encode(encoding))
        assert sie.company_name == company
        assert sie.accounts == accounts
        assert sie.objects == objects
        assert sie.opening == balances
        assert sie.verification_count == len(vers)
        assert sie.line_count == text.count("\n")
        assert len(found) == len(vers)
        for ver, (series, number, day, vertext, rows) in zip(found, vers, strict=True):
            assert (ver.series, ver.number, ver.date, ver.text) == (series, number, day, vertext)
            got = [(t.account, t.objects, t.amount, t.date, t.text) for t in ver.transactions]
            assert got == rows


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_sie_error(text: str) -> None:
    with contextlib.suppress(SieError):
        parse_all(("#FLAGGA 0\n" + text + "\n").encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_sie_error(data: bytes) -> None:
    with contextlib.suppress(SieError):
        parse_all(data)


# --- streaming -------------------------------------------------------------------------


class LazyStream(io.RawIOBase):
    """A raw stream producing its lines on demand, never holding the whole file."""

    def __init__(self, lines: Iterator[bytes]):
        self.lines = lines
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        while not self.buffer:
            try:
                self.buffer = next(self.lines)
            except StopIteration:
                return 0
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def many_lines(count: int) -> Iterator[bytes]:
    yield '#FLAGGA 0\n#SIETYP 4\n#FNAMN "Stora föreningen"\n'.encode("cp437")
    for n in range(count):
        yield (
            f'#VER A {n} 20240101 "Ver {n}"\n{{\n'
            f'#TRANS 4010 {{1 "100"}} {n}.25\n#TRANS 1930 {{}} -{n}.25\n}}\n'
        ).encode("cp437")


def test_streaming_memory_stays_flat() -> None:
    count = 40_000  # five lines each: 200 000 verification lines
    seen = 0

    def count_it(ver: Verification) -> None:
        nonlocal seen
        seen += 1

    tracemalloc.start()
    try:
        sie = parse(io.BufferedReader(LazyStream(many_lines(count))), count_it)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sie.verification_count == count == seen
    assert sie.line_count == 3 + 5 * count
    assert peak < 20 * 1024 * 1024, peak


def test_stream_is_never_read_whole() -> None:
    class Guard(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and size > 0, "read() without a size"
            return super().read(size)

    sie = parse(Guard(SAMPLE.encode("cp437")))
    assert sie.company_name == "Bygdegårdsföreningen Åsa-Öje"


# --- fast paths, leniency, encodings ----------------------------------------------------


def test_fast_and_general_paths_read_the_same() -> None:
    text = (
        "#FLAGGA 0\n"
        '#VER "A" "12" "20240105" "Faktura" 20240106 "Eva"\n{\n'
        '#TRANS 4611 {6 "TEAM" 1 "100"} 100.50 20240105 "Text" 3 "Eva"\n'
        '#TRANS 4612 {6 "TE AM"} 0.50 "" "Utan datum"\n'
        "#TRANS 1930 {} -101.00\n}\n"
        '#VER B 7 20240106 "Med \\"citat\\""\n{\n'
        '#TRANS 4611 {6 "A\\"B"} 1.00\n#TRANS 1930 {} -1\n}\n'
    )
    _, vers = parse_all(text.encode())
    first, second = vers
    assert (first.series, first.number, first.date, first.text) == (
        "A",
        "12",
        date(2024, 1, 5),
        "Faktura",
    )
    assert [(t.account, t.objects, t.amount, t.date, t.text) for t in first.transactions] == [
        ("4611", (("6", "TEAM"), ("1", "100")), Decimal("100.50"), date(2024, 1, 5), "Text"),
        ("4612", (("6", "TE AM"),), Decimal("0.50"), None, "Utan datum"),
        ("1930", (), Decimal("-101"), None, ""),
    ]
    assert second.text == 'Med "citat"'
    assert second.transactions[0].objects == (("6", 'A"B'),)


def test_glued_and_unterminated_quotes_in_names_warn() -> None:
    text = (
        "#FLAGGA 0\n"
        '#KONTO 1684 "Fordringar hos leverant"r"\n'
        '#KONTO 2440 "F"retagets l"n"\n'
        '#OBJEKT 1 "10" "Kansli"r"\n'
        '#FNAMN "Oavslutad\n'
        "#KTYP 3010\n#KTYP\n#NYTAGG 1 2\n"
    )
    sie, _ = parse_all(text.encode("cp437"))
    assert sie.accounts == {"1684": 'Fordringar hos leverant"r', "2440": 'F"retagets l"n'}
    assert sie.objects == {("1", "10"): 'Kansli"r'}
    assert sie.company_name == "Oavslutad"
    assert sie.account_types == {}
    assert [w.split(":")[0] for w in sie.warnings] == [f"Rad {n}" for n in range(2, 9)]


def test_warnings_are_capped_but_counted() -> None:
    sie, _ = parse_all(b"#FLAGGA 0\n" + b"#OKAND 1\n" * 500)
    assert len(sie.warnings) == 50 and sie.warning_count == 500


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("latin-1", "latin-1"), ("cp1252", "cp1252"), ("cp437", "cp437"), ("utf-8", "utf-8")],
)
def test_encoding_by_the_bytes(encoding: str, expected: str) -> None:
    dash = "–" if encoding in ("cp1252", "utf-8") else "-"
    text = f'#FLAGGA 0\n#FNAMN "Samordningsförbundet Västerås {dash} Öster"\n'
    sie, _ = parse_all(text.encode(encoding))
    assert sie.encoding == expected
    assert sie.company_name == f"Samordningsförbundet Västerås {dash} Öster"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Fel</body></html>", "webbsida (HTML)"),
        (b"  \n<html><head></head></html>", "webbsida (HTML)"),
        (b"PK\x03\x04\x14\x00rest", "zip-arkiv"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_files_that_are_something_else_say_what_they_look_like(data: bytes, fragment: str):
    with pytest.raises(SieError) as info:
        parse_all(data)
    assert info.value.message.startswith("Filen är inte en SIE-fil")
    assert fragment in info.value.message


def test_the_largest_amount_is_read_and_the_next_refused() -> None:
    ok = "#FLAGGA 0\n#UB 0 1930 999999999999.99\n#UB 0 2440 -999999999999.99\n"
    sie, _ = parse_all(ok.encode())
    assert sie.closing[(0, "1930")] == Decimal("999999999999.99")
    for bad in ("1000000000000.00", "999999999999.991", "0001000000000000"):
        with pytest.raises(SieError, match="999 999 999 999,99") as info:
            parse_all(f"#FLAGGA 0\n#UB 0 1930 {bad}\n".encode())
        assert info.value.line == 2
