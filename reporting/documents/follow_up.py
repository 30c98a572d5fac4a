"""Budgetuppföljning/delårsrapport: outcome to date against the year's budget and the
latest forecast, per line and per insats."""

from __future__ import annotations

from decimal import Decimal

from budgets.models import Budget, Forecast
from budgets.selectors import comparison, insats_money
from insatser.models import Insats
from members.models import Association
from reporting.documents.blocks import Document, Row, Section, Table
from reporting.documents.common import cover

ZERO = Decimal(0)
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def follow_up(association: Association, year: int, month: int) -> Document:
    budget = Budget.objects.filter(association=association, year=year).first()
    blocks = []
    if budget is not None:
        blocks.extend(_per_line(association, budget, year, month))
    blocks.extend(_per_insats(association, year))
    return Document(
        kind="uppfoljning",
        slug="uppfoljning",
        title=f"Budgetuppföljning {year}",
        subtitle=f"Utfall till och med {MONTHS[month - 1]}",
        association=association,
        year=year,
        sections=[Section("uppfoljning", "1", "Utfall mot budget", blocks)] if blocks else [],
        **cover(association),
    )


def _per_line(association: Association, budget: Budget, year: int, month: int) -> list:
    comp = comparison(budget=budget)
    forecasts = {}
    for f in Forecast.objects.filter(line__association=association, year=year).order_by(
        "made_on", "id"
    ):
        forecasts[f.line_id] = f.amount  # the latest forecast wins
    rows = []
    for group in comp.groups:
        for r in group.rows:
            if r.outcome_to_date is None and r.values[3] is None:
                continue
            rows.append(
                Row(
                    r.line.name,
                    [r.values[3], r.outcome_to_date, r.deviation, forecasts.get(r.line.id)],
                )
            )
    table = Table(
        f"Utfall januari–{MONTHS[month - 1]} {year} mot helårsbudget",
        [f"Budget {year}", "Utfall hittills", "Utfall − budget", f"Helårsprognos {year}"],
        rows,
        sheet="Uppföljning",
    ).without_empty_columns()
    return [] if table.is_empty else [table]


def _per_insats(association: Association, year: int) -> list:
    insatser = list(Insats.objects.filter(association=association).order_by("pk"))
    money = insats_money(
        association=association, insats_ids=[i.pk for i in insatser], years=[year]
    )
    rows = [
        Row(
            i.name,
            [
                money[i.pk][year].budget,
                money[i.pk][year].outcome,
                (money[i.pk][year].outcome or ZERO) - (money[i.pk][year].budget or ZERO),
            ],
        )
        for i in insatser
        if year in money.get(i.pk, {})
    ]
    if not rows:
        return []
    table = Table(
        f"Per insats {year}",
        ["Budget", "Utfall hittills", "Utfall − budget"],
        rows,
        sheet="Per insats",
    ).without_empty_columns()
    return [] if table.is_empty else [table]
