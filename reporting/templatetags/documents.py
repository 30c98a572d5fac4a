"""Formatting a document table's cell by the table's unit."""

from __future__ import annotations

from decimal import Decimal

from django import template

from finsam import money

register = template.Library()


def format_cell(value, unit: str) -> str:
    if value == "":
        return ""  # a heading row
    if value is None:
        return "–" if unit != "text" else ""
    if unit == "text" or isinstance(value, str):
        return str(value)
    if unit == "tkr":
        return money.format_tkr(value)
    if unit == "tkr1":
        return money.format_tkr(value, 1)
    if unit == "procent":
        return money.format_number(value, 1)
    value = Decimal(str(value))
    if unit in ("antal", "kr"):
        return money.format_number(value, 0)
    # Mixed tables: whole numbers as such, others with one decimal.
    return money.format_number(value, 0 if value == value.to_integral_value() else 1)


@register.filter
def cell(value, unit: str) -> str:
    return format_cell(value, unit)
