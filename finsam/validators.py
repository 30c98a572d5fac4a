"""Validators shared by the apps."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_ORGNR_RE = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalize_orgnr(value: str) -> str:
    """'2220001974' or '222000-1974' → '222000-1974'; raises ValidationError otherwise."""
    text = (value or "").strip().replace(" ", "")
    match = _ORGNR_RE.match(text)
    if not match:
        raise ValidationError(
            "Organisationsnumret ska ha tio siffror, till exempel 222000-1974.", code="format"
        )
    digits = match[1] + match[2]
    if int(digits[2:4]) < 20:
        raise ValidationError(
            "Organisationsnumrets tredje och fjärde siffra ska tillsammans vara minst 20.",
            code="format",
        )
    if not luhn_ok(digits):
        raise ValidationError(
            "Organisationsnumrets kontrollsiffra stämmer inte. Kontrollera numret.",
            code="checksum",
        )
    return f"{match[1]}-{match[2]}"


def validate_orgnr(value: str) -> None:
    normalize_orgnr(value)


# C0 controls (NUL included), DEL and C1 controls, and the bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a name display
# reversed or out of order. Text areas keep tab, line feed and carriage return;
# one-line fields keep none of them.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL_MULTILINE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{_BIDI}]")
_CONTROL_SINGLE_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 20_000


@deconstructible
class PlainTextValidator:
    """Refuse control characters (NUL, escape, …) in a text people typed.

    They are never meant, they make the Excel export fail (openpyxl refuses them) and a
    PDF or a terminal may act on them. One validator for every text input: forms get it
    through finsam.forms.BoundedForm, services that take text call check_text.
    """

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value: str) -> None:
        pattern = _CONTROL_MULTILINE if self.multiline else _CONTROL_SINGLE_LINE
        if value and pattern.search(str(value)):
            raise ValidationError(
                "Texten innehåller ett otillåtet tecken (ett styrtecken eller ett tecken "
                "som vänder skrivriktningen"
                + ("" if self.multiline else ", till exempel tabb eller radbrytning")
                + "). Ta bort det och försök igen.",
                code="control_character",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline


def check_text(value: str, *, max_length: int, multiline: bool = True) -> str:
    """A text for a service: control characters and an over-long text are refused with
    a Swedish ValidationError; line endings become \\n."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    PlainTextValidator(multiline=multiline)(text)
    if len(text) > max_length:
        raise ValidationError(
            f"Texten är för lång: högst {max_length} tecken, den har {len(text)}.",
            code="max_length",
        )
    return text


def whole_number(text: object) -> int | None:
    """A whole number typed in a query string or a hidden field: ASCII digits only
    (str.isdigit also takes '²' and other scripts' digits, which int() then refuses)
    and at most 18 of them, else None."""
    value = str(text or "")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
