from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finsam.money import (
    AmountError,
    format_kronor,
    format_percent,
    format_tkr,
    parse_amount,
    split_largest_remainder,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 500 000", Decimal("1500000")),
        ("1500000", Decimal("1500000")),
        ("1 500 000,50", Decimal("1500000.50")),
        ("-1 234", Decimal("-1234")),
        ("\u22121 234", Decimal("-1234")),
        (f"1{NBSP}500{NBSP}000", Decimal("1500000")),
        ("1\u202f500", Decimal("1500")),
        ("  42 ", Decimal("42")),
        ("0,5", Decimal("0.5")),
        ("12.75", Decimal("12.75")),
        ("+300", Decimal("300")),
        ("- 300", Decimal("-300")),
        ("1 500 kr", Decimal("1500")),
        ("-0", Decimal("0")),
    ],
)
def test_it_reads_what_people_type(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("tolv", "bokstäver"),
        ("12a", "bokstäver"),
        ("1,2,3", "ett decimaltecken"),
        ("1,000.50", "ett decimaltecken"),
        ("", "Ange ett belopp"),
        ("   ", "Ange ett belopp"),
        ("1 50 000", "inget belopp"),
        ("1,234", "inget belopp"),
        ("--5", "inget belopp"),
        ("5-", "inget belopp"),
    ],
)
def test_it_refuses_rubbish_with_a_swedish_message(typed, fragment):
    with pytest.raises(AmountError) as caught:
        parse_amount(typed)
    assert fragment in caught.value.messages[0]


def test_negative_zero_is_plain_zero():
    assert str(parse_amount("-0,00")) == "0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("13310000"), f"13{NBSP}310{NBSP}000"),
        (Decimal("-712"), "\u2212712"),
        (Decimal("187326.49"), f"187{NBSP}326"),
        (Decimal("0"), "0"),
        (Decimal("-0.4"), "0"),
        (999, "999"),
        (None, ""),
    ],
)
def test_it_formats_kronor(value, expected):
    assert format_kronor(value) == expected


def test_it_formats_tkr_and_percent():
    assert format_tkr(Decimal("13310000")) == f"13{NBSP}310"
    assert format_tkr(Decimal("-712049"), 1) == "\u2212712,0"
    assert format_tkr(Decimal("81750"), 1) == "81,8"
    assert format_percent(Decimal("47.6")) == f"47,6{NBSP}%"
    assert format_percent(Decimal("61.94"), 1) == f"61,9{NBSP}%"


def test_it_splits_by_largest_remainder():
    # Västmanland 2024: the printed amounts are the key and sum to 4 759 499.
    printed = [236975, 224196, 288938, 146015, 423391, 93732, 73599, 406064, 168244, 2698345]
    parts = split_largest_remainder(4759500, printed)
    assert sum(parts) == 4759500
    assert [p - q for p, q in zip(parts, printed, strict=True)].count(1) == 1
    assert split_largest_remainder(1500000 // 2, [50, 30, 20]) == [375000, 225000, 150000]
    assert split_largest_remainder(10, [1, 1, 1]) == [4, 3, 3]


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_any_total_and_key_split_exactly(total, weights):
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(abs(total)) * weight / weight_sum
        # Each part is within one krona of its exact share.
        assert abs(abs(part) - exact) < 1
        if weight == 0:
            assert part == 0


@given(st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False))
def test_formatting_and_parsing_round_trip(value):
    shown = format_kronor(value, 2).replace(NBSP, " ")
    assert parse_amount(shown) == value


def test_kronor_show_whole_everywhere_rounded_half_away_from_zero():
    from finsam.money import format_kronor

    assert format_kronor(Decimal("12.5")) == "13"
    assert format_kronor(Decimal("-12.5")) == "\u221213"
    assert format_kronor(Decimal("884579.5")) == "884\u00a0580"
    assert format_kronor(Decimal("884579.49")) == "884\u00a0579"


def test_a_mixed_document_table_prints_kronor_whole_and_percentages_with_a_decimal():
    from django.template.loader import render_to_string

    from reporting.documents import Row, Table

    table = Table(
        "Eget kapital under budgetperioden",
        ["Utgående eget kapital", "Andel av intäkterna (%)"],
        [
            Row("2026", [Decimal("884579.5"), Decimal("12.34")]),
            Row("Soliditet (%)", [Decimal("81.84"), None]),
        ],
        unit="blandat",
    )
    html = render_to_string("reporting/blocks/table.html", {"block": table})
    assert ">884\u00a0580<" in html and ">12,3<" in html and ">81,8<" in html
    assert "884\u00a0579,5" not in html
