"""An income line reported in the driftredovisning under another line (as
Västmanland 2024 prints its other income on Kansli + bilkonto): only a line of the
same association, never the line itself, one step only."""

from __future__ import annotations

import pytest

from budgets import services
from budgets.models import BudgetLine
from finsam.services import ServiceError


def _line(association, group, name):
    return services.budget_line_save(association=association, data={"group": group, "name": name})


@pytest.fixture
def lines(association):
    return {
        "income": _line(association, BudgetLine.OTHER_INCOME, "Övriga intäkter"),
        "kansli": _line(association, BudgetLine.ADMINISTRATION, "Kansli"),
    }


def _report_under(association, line, target):
    return services.budget_line_save(
        association=association, data={"reported_under": target}, line=line
    )


def test_an_income_line_is_reported_under_a_line_of_its_association(association, lines):
    line = _report_under(association, lines["income"], lines["kansli"])
    line.refresh_from_db()
    assert line.reported_under == lines["kansli"]
    assert list(lines["kansli"].reported_here.all()) == [line]


def test_a_line_of_another_association_is_refused(association, other_association, lines):
    foreign = _line(other_association, BudgetLine.ADMINISTRATION, "Kansli")
    with pytest.raises(ServiceError) as exc:
        _report_under(association, lines["income"], foreign)
    assert exc.value.message == "Raden att redovisa under hör till ett annat förbund."
    assert exc.value.field == "reported_under"
    lines["income"].refresh_from_db()
    assert lines["income"].reported_under is None


def test_the_line_itself_is_refused(association, lines):
    with pytest.raises(ServiceError) as exc:
        _report_under(association, lines["income"], lines["income"])
    assert exc.value.message == "En budgetpost kan inte redovisas under sig själv."


def test_a_cost_line_and_a_chain_are_refused(association, lines):
    with pytest.raises(ServiceError, match="Bara intäktsrader"):
        _report_under(association, lines["kansli"], lines["income"])
    _report_under(association, lines["income"], lines["kansli"])
    fee = _line(association, BudgetLine.OTHER_INCOME, "Avgifter")
    with pytest.raises(ServiceError, match="redovisas själv under en annan rad"):
        _report_under(association, fee, lines["income"])
    financial = _line(association, BudgetLine.FINANCIAL_INCOME, "Ränteintäkter")
    with pytest.raises(ServiceError, match="Finansiella poster"):
        _report_under(association, financial, lines["kansli"])


def test_the_line_form_sets_it(kansli_client, association, lines):
    line = lines["income"]
    url = f"/testbygden/budget/poster/{line.pk}/andra/"
    page = kansli_client.get(url)
    assert "Redovisas i driftredovisningen under" in page.content.decode()
    response = kansli_client.post(
        url,
        {
            "version": line.version,
            "name": line.name,
            "group": line.group,
            "sort_order": line.sort_order,
            "reported_under": lines["kansli"].pk,
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.reported_under == lines["kansli"]
    response = kansli_client.post(
        url,
        {
            "version": line.version,
            "name": line.name,
            "group": line.group,
            "sort_order": line.sort_order,
            "reported_under": line.pk,
        },
    )
    assert response.status_code == 400
    assert "En budgetpost kan inte redovisas under sig själv." in response.content.decode()
