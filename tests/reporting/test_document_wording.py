"""Swedish as people write it in the documents: a count takes the noun's plural, a
staff role its plural form, and a count of staff keeps its decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reporting.documents import MIXED, Row, Table
from reporting.documents.common import counted, plural_role, staffing_text
from reporting.templatetags.documents import format_cell, mixed_unit


@pytest.mark.parametrize(
    "role,plural",
    [
        ("coach", "coacher"),
        ("arbetskonsulent", "arbetskonsulenter"),
        ("kurator", "kuratorer"),
        ("ingenjör", "ingenjörer"),
        ("sjuksköterska", "sjuksköterskor"),
        ("rådgivare från Arbetsförmedlingen", "rådgivare från Arbetsförmedlingen"),
        ("coach i team", "coacher i team"),
        ("tekniker", "tekniker"),
    ],
)
def test_a_role_takes_its_plural(role, plural):
    assert plural_role(role) == plural


def test_one_of_a_role_stays_singular_and_three_take_the_plural():
    class S:
        def __init__(self, role, count):
            self.role, self.count, self.percent = role, count, Decimal(100)

    assert staffing_text([S("Coach", 3), S("Projektledare", 1), S("Kurator", 1)]) == (
        "3 coacher (100 %), 1 projektledare (100 %), 1 kurator (100 %)"
    )


def test_a_count_takes_the_nouns_form():
    assert counted(1, "aktivitet", "aktiviteter") == "1 aktivitet"
    assert counted(11, "aktivitet", "aktiviteter") == "11 aktiviteter"


def test_staff_of_one_and_a_half_print_as_such():
    table = Table(
        "Översikt", ["2024", "2023"], [Row("Antal anställda", [Decimal("1.5"), 3])], MIXED
    )
    unit = mixed_unit(table, table.rows[0], 0)
    assert unit == "antal"
    assert format_cell(Decimal("1.5"), unit) == "1,5"
    assert format_cell(Decimal("3.0"), unit) == "3"


def test_an_insats_goals_read_as_one_sentence_without_doubled_punctuation():
    from reporting.documents.plan import goals_sentence

    assert goals_sentence(["Minst 40 deltagare.", "Hälften går vidare. "]) == (
        "Minst 40 deltagare; Hälften går vidare."
    )
    assert goals_sentence(["Minst 40 deltagare"]) == "Minst 40 deltagare."
    assert goals_sentence([]) == ""
