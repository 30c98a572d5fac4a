"""Forecasts, monthly outcome and line upkeep in the browser."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from budgets import services
from budgets.models import Actual, BudgetAmount, BudgetLine, Forecast
from budgets.selectors import budget_grid


def url(name: str, **kwargs) -> str:
    return reverse(f"budgets:{name}", kwargs={"slug": "testbygden", **kwargs})


def _line(association, name="Kansli"):
    return services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": name}
    )


def test_forecasts_keep_their_history(kansli_client, association):
    line = _line(association)
    for made_on, amount in [("2025-03-10", "100 000"), ("2025-09-15", "120 000")]:
        response = kansli_client.post(
            url("forecast_edit", year=2025), {"made_on": made_on, f"line-{line.pk}": amount}
        )
        assert response.status_code == 302
    assert [f.amount for f in Forecast.objects.order_by("made_on")] == [100000, 120000]
    assert "120\u00a0000" in kansli_client.get(url("forecast_edit", year=2025)).content.decode()


def test_monthly_outcome_refuses_a_bad_amount_and_saves_nothing(kansli_client, association):
    kansli, styrelse = _line(association), _line(association, "Styrelse")
    response = kansli_client.post(
        url("actuals_edit", year=2025),
        {"month": "3", f"line-{kansli.pk}": "9 000", f"line-{styrelse.pk}": "nio"},
    )
    assert response.status_code == 400
    assert "bokstäver" in response.content.decode()
    assert not Actual.objects.exists()
    response = kansli_client.post(
        url("actuals_edit", year=2025),
        {"month": "3", f"line-{kansli.pk}": "9 000", f"line-{styrelse.pk}": "1 500,50"},
    )
    assert response.status_code == 302
    assert {a.line_id: a.amount for a in Actual.objects.filter(month=3)} == {
        kansli.pk: Decimal(9000),
        styrelse.pk: Decimal("1500.50"),
    }


def test_a_retired_line_keeps_its_history(kansli_client, association):
    line = _line(association)
    version = services.budget_create(association=association, year=2025)
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(5), expected_version=0
    )
    response = kansli_client.post(
        url("line_edit", budgetline_id=line.pk),
        {
            "version": line.version,
            "name": "Kansli och ekonomi",
            "group": "administration",
            "sort_order": "5",
            "retired": "on",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.retired and line.name == "Kansli och ekonomi"
    grid = budget_grid(budget=version.budget, can_edit=True)
    row = grid.groups[0].rows[0]
    assert row.line == line and row.cells[0].amount == Decimal(5) and not row.cells[0].editable
    assert BudgetAmount.objects.count() == 1
    stale = kansli_client.post(
        url("line_edit", budgetline_id=line.pk),
        {"version": "1", "name": "Annat", "group": "administration", "sort_order": "5"},
    )
    assert stale.status_code == 400 and "har ändrats av någon annan" in stale.content.decode()


def test_a_line_is_linked_to_an_insats_of_the_same_association(
    kansli_client, association, other_association
):
    from insatser.models import Insats

    ours = Insats.objects.create(association=association, name="Team", code="T", kind="individ")
    theirs = Insats.objects.create(
        association=other_association, name="Grann", code="G", kind="individ"
    )
    line = _line(association, "Team")
    base = {"version": line.version, "name": "Team", "group": "insats", "sort_order": "5"}
    refused = kansli_client.post(
        url("line_edit", budgetline_id=line.pk), {**base, "insats": theirs.pk}
    )
    assert refused.status_code == 400
    assert (
        kansli_client.post(
            url("line_edit", budgetline_id=line.pk), {**base, "insats": ours.pk}
        ).status_code
        == 302
    )
    line.refresh_from_db()
    assert line.insats == ours
