"""Demo budgets from fixtures/budgets/*.toml (amounts in tkr), safe to load twice."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from budgets import ledger, services
from budgets.models import Budget, BudgetAmount, BudgetLine
from budgets.selectors import _contribution_key, contribution_amounts, contribution_for
from insatser.models import Insats
from members.models import Association, StateAllocation

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "budgets"


def load(*, stdout) -> None:
    for path in sorted(FIXTURES.glob("*.toml")):
        association = Association.objects.filter(slug=path.stem).first()
        if association is None:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lines = _lines(association, data)
        for budget_data in data.get("budgets", []):
            _budget(association, lines, budget_data)
        for forecast in data.get("forecasts", []):
            for name, tkr in forecast["amounts"].items():
                services.forecast_set(
                    line=lines[name],
                    year=forecast["year"],
                    made_on=forecast["made_on"],
                    amount=Decimal(tkr) * 1000,
                )
        for actuals in data.get("actuals", []):
            fiscal_year = services.fiscal_year_ensure(
                association=association, year=actuals["year"]
            )
            if actuals.get("contributions"):
                _contributions_as_outcome(lines, fiscal_year, actuals.get("month", 12))
            unit = 1 if actuals.get("unit") == "kr" else 1000
            for name, figure in actuals["amounts"].items():
                services.actuals_set(
                    fiscal_year=fiscal_year,
                    line=lines[name],
                    month=actuals.get("month", 12),
                    amount=Decimal(figure) * unit,
                )
        _link_insatser(association, lines, data.get("insats_codes", {}))
        for year_end in data.get("year_end", []):
            _year_end(association, year_end)
        for account, name in data.get("accounts", {}).items():
            ledger.account_mapping_save(association=association, account=account, line=lines[name])
        for sie in data.get("sie", []):
            with (FIXTURES / sie["file"]).open("rb") as stream:
                plan, record = ledger.apply_import(
                    association=association, stream=stream, file_name=sie["file"]
                )
            if record is not None:
                stdout.write(f"  {association.name}: {sie['file']} inläst ({plan.year})")
        stdout.write(f"  {association.name}: {len(data.get('budgets', []))} budgetar")


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
    return existing


DEMO_PARAGRAPH = "paragraf ej angiven i källan"


def _budget(association: Association, lines: dict[str, BudgetLine], data: dict) -> None:
    budget = Budget.objects.filter(association=association, year=data["year"]).first()
    if budget is None:
        version = services.budget_create(association=association, year=data["year"])
    else:
        version = budget.versions.order_by("-number").first()
        if version.is_decided:
            return
    stored = {
        (a.line_id, a.offset): a.version
        for a in BudgetAmount.objects.filter(budget_version=version)
    }
    for key, amounts in data["amounts"].items():
        line = lines[key.split("|", 1)[1]]
        for offset, tkr in enumerate(amounts):
            if (
                line.from_contributions
                and StateAllocation.objects.filter(
                    association=association, year=data["year"] + offset
                ).exists()
            ):
                continue  # that year's figure comes from the allocation
            services.budget_amount_set(
                budget_version=version,
                line=line,
                offset=offset,
                amount=Decimal(tkr) * 1000,
                expected_version=stored.get((line.id, offset), 0),
            )
    if "equity_estimate" in data:
        services.budget_equity_estimate_set(
            budget=version.budget, amount=Decimal(data["equity_estimate"]) * 1000
        )
    if data.get("decided_on"):
        services.budget_decide(
            budget_version=version,
            decided_on=data["decided_on"],
            # The source documents give the date of the decision but not its paragraph.
            paragraph=data.get("paragraph", DEMO_PARAGRAPH),
            confirmed=True,
        )


def _year_end(association: Association, data: dict) -> None:
    fiscal_year = services.fiscal_year_ensure(association=association, year=data["year"])
    if fiscal_year.is_closed:
        return
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
