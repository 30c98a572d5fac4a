"""Money: parsing what people type, rounding, Swedish formatting, exact splits.

Everything that turns an amount into text or rounds it goes through this module,
so that rounding happens in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError

NBSP = "\u00a0"
MINUS = "\u2212"
ONE_KRONA = Decimal("1")
ONE_ORE = Decimal("0.01")

# The largest amount anywhere in the application: every amount column is
# DecimalField(max_digits=14, decimal_places=2), so twelve digits before the comma.
# Both SQLite and PostgreSQL hold exactly this; the parser refuses anything beyond it.
MAX_AMOUNT = Decimal("999999999999.99")
# Longer input than this cannot be an amount within MAX_AMOUNT (with its spaces, sign,
# decimals and "kr"), so it is refused before any regular expression or Decimal sees it.
_MAX_INPUT_LENGTH = 40

# Digits in groups of three separated by a space (any kind), or ungrouped digits;
# then an optional decimal part after a comma (or a point, as pasted from English).
_AMOUNT_RE = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?: \d{3})+|\d+)(?:[,.](?P<dec>\d{1,2}))?$"
)


class AmountError(ValidationError):
    """A typed amount that cannot be read; the message is Swedish and safe to show."""


def parse_amount(text: str | int | Decimal | None, *, allow_empty: bool = False) -> Decimal | None:
    """Read an amount as people type it: '1 500 000', '1500000', '1 500 000,50', '-1 234'.

    Spaces, non-breaking and thin spaces group thousands; a comma (or a point) starts
    at most two decimals; a leading minus (hyphen or the typographic minus) makes
    it negative. Anything else raises AmountError with a Swedish message.
    """
    if isinstance(text, Decimal | int | float) and not isinstance(text, bool):
        value = Decimal(str(text)) if isinstance(text, float) else Decimal(text)
        if not value.is_finite():
            raise AmountError("Det är inget belopp.", code="invalid")
        check_amount_bound(value)
        return value
    raw = "" if text is None else str(text)
    if len(raw) > _MAX_INPUT_LENGTH:
        raise AmountError(
            f"Beloppet är för långt. Det största belopp som går att spara är {_max_text()} kr.",
            code="max_value",
        )
    cleaned = raw.strip().replace(NBSP, " ").replace("\u202f", " ").replace("\u2009", " ")
    cleaned = cleaned.replace(MINUS, "-").replace("\u2013", "-")
    cleaned = re.sub(r"\s*kr\.?$", "", cleaned, flags=re.IGNORECASE).strip()
    cleaned = re.sub(r"^([-+])\s+", r"\1", cleaned)
    cleaned = re.sub(r" +", " ", cleaned)
    if cleaned == "":
        if allow_empty:
            return None
        raise AmountError("Ange ett belopp.", code="empty")
    match = _AMOUNT_RE.match(cleaned)
    if not match:
        if re.search(r"[A-Za-zÅÄÖåäö]", cleaned):
            message = f"”{raw.strip()}” är inget belopp: det innehåller bokstäver."
        elif cleaned.count(",") + cleaned.count(".") > 1:
            message = f"”{raw.strip()}” är inget belopp: bara ett decimaltecken får finnas."
        else:
            message = (
                f"”{raw.strip()}” är inget belopp. Skriv till exempel 1 500 000 eller 1 234,50."
            )
        raise AmountError(message, code="invalid")
    digits = match["int"].replace(" ", "")
    value = Decimal(f"{digits}.{match['dec']}" if match["dec"] else digits)
    if match["sign"] == "-":
        value = -value
    if value == 0:
        value = Decimal("0")  # no negative zero
    check_amount_bound(value)
    return value


def _max_text() -> str:
    return format_number(MAX_AMOUNT, 2).replace(NBSP, " ")


def check_amount_bound(value: Decimal) -> None:
    """Refuse an amount beyond MAX_AMOUNT (either sign) with a Swedish message."""
    if abs(value) > MAX_AMOUNT:
        raise AmountError(
            f"Beloppet är för stort. Det största belopp som går att spara är {_max_text()} kr.",
            code="max_value",
        )


def round_kronor(value: Decimal) -> Decimal:
    """Round to whole kronor, half away from zero, as Swedish statements do."""
    return value.quantize(ONE_KRONA, rounding=ROUND_HALF_UP)


_STEPS = {places: Decimal(1).scaleb(-places) for places in range(7)}


def round_to(value: Decimal, places: int) -> Decimal:
    step = _STEPS.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(step, rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int | float | None, places: int = 0) -> str:
    """'13 310 000', '81,8', '-712,0' with non-breaking spaces and a minus sign."""
    if value is None or value == "":
        return ""
    if type(value) is int and not places:  # counts: nothing to round
        return (MINUS if value < 0 else "") + f"{abs(value):,}".replace(",", NBSP)
    number = round_to(value if isinstance(value, Decimal) else Decimal(str(value)), places)
    sign = MINUS if number < 0 else ""  # a rounded −0 prints as 0
    # Python's own thousands grouping, then the Swedish separators.
    text = f"{abs(number):,.{places}f}"
    return sign + text.replace(",", NBSP).replace(".", ",")


def format_input(value: Decimal | int | None) -> str:
    """An amount as it should stand in an input: '1 500 000' or '1 234,50' (ASCII)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    places = 0 if number == number.to_integral_value() else 2
    return format_number(number, places).replace(NBSP, " ").replace(MINUS, "-")


def format_kronor(value: Decimal | int | None, places: int = 0) -> str:
    """Kronor as every view and document shows them: whole kronor, rounded half away
    from zero by round_kronor (12,5 → 13; −12,5 → −13). Stored amounts keep their öre."""
    if value is None or value == "":
        return ""
    if places:
        return format_number(value, places)
    return format_number(round_kronor(Decimal(str(value))), 0)


def format_tkr(value: Decimal | int | None, places: int = 0) -> str:
    """Thousands of kronor: 13 310 000 → '13 310'; with places=1 → '13 310,0'."""
    if value is None or value == "":
        return ""
    return format_number(Decimal(str(value)) / 1000, places)


def format_percent(value: Decimal | float | None, places: int = 1) -> str:
    """A percentage already expressed in percent: 47.6 → '47,6 %'."""
    if value is None or value == "":
        return ""
    return f"{format_number(value, places)}{NBSP}%"


def split_largest_remainder(
    total: Decimal | int, weights: Sequence[Decimal | int]
) -> list[Decimal]:
    """Split whole kronor by weights so that the parts sum exactly to the total.

    Every part gets the floor of its exact share; the kronor left over go one each
    to the parts with the largest remainders (ties: the larger weight, then the
    earlier part). Exact arithmetic with fractions, so no float ever decides.
    """
    total_int = int(Decimal(total))
    if Decimal(total) != total_int:
        raise ValueError("total must be whole kronor")
    if not weights:
        raise ValueError("at least one weight is needed")
    fractions = [Fraction(Decimal(w)) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions)
    if weight_sum == 0:
        raise ValueError("the weights must not all be zero")
    sign = -1 if total_int < 0 else 1
    magnitude = abs(total_int)
    exact = [magnitude * w / weight_sum for w in fractions]
    floors = [int(q) for q in exact]  # q >= 0, so int() is floor
    left = magnitude - sum(floors)
    order = sorted(
        range(len(exact)),
        key=lambda i: (-(exact[i] - floors[i]), -fractions[i], i),
    )
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(sign * part) for part in floors]
