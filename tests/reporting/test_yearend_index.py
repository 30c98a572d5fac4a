"""The bokslut list offers the current and the next year even before they hold data."""

from __future__ import annotations

import datetime

from django.urls import reverse

from budgets.models import FiscalYear


def _url(name: str, **kwargs) -> str:
    return reverse(f"reporting:{name}", kwargs={"slug": "testbygden", **kwargs})


def test_the_list_offers_this_and_next_year_without_data(kansli_client, association):
    this_year = datetime.date.today().year
    FiscalYear.objects.create(association=association, year=2019)

    page = kansli_client.get(_url("index")).content.decode()

    for year in (this_year, this_year + 1, 2019):
        assert _url("statements", year=year) in page
    assert page.index(str(this_year + 1)) < page.index(str(this_year)) < page.index("2019")
    assert "Öppet, inget sparat ännu" in page
    # Listing the years stores nothing.
    assert list(FiscalYear.objects.values_list("year", flat=True)) == [2019]
    for name in ("statements", "operating", "balances"):
        assert kansli_client.get(_url(name, year=this_year)).status_code == 200
