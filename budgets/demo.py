"""Demo budgets from fixtures/budgets/*.toml (amounts in tkr), safe to load twice.

Each association lives its history in date order. First what carries no date of its
own: the budget lines, the draft figures of every budget, the account mapping and
the insats links. Then a timeline sorted by date: each year's outcome and year-end
as they became known, the forecasts, the board's decisions of the budgets and the
closings of the years. So a decided plan or a closed year's annual report holds what
was known at its date, and nothing known only later.

A year's outcome is taken as known at the end of the next January and its year-end
balances (or its SIE file) by the middle of February: assumed, as the source
documents give no such dates; a fixture entry may give its own `known_on`. On the
same day data comes first, then decisions, then closings.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings

from budgets import ledger, services
from budgets.models import Budget, BudgetAmount, BudgetLine, FiscalYear
from budgets.selectors import _contribution_key, contribution_amounts, contribution_for
from insatser.models import Insats
from members.models import Association, StateAllocation

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "budgets"
DATA, DECISION, CLOSING = 0, 1, 2


@dataclass(frozen=True)
class _Event:
    on: datetime.date
    rank: int  # DATA, DECISION or CLOSING: the order on one day
    year: int  # the fiscal year whose figures the event writes
    run: Callable[[], None]


def load(*, stdout) -> None:
    for path in sorted(FIXTURES.glob("*.toml")):
        association = Association.objects.filter(slug=path.stem).first()
        if association is None:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lines = _lines(association, data)
        for budget_data in data.get("budgets", []):
            _budget_draft(association, lines, budget_data)
        for account, name in data.get("accounts", {}).items():
            ledger.account_mapping_save(association=association, account=account, line=lines[name])
        _link_insatser(association, lines, data.get("insats_codes", {}))
        events = sorted(_timeline(association, lines, data, stdout), key=lambda e: (e.on, e.rank))
        for event in events:
            # A closed year keeps its figures: loading twice leaves it as it is.
            if not _closed(association, event.year):
                event.run()
        decided = sum(1 for e in events if e.rank == DECISION)
        closed = sum(1 for e in events if e.rank == CLOSING)
        stdout.write(
            f"  {association.name}: {len(data.get('budgets', []))} budgetar, "
            f"{decided} beslutade, {closed} stängda år"
        )


def _timeline(
    association: Association, lines: dict[str, BudgetLine], data: dict, stdout
) -> list[_Event]:
    """Every dated step of the association's history, unsorted."""
    events = []
    for row in data.get("actuals", []):
        on = row.get("known_on", datetime.date(row["year"] + 1, 1, 31))
        events.append(_Event(on, DATA, row["year"], partial(_actuals, association, lines, row)))
    for row in data.get("year_end", []):
        on = row.get("known_on", datetime.date(row["year"] + 1, 2, 15))
        events.append(_Event(on, DATA, row["year"], partial(_year_end, association, row)))
    for row in data.get("sie", []):
        on = row.get("known_on", datetime.date(row["year"] + 1, 2, 15))
        events.append(_Event(on, DATA, row["year"], partial(_sie, association, row, stdout)))
    for row in data.get("forecasts", []):
        events.append(_Event(row["made_on"], DATA, row["year"], partial(_forecast, lines, row)))
    for row in data.get("budgets", []):
        if row.get("decided_on"):
            events.append(
                _Event(
                    row["decided_on"], DECISION, row["year"], partial(_decide, association, row)
                )
            )
    for row in data.get("closings", []):
        events.append(
            _Event(row["closed_on"], CLOSING, row["year"], partial(_close, association, row))
        )
    return events


def _closed(association: Association, year: int) -> bool:
    return FiscalYear.objects.filter(
        association=association, year=year, closed_on__isnull=False
    ).exists()


def _lines(association: Association, data: dict) -> dict[str, BudgetLine]:
    existing = {line.name: line for line in association.budget_lines.all()}
    members = {m.name: m for m in association.members.all()}
    wanted: list[dict] = []
    for row in data.get("lines", []):
        wanted.append(
            {
                "group": row["group"],
                "name": row["name"],
                "state": row.get("state", False),
                "member": members.get(row.get("member", "")),
                "category": row.get("category", ""),
            }
        )
    for budget_data in data.get("budgets", []):
        for key in budget_data["amounts"]:
            group, name = key.split("|", 1)
            if all(w["name"] != name for w in wanted):
                wanted.append({"group": group, "name": name})
    for order, values in enumerate(wanted, 1):
        values["sort_order"] = order * 10
        if values["name"] not in existing:
            existing[values["name"]] = services.budget_line_save(
                association=association, data=values
            )
    # A line reported under another in the driftredovisning names it; set once every
    # line exists (the target may come later, e.g. from the budget's amounts).
    for row in data.get("lines", []):
        if "reported_under" not in row:
            continue
        line, target = existing[row["name"]], existing[row["reported_under"]]
        if line.reported_under_id != target.id:
            existing[row["name"]] = services.budget_line_save(
                association=association, data={"reported_under": target}, line=line
            )
    return existing


def _budget_draft(association: Association, lines: dict[str, BudgetLine], data: dict) -> None:
    """The budget's figures as drafted before the board's decision (or as they stand,
    for a budget the demo never decides)."""
    budget = Budget.objects.filter(association=association, year=data["year"]).first()
    if budget is None:
        version = services.budget_create(association=association, year=data["year"])
    else:
        version = budget.versions.order_by("-number").first()
        if version.is_decided:
            return
    stored = {
        (a.line_id, a.offset): a for a in BudgetAmount.objects.filter(budget_version=version)
    }
    for key, amounts in data["amounts"].items():
        line = lines[key.split("|", 1)[1]]
        for offset, tkr in enumerate(amounts):
            year, amount = data["year"] + offset, Decimal(tkr) * 1000
            cell = stored.get((line.id, offset))
            if (cell is not None and cell.amount == amount) or _closed(association, year):
                continue
            if (
                line.from_contributions
                and StateAllocation.objects.filter(association=association, year=year).exists()
            ):
                continue  # that year's figure comes from the allocation
            services.budget_amount_set(
                budget_version=version,
                line=line,
                offset=offset,
                amount=amount,
                expected_version=cell.version if cell else 0,
            )
    if "equity_estimate" in data:
        services.budget_equity_estimate_set(
            budget=version.budget, amount=Decimal(data["equity_estimate"]) * 1000
        )


def _decide(association: Association, data: dict) -> None:
    """The board's decision at its date. The source documents give the date but not
    the paragraph; the decision is recorded with the date alone unless the fixture
    names one."""
    version = (
        Budget.objects.get(association=association, year=data["year"])
        .versions.order_by("-number")
        .first()
    )
    if version.is_decided:
        return
    paragraph = data.get("paragraph", "")
    services.budget_decide(
        budget_version=version,
        decided_on=data["decided_on"],
        paragraph=paragraph,
        without_paragraph=not paragraph,
        confirmed=True,
    )


def _close(association: Association, data: dict) -> None:
    """The board's decision of the year's annual report, which closes the year; with
    `outside = true` a report made and decided outside Finsam (nothing is stored)."""
    paragraph = data.get("paragraph", "")
    # A year before the association used Finsam: its report was made elsewhere.
    close = (
        services.fiscal_year_close_outside if data.get("outside") else services.fiscal_year_close
    )
    close(
        fiscal_year=services.fiscal_year_ensure(association=association, year=data["year"]),
        closed_on=data["closed_on"],
        paragraph=paragraph,
        without_paragraph=not paragraph,
        confirmed=True,
    )


def _forecast(lines: dict[str, BudgetLine], data: dict) -> None:
    for name, tkr in data["amounts"].items():
        services.forecast_set(
            line=lines[name],
            year=data["year"],
            made_on=data["made_on"],
            amount=Decimal(tkr) * 1000,
        )


def _actuals(association: Association, lines: dict[str, BudgetLine], data: dict) -> None:
    fiscal_year = services.fiscal_year_ensure(association=association, year=data["year"])
    month = data.get("month", 12)
    if data.get("contributions"):
        _contributions_as_outcome(lines, fiscal_year, month)
    unit = 1 if data.get("unit") == "kr" else 1000
    for name, figure in data["amounts"].items():
        services.actuals_set(
            fiscal_year=fiscal_year,
            line=lines[name],
            month=month,
            amount=Decimal(figure) * unit,
        )


def _sie(association: Association, data: dict, stdout) -> None:
    with (FIXTURES / data["file"]).open("rb") as stream:
        plan, record = ledger.apply_import(
            association=association, stream=stream, file_name=data["file"]
        )
    if record is not None:
        stdout.write(f"  {association.name}: {data['file']} inläst ({plan.year})")


def _year_end(association: Association, data: dict) -> None:
    fiscal_year = services.fiscal_year_ensure(association=association, year=data["year"])
    values = {
        name: Decimal(data[name])
        for name in ("equity_opening", "capital_contribution", "realisation_gains", "employees")
        if name in data
    }
    if values:
        services.year_end_save(fiscal_year=fiscal_year, data=values)
    if "balances" not in data:
        return  # key figures only; the balances come from elsewhere (an SIE file)
    rows = [
        (item, label, Decimal(amount), "")
        for item, specification in data.get("balances", {}).items()
        for label, amount in specification
    ]
    services.balance_lines_replace(fiscal_year=fiscal_year, rows=rows)


def _contributions_as_outcome(lines: dict[str, BudgetLine], fiscal_year, month: int) -> None:
    """The members' contributions were paid as decided: their outcome is the figure."""
    year = fiscal_year.year
    contributions = contribution_amounts(association=fiscal_year.association, years=[year])
    for line in lines.values():
        known, amount = contribution_for(contributions, _contribution_key(line), year)
        if known and line.from_contributions:
            services.actuals_set(fiscal_year=fiscal_year, line=line, month=month, amount=amount)


def _link_insatser(
    association: Association, lines: dict[str, BudgetLine], codes: dict[str, str]
) -> None:
    """Link insats lines to the insats with that code, when the insatser app has it."""
    if not codes:
        return
    insatser = {i.code: i for i in Insats.objects.filter(association=association)}
    for name, code in codes.items():
        line, insats = lines.get(name), insatser.get(code)
        if line is not None and insats is not None and line.insats_id != insats.id:
            lines[name] = services.budget_line_save(
                association=association, data={"insats": insats}, line=line
            )
