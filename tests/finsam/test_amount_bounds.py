"""One bound for every amount: 999 999 999 999,99 kr saves, one öre more is refused.

Run on SQLite and on PostgreSQL (DATABASE_URL): both must store the largest amount
exactly and neither may answer 500 for the next one.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest

from budgets.models import BalanceLine, FiscalYear
from finsam.money import MAX_AMOUNT, AmountError, parse_amount
from insatser.models import FundingDecision, Insats
from members.models import StateAllocation

LARGEST = "999 999 999 999,99"
TOO_LARGE = "1 000 000 000 000"
ONE_ORE_MORE = "1000000000000,00"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (LARGEST, MAX_AMOUNT),
        ("-999 999 999 999,99", -MAX_AMOUNT),
        ("999999999999.99 kr", MAX_AMOUNT),
        (MAX_AMOUNT, MAX_AMOUNT),
        (999_999_999_999, Decimal("999999999999")),
    ],
)
def test_it_reads_the_largest_amount(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        TOO_LARGE,
        ONE_ORE_MORE,
        "-1 000 000 000 000",
        "1e30",
        "NaN",
        "Infinity",
        "-inf",
        Decimal("1000000000000"),
        Decimal("NaN"),
        Decimal("Infinity"),
        10**13,
        float("inf"),
    ],
)
def test_it_refuses_what_is_too_large_or_not_a_number(typed):
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    assert "belopp" in info.value.messages[0].lower()  # a Swedish sentence


def test_it_refuses_a_hundred_thousand_digits_at_once():
    start = time.perf_counter()
    with pytest.raises(AmountError, match="för långt"):
        parse_amount("9" * 100_000)
    with pytest.raises(AmountError):
        parse_amount("1 " * 50_000)
    assert time.perf_counter() - start < 0.05


def _post_balance(client, amount):
    return client.post(
        "/testbygden/bokslut/2024/balanser/",
        {"item": BalanceLine.CASH, "label": "Bank", "amount": amount},
    )


def test_a_balance_line_saves_the_largest_and_refuses_the_next(kansli_client):
    response = _post_balance(kansli_client, TOO_LARGE)
    assert response.status_code == 400
    assert "Beloppet är för stort" in response.content.decode()
    assert not BalanceLine.objects.exists()
    assert _post_balance(kansli_client, LARGEST).status_code == 302
    assert BalanceLine.objects.get().amount == MAX_AMOUNT
    # The statements with that amount still render (no overflow later on).
    assert kansli_client.get("/testbygden/bokslut/2024/").status_code == 200


def test_year_end_fields_refuse_beyond_the_bound(kansli_client):
    data = {"version": "0", "equity_opening": LARGEST, "realisation_gains": "0"}
    response = kansli_client.post(
        "/testbygden/bokslut/2024/uppgifter/", {**data, "capital_contribution": TOO_LARGE}
    )
    assert response.status_code == 400
    assert "Beloppet är för stort" in response.content.decode()
    assert not FiscalYear.objects.filter(year=2024).exists()
    response = kansli_client.post(
        "/testbygden/bokslut/2024/uppgifter/", {**data, "capital_contribution": "-" + LARGEST}
    )
    assert response.status_code == 302
    fiscal_year = FiscalYear.objects.get(year=2024)
    assert fiscal_year.equity_opening == MAX_AMOUNT
    assert fiscal_year.capital_contribution == -MAX_AMOUNT


def test_a_funding_decision_saves_the_largest_and_refuses_the_next(kansli_client, association):
    insats = Insats.objects.create(
        association=association,
        name="Steget",
        code="ST",
        kind=Insats.INDIVID,
        status=Insats.BEVILJAD,
    )
    url = f"/testbygden/insatser/{insats.pk}/beslut/"
    data = {"decided_on": "2024-01-15", "paragraph": "§ 3", "year": "2024"}
    response = kansli_client.post(url, {**data, "amount": TOO_LARGE})
    assert response.status_code == 400
    assert "Beloppet är för stort" in response.content.decode()
    assert not FundingDecision.objects.exists()
    assert kansli_client.post(url, {**data, "amount": LARGEST}).status_code == 302
    assert FundingDecision.objects.get().amount == MAX_AMOUNT
    assert kansli_client.get(f"/testbygden/insatser/{insats.pk}/").status_code == 200


def test_an_allocation_refuses_beyond_the_bound(kansli_client, association):
    municipalities = association.members.filter(kind="kommun")
    data = {
        "version": "0",
        "year": "2024",
        "decided_on": "2024-01-10",
        "key_basis": StateAllocation.KEY_BASES[0][0],
        **{f"weight_{m.pk}": "1" for m in municipalities},
    }
    response = kansli_client.post("/testbygden/bidrag/nytt/", {**data, "amount": TOO_LARGE})
    assert response.status_code == 400
    assert "Beloppet är för stort" in response.content.decode()
    weight = {f"weight_{municipalities[0].pk}": "99 999 999 999"}
    response = kansli_client.post(
        "/testbygden/bidrag/nytt/", {**data, **weight, "amount": "1 000"}
    )
    assert response.status_code == 400
    assert not StateAllocation.objects.exists()
    # Contributions are whole kronor: the largest state amount is 999 999 999 999 kr.
    response = kansli_client.post("/testbygden/bidrag/nytt/", {**data, "amount": LARGEST})
    assert response.status_code == 400
    assert "högre än 999" in response.content.decode()
    response = kansli_client.post(
        "/testbygden/bidrag/nytt/", {**data, "amount": "999 999 999 999"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert StateAllocation.objects.get().amount == Decimal("999999999999")
    assert kansli_client.get("/testbygden/bidrag/2024/").status_code == 200


def test_the_largest_amount_is_stored_exactly_in_every_amount_column(association):
    """Every DecimalField amount column holds MAX_AMOUNT on this database."""
    fiscal_year = FiscalYear.objects.create(
        association=association,
        year=2024,
        equity_opening=MAX_AMOUNT,
        capital_contribution=-MAX_AMOUNT,
        realisation_gains=MAX_AMOUNT,
    )
    BalanceLine.objects.create(
        fiscal_year=fiscal_year, item=BalanceLine.CASH, label="Bank", amount=-MAX_AMOUNT
    )
    fiscal_year.refresh_from_db()
    assert fiscal_year.equity_opening == MAX_AMOUNT
    assert fiscal_year.capital_contribution == -MAX_AMOUNT
    assert BalanceLine.objects.get().amount == -MAX_AMOUNT
    assert datetime.date(2024, 1, 1)  # the year itself is untouched


def test_a_refused_year_end_post_creates_no_year(kansli_client):
    response = kansli_client.post(
        "/testbygden/bokslut/2031/uppgifter/",
        {"version": "0", "capital_contribution": TOO_LARGE, "realisation_gains": "0"},
    )
    assert response.status_code == 400
    assert not FiscalYear.objects.filter(year=2031).exists()


@pytest.fixture
def budget_line(association):
    from budgets import services as budget_services
    from budgets.models import BudgetLine

    budget_services.budget_create(association=association, year=2024)
    return BudgetLine.objects.create(
        association=association, name="Lokalhyra", group=BudgetLine.ADMINISTRATION
    )


def test_a_budget_cell_saves_the_largest_and_refuses_the_next(kansli_client, budget_line):
    from budgets.models import BudgetAmount

    def post(typed):
        return kansli_client.post(
            "/testbygden/budget/2024/cell/",
            {"line": budget_line.pk, "offset": "0", "cell_version": "0", "amount": typed},
        )

    assert "Beloppet är för stort" in post(TOO_LARGE).content.decode()
    assert not BudgetAmount.objects.exists()
    post(LARGEST)
    assert BudgetAmount.objects.get().amount == MAX_AMOUNT
    assert kansli_client.get("/testbygden/budget/2024/").status_code == 200
    assert kansli_client.get("/testbygden/budget/2024/jamforelse/").status_code == 200
    assert kansli_client.get("/testbygden/budget/2024/excel/").status_code == 200


@pytest.mark.parametrize(
    ("url", "extra", "model"),
    [
        ("/testbygden/budget/2024/prognos/", {"made_on": "2024-09-01"}, "Forecast"),
        ("/testbygden/budget/2024/utfall/", {"month": "3"}, "Actual"),
    ],
)
def test_forecast_and_outcome_save_the_largest_and_refuse_the_next(
    kansli_client, budget_line, url, extra, model
):
    from budgets import models as budget_models

    rows = getattr(budget_models, model).objects
    response = kansli_client.post(url, {**extra, f"line-{budget_line.pk}": TOO_LARGE})
    assert response.status_code == 400
    assert "Beloppet är för stort" in response.content.decode()
    assert not rows.exists()
    response = kansli_client.post(url, {**extra, f"line-{budget_line.pk}": "-" + LARGEST})
    assert response.status_code == 302
    assert rows.get().amount == -MAX_AMOUNT


def test_goal_targets_and_staffing_percent_are_bounded(kansli_client, association):
    from insatser.models import Goal, Staffing

    data = {"area": Goal.AREAS[0][0], "text": "Fler i arbete", "unit": "kr", "version": "0"}
    url = "/testbygden/insatser/mal/2024/nytt/"
    assert kansli_client.post(url, {**data, "target": TOO_LARGE}).status_code == 400
    assert kansli_client.post(url, {**data, "target": "1e30"}).status_code == 400
    assert not Goal.objects.exists()
    assert kansli_client.post(url, {**data, "target": LARGEST}).status_code == 302
    assert Goal.objects.get().target == MAX_AMOUNT
    insats = Insats.objects.create(
        association=association, name="Steget", code="ST", kind=Insats.INDIVID
    )
    url = f"/testbygden/insatser/{insats.pk}/bemanning/"
    for percent in ("100,01", "1e30", "NaN", "9" * 100):
        response = kansli_client.post(url, {"role": "Coach", "count": "1", "percent": percent})
        assert response.status_code == 400, percent
    assert not Staffing.objects.exists()


def test_a_choice_of_thousands_of_digits_is_refused_in_swedish():
    """Found by the Hypothesis form test: an id of 5 000 digits made Python itself
    refuse to read the number (a 500) before the form could."""
    from django import forms as django_forms

    from finsam.forms import BoundedForm
    from members.models import Member

    class MemberChoice(BoundedForm, django_forms.Form):
        member = django_forms.ModelChoiceField(queryset=Member.objects.all())

    form = MemberChoice(data={"member": "9" * 5000})
    assert not form.is_valid()
    assert form.errors["member"] == ["Välj ett av alternativen i listan."]
