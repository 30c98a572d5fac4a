"""Formatting a document table's cell by the table's unit."""

from __future__ import annotations

import html
from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

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
    if unit == "antal":
        # counts are whole, but a count of staff may be 1,5: its decimals are kept
        number = Decimal(str(value)).normalize()
        return money.format_number(number, max(0, min(2, -number.as_tuple().exponent)))
    value = Decimal(str(value))
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
    if str(row.label).startswith("Antal"):
        return "antal"  # Antal anställda: 1,5 prints as 1,5
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


# Tables are most of a document's markup (an annual report at ten times the demo has
# some 7 000 cells), so they are written here in one pass rather than by a template
# loop with a tag per cell; the markup is the same the template wrote.
KEEP_TOGETHER_ROWS = 24  # a table this short is not split across pages


def _escape(value) -> str:
    """Django's conditional_escape without its lazy-string wrapper: this runs per cell."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag
def document_table(block) -> SafeString:
    esc = _escape
    number = block.unit != "text"
    num = ' class="num"' if number else ""
    notes = bool(block.notes)
    caption = esc(block.caption)
    keep = " keep" if len(block.rows) <= KEEP_TOGETHER_ROWS else ""
    # The sheet names the kind of table, for the print styles (sheet-mal, ...).
    kind = f" sheet-{slugify(block.sheet)}" if block.sheet else ""
    parts = [
        f'<div class="table-wrap doc-table{kind}{keep}" tabindex="0" role="region" '
        f'aria-label="{caption}">\n<table>\n  <caption>{caption}</caption>\n'
        f'  <thead><tr><th scope="col">{esc(block.label_heading) or "&nbsp;"}</th>',
        '<th scope="col" class="note">Not</th>' if notes else "",
        *(f'<th scope="col"{num}>{esc(c)}</th>' for c in block.columns),
        "</tr></thead>\n  <tbody>\n  ",
    ]
    span = len(block.columns) + 1 + notes
    for row in block.rows:
        label = esc(row.label)
        if row.heading:
            parts.append(
                f'<tr class="group"><th scope="rowgroup" colspan="{span}">{label}</th></tr>\n  '
            )
            continue
        total = ' class="total"' if row.strong else ""
        parts.append(f'<tr{total}><th scope="row">{label}</th>')
        if notes:
            parts.append(f'<td class="note">{esc(row.note)}</td>')
        parts.extend(
            f"<td{num}>{esc(table_cell(value, block, row, index))}</td>"
            for index, value in enumerate(row.values)
        )
        parts.append("</tr>\n  ")
    parts.append("\n  </tbody>\n</table>\n</div>")
    return mark_safe("".join(parts))  # every part above is escaped
