"""Charts as SVG drawn on the server, the same in the page and in the PDF.

Plain SVG with presentation attributes (fill, x, y, …): no script and no style
element, so it holds under the Content-Security-Policy (pygal's SVG carries a script
and matplotlib's a style block). Each chart is an image with a text alternative
(`role="img"`, `<title>`, `<desc>` with every figure); the document puts a table of
the same figures beside it. Two fills of clearly different darkness and the figures
written out keep it readable in black and white.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from finsam.money import format_number

FILLS = ["#1f4e79", "#9dc3e6", "#5b8c3a", "#d9a441"]
TEXT = "#1a1a1a"
WIDTH = 640
LABEL_WIDTH = 190
BAR_HEIGHT = 16
GAP = 10


def bars(
    *,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[Decimal | int | float]]],
    unit: str = "",
    ceiling: Decimal | int | None = None,
) -> SafeString:
    """Horizontal grouped bars: one group per label, one bar per series. Without a
    figure other than zero there is nothing to draw: the result is empty. A zero or
    missing figure draws no bar (and no "0 %" label)."""
    series = [(name, [v if v is not None else 0 for v in vs]) for name, vs in series]
    values = [Decimal(str(v)) for _, vs in series for v in vs]
    if not labels or not any(values):
        return mark_safe("")
    # Named by what it shows, so the same document always makes the same HTML (and
    # its rendered PDF is found again by content).
    chart_id = (
        "chart-" + hashlib.sha256(repr((title, labels, series, unit)).encode()).hexdigest()[:12]
    )
    top = max([*values, Decimal(ceiling) if ceiling is not None else Decimal(0), Decimal(1)])
    plot = WIDTH - LABEL_WIDTH - 70
    group_height = len(series) * BAR_HEIGHT + GAP
    if any(len(label) > LABEL_CHARS for label in labels):
        group_height = max(group_height, 2 * 14 + GAP)
    legend_height = 22
    height = legend_height + len(labels) * group_height + 10

    def fmt(v: Decimal) -> str:
        places = 0 if v == v.to_integral_value() else 1
        return f"{format_number(v, places)}{' ' + unit if unit else ''}".replace("\xa0", " ")

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]

    def said(v) -> str:
        value = Decimal(str(v))
        return fmt(value) if value else "uppgift saknas"

    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {said(vs[i])}" for name, vs in series)
        for i, label in enumerate(labels)
    )
    parts.append(f'<desc id="{chart_id}-d">{escape(desc)}</desc>')
    x = LABEL_WIDTH
    for i, (name, _) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{FILLS[i % len(FILLS)]}" '
            f'stroke="{TEXT}" stroke-width="0.5"/>'
            f'<text x="{x + 16}" y="14" font-size="12" fill="{TEXT}">{escape(name)}</text>'
        )
        x += 24 + 8 * len(name)
    for g, label in enumerate(labels):
        y0 = legend_height + g * group_height
        lines = _wrap(label)
        middle = y0 + len(series) * BAR_HEIGHT / 2 + 4 - (len(lines) - 1) * 7
        for n, line in enumerate(lines):
            parts.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{middle + n * 14:.1f}" '
                f'font-size="12" text-anchor="end" fill="{TEXT}">{escape(line)}</text>'
            )
        for s, (_, vs) in enumerate(series):
            value = Decimal(str(vs[g]))
            if not value:
                continue  # no bar and no "0" for a missing figure
            length = float(max(value, Decimal(0)) / top) * plot
            y = y0 + s * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{FILLS[s % len(FILLS)]}" stroke="{TEXT}" stroke-width="0.5"/>'
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR_HEIGHT - 4}" '
                f'font-size="11" fill="{TEXT}">{escape(fmt(value))}</text>'
            )
    if ceiling is not None:
        cx = LABEL_WIDTH + float(Decimal(ceiling) / top) * plot
        parts.append(
            f'<line x1="{cx:.1f}" y1="{legend_height - 2}" x2="{cx:.1f}" y2="{height - 4}" '
            f'stroke="#b00020" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{cx + 4:.1f}" y="{height - 6}" font-size="11" fill="#b00020">'
            f"tak {escape(fmt(Decimal(ceiling)))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text is escaped above


LABEL_CHARS = 28  # what fits left of the bars at font size 12


def _wrap(label: str) -> list[str]:
    """A long label on two lines (the second shortened with an ellipsis if need be),
    so no label runs off the chart's left edge."""
    if len(label) <= LABEL_CHARS:
        return [label]
    cut = label.rfind(" ", 0, LABEL_CHARS + 1)
    if cut <= 0:
        cut = LABEL_CHARS
    first, rest = label[:cut].strip(), label[cut:].strip()
    if len(rest) > LABEL_CHARS:
        rest = rest[: LABEL_CHARS - 1].rstrip() + "…"
    return [first, rest]
