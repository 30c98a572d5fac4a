"""A posted `next` is followed only when it stays on this site."""

from __future__ import annotations

import pytest

from budgets.models import BudgetLine


@pytest.mark.parametrize(
    "target",
    [
        "https://angripare.example/",
        "//angripare.example/",
        "/\\angripare.example/",
        "javascript:alert(1)",
        "https:///angripare.example",
    ],
)
def test_an_off_site_next_falls_back_to_the_budget(kansli_client, target):
    response = kansli_client.post(
        "/testbygden/budget/poster/ny/",
        {"name": "Lokalhyra", "group": BudgetLine.ADMINISTRATION, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/testbygden/budget/"


def test_a_next_on_this_site_is_followed(kansli_client):
    response = kansli_client.post(
        "/testbygden/budget/poster/ny/",
        {
            "name": "Lokalhyra",
            "group": BudgetLine.ADMINISTRATION,
            "next": "/testbygden/budget/poster/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/testbygden/budget/poster/"


def test_a_next_that_is_no_path_falls_back(kansli_client):
    response = kansli_client.post(
        "/testbygden/budget/poster/ny/",
        {"name": "Lokaler", "group": "administration", "next": "-Infinity"},
    )
    assert response.status_code == 302 and response["Location"] == "/testbygden/budget/"
