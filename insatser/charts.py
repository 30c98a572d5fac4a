"""Horizontal bar charts for the follow-up, as geometry for an SVG template.

Pure functions over plain figures: no model, no database, no colour that needs
colour to be read. Two series (kvinnor/män, före/efter) lie side by side per row;
the first is dark and the second light with a dark outline, and every bar carries
its number as text, so a black-and-white print still reads.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 270  # room for "Annan arbetslivsinriktad rehabilitering"
PLOT_WIDTH = 280
VALUE_ROOM = 90  # the number (or "ej redovisat") right of the bar
BAR_HEIGHT = 14
ROW_GAP = 10
TOP = 30  # the legend
BOTTOM = 8
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_ROOM

DARK = "#1f3a5f"
LIGHT = "#c9d8ea"
TEXT = "#1a1a1a"
NOT_REPORTED = "ej redovisat"


@dataclass(frozen=True)
class Bar:
    series: str
    value: int | None
    x: int
    y: int
    width: float
    height: int
    fill: str
    text: str  # what is written after the bar
    text_x: float
    text_y: int


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str
    x: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    legend: tuple[LegendItem, ...]
    width: int
    height: int
    label_x: int
    outline: str = DARK
    text_fill: str = TEXT

    @property
    def desc(self) -> str:
        """The figures in words, for the SVG's <desc>."""
        parts = []
        for row in self.rows:
            values = ", ".join(f"{bar.series.lower()} {bar.text}" for bar in row.bars)
            parts.append(f"{row.label}: {values}")
        return "; ".join(parts) + "."


def _text(value: int | None) -> str:
    return NOT_REPORTED if value is None else str(value)


def bar_length(value: int | None, largest: int, plot_width: int = PLOT_WIDTH) -> float:
    """Proportional to the value; nothing (zero or unreported) gives no bar."""
    if not value or largest <= 0:
        return 0.0
    return round(value * plot_width / largest, 1)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: list[tuple[str, tuple[int | None, ...]]],
    series: tuple[str, ...] = ("Kvinnor", "Män"),
) -> BarChart:
    """Rows of (label, one value per series); a value of None is "ej redovisat"."""
    fills = (DARK, LIGHT)
    largest = max((v for _, values in rows for v in values if v is not None), default=0)
    group = BAR_HEIGHT * len(series) + ROW_GAP
    chart_rows = []
    for index, (label, values) in enumerate(rows):
        top = TOP + index * group
        bars = []
        for position, (name, value) in enumerate(zip(series, values, strict=True)):
            y = top + position * BAR_HEIGHT
            width = bar_length(value, largest)
            bars.append(
                Bar(
                    series=name,
                    value=value,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT - 2,
                    fill=fills[position % len(fills)],
                    text=_text(value),
                    text_x=LABEL_WIDTH + width + 4,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
        chart_rows.append(
            Row(label=label, label_y=top + BAR_HEIGHT * len(series) // 2 + 4, bars=tuple(bars))
        )
    legend = tuple(
        LegendItem(
            label=name,
            fill=fills[position % len(fills)],
            x=LABEL_WIDTH + position * 110,
            text_x=LABEL_WIDTH + position * 110 + 18,
        )
        for position, name in enumerate(series)
    )
    return BarChart(
        chart_id=chart_id,
        title=title,
        series=tuple(series),
        rows=tuple(chart_rows),
        legend=legend,
        width=WIDTH,
        height=TOP + len(rows) * group + BOTTOM,
        label_x=LABEL_WIDTH - 8,
    )
