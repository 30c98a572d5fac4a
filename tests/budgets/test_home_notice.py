import datetime
from decimal import Decimal

from django.apps import apps

from budgets import services
from budgets.models import BudgetLine
from tests.decisions import decide


def test_it_warns_in_november_until_next_years_budget_is_decided(association, kansli_client):
    config = apps.get_app_config("budgets")
    assert config.home_notices(None, [association], datetime.date(2026, 10, 31)) == []
    before = config.home_notices(None, [association], datetime.date(2026, 11, 24))
    assert before == [
        "Samordningsförbundet Testbygden: budgeten för 2027 är ännu inte beslutad. "
        "Styrelsen ska besluta den senast 2026-11-30."
    ]
    late = config.home_notices(None, [association], datetime.date(2026, 12, 2))
    assert "skulle ha beslutats senast 2026-11-30" in late[0]
    version = services.budget_create(association=association, year=2027)
    line = services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    services.budget_amount_set(
        budget_version=version, line=line, offset=0, amount=Decimal(1), expected_version=0
    )
    decide(version, datetime.date(2026, 11, 25), "§ 3")
    assert config.home_notices(None, [association], datetime.date(2026, 12, 2)) == []
