"""Helpers for tests that record a decision: a decision with a placeholder text in
its document is refused, so these write every text of the document first."""

from __future__ import annotations

import datetime

from budgets import services as budget_services
from reporting import services as reporting_services
from reporting.documents import NARRATIVES
from reporting.models import AR, VP


def write_texts(association, document: str, year: int) -> None:
    for key, title in NARRATIVES[document]:
        reporting_services.narrative_save(
            association=association,
            document=document,
            year=year,
            key=key,
            body=f"{title} för {year}, skriven i testet.",
        )


def decide(version, decided_on: datetime.date, paragraph: str = "§ 12", **kwargs):
    """Write the plan's texts and record the board's decision of `version`."""
    budget = version.budget
    write_texts(budget.association, VP, budget.year)
    return budget_services.budget_decide(
        budget_version=version,
        decided_on=decided_on,
        paragraph=paragraph,
        confirmed=True,
        **kwargs,
    )


def close(fiscal_year, closed_on: datetime.date, paragraph: str = "§ 7", **kwargs):
    """Write the annual report's texts and close the year."""
    write_texts(fiscal_year.association, AR, fiscal_year.year)
    return budget_services.fiscal_year_close(
        fiscal_year=fiscal_year, closed_on=closed_on, paragraph=paragraph, confirmed=True, **kwargs
    )


def reopen(association, year: int):
    """Reopen a year the demo closed, as a correction would, for a test that writes to
    it: a superuser's act with its reason."""
    from django.contrib.auth import get_user_model

    from budgets.models import FiscalYear

    admin, _ = get_user_model().objects.get_or_create(
        username="rattare-i-testet", defaults={"is_superuser": True, "is_staff": True}
    )
    return budget_services.fiscal_year_reopen(
        fiscal_year=FiscalYear.objects.get(association=association, year=year),
        reason="Rättelse i testet",
        by=admin,
    )
