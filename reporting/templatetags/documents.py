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
    if unit == "antal":
        return money.format_number(value, 0)
    # Kronor, and the kronor of mixed tables: whole kronor, the one rule of every view.
    return money.format_kronor(value)


def mixed_unit(block, row, index: int) -> str:
    """A mixed table's cell prints as its column or row says: '%' in the heading or the
    row label is a percentage (one decimal); anything else whole kronor or counts."""
    if block.unit != "blandat":
        return block.unit
    column = block.columns[index] if index < len(block.columns) else ""
    if "%" in column or "%" in str(row.label):
        return "procent"
    return "kr"


@register.filter
def cell(value, unit: str) -> str:
    return format_cell(value, unit)


@register.simple_tag
def table_cell(value, block, row, index: int) -> str:
    unit = mixed_unit(block, row, index)
    if (
        unit == "procent"
        and block.unit == "blandat"
        and isinstance(value, int | Decimal)
        and Decimal(value) == Decimal(value).to_integral_value()
    ):
        # Shares computed as whole percent (the cost distribution) print as such.
        return money.format_number(Decimal(value), 0)
    return format_cell(value, unit)
