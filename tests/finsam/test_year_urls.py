"""Every URL with a year takes only 2000–2100; anything else is 404 and creates nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve

from budgets.models import FiscalYear
from tests.urlwalk import project_routes

BAD_YEARS = ["0", "1999", "2101", str(2**31), str(2**63), "99999", "-1", "02024"]
YEAR_ROUTES = sorted({route for route, *_ in project_routes() if "<year:year>" in route})


def _url(route: str, year: str) -> str:
    def replace(match: re.Match) -> str:
        name = match["name"]
        if name == "slug":
            return "testbygden"
        if name == "year":
            return year
        return "1"

    return "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", replace, route)


def test_every_year_url_uses_the_converter():
    routes = [route for route, *_ in project_routes()]
    assert len(YEAR_ROUTES) >= 30
    assert not [route for route in routes if "<int:year>" in route]


@pytest.mark.parametrize("route", YEAR_ROUTES)
def test_the_first_and_last_year_resolve(route):
    for year in ("2000", "2100"):
        assert resolve(_url(route, year)).kwargs["year"] == int(year)


@pytest.mark.parametrize("route", YEAR_ROUTES)
def test_it_answers_404_outside_2000_to_2100(client, superuser, association, route):
    client.force_login(superuser)
    for year in BAD_YEARS:
        url = _url(route, year)
        with pytest.raises(Resolver404):
            resolve(url)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"amount": "1"}).status_code == 404, url
    assert not FiscalYear.objects.exists()
