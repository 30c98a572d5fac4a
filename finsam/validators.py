"""Validators shared by the apps."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

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
