"""Numbers in query strings and hidden fields: '²', other scripts' digits and endless
digits are no number (the page answers), never a 500."""

from __future__ import annotations

import pytest

from finsam.validators import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("١٢", None), ("9" * 19, None), ("", None), (None, None)],
)
def test_whole_number(text, expected):
    assert whole_number(text) == expected


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 5000, "-1"])
def test_document_pages_take_any_query_number(kansli_client, value):
    for url in (
        f"/testbygden/dokument/uppfoljning/2024/?manad={value}",
        f"/testbygden/dokument/verksamhetsplan/2024/?version={value}",
    ):
        assert kansli_client.get(url).status_code == 200, url
    response = kansli_client.post("/testbygden/bokslut/2024/balanser/ta-bort/", {"line": value})
    assert response.status_code == 404
