"""The budget grid's cell as one tag: a grid of 350 lines has over a thousand cells,
and a cell written out in template syntax costs some fifteen variable lookups,
escapes and filters each; here it is one formatted string."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from budgets.selectors import Cell
from finsam.money import format_input, format_kronor

register = template.Library()


@register.simple_tag
def grid_cell(cell: Cell, line_name: str, cell_url: str) -> SafeString:
    """One amount cell; with htmx it saves itself when left (budgets.views.cell_save)."""
    key = cell.key
    error = conditional_escape(cell.error) if cell.error else ""
    css = "num cell has-error" if error else "num cell"
    if not cell.editable:
        message = f'<span class="cell-error" role="alert">{error}</span>' if error else ""
        return mark_safe(
            f'<td class="{css}" id="c-{key}">{format_kronor(cell.amount)}{message}</td>'
        )
    value = conditional_escape(cell.typed if cell.typed is not None else format_input(cell.amount))
    invalid = f' aria-invalid="true" aria-describedby="e-{key}"' if error else ""
    message = f'<span class="cell-error" id="e-{key}" role="alert">{error}</span>' if error else ""
    if not error and getattr(cell, "warning", ""):
        warning = conditional_escape(cell.warning)
        message = f'<span class="cell-warning" role="status">{warning}</span>'
    return mark_safe(
        f'<td class="{css}" id="c-{key}">'
        f'<input class="amount" name="cell-{key}" value="{value}"'
        f' aria-label="{conditional_escape(line_name)} {cell.year}" inputmode="decimal"'
        f' autocomplete="off" data-line="{cell.line}" data-col="{cell.col}"'
        f' hx-post="{conditional_escape(cell_url)}" hx-trigger="change"'
        f' hx-sync="#budget-grid:queue all"'
        f' hx-vals=\'{{"line": "{cell.line}", "offset": "{cell.col}",'
        f' "cell_version": "{cell.version}"}}\''
        f' hx-target="#c-{key}" hx-swap="outerHTML"{invalid}>'
        f'<input type="hidden" name="v-{key}" value="{cell.version}">{message}</td>'
    )


@register.filter
def columns(values, indices):
    """Only the columns shown: `row.values|columns:comparison.shown`."""
    return [values[i] for i in indices]
