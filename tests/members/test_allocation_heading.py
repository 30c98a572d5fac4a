"""The allocation form's key heading follows the chosen year."""

from __future__ import annotations

from django.urls import reverse


def test_the_live_preview_renames_the_keys_heading_to_the_chosen_year(kansli_client):
    page = kansli_client.get(reverse("members:allocation_create", kwargs={"slug": "testbygden"}))
    assert 'Kommunernas fördelningsnyckel <span id="key-year">' in page.content.decode()
    response = kansli_client.post(
        reverse("members:allocation_preview", kwargs={"slug": "testbygden"}),
        {"year": "2026", "amount": "1 000 000", "key_basis": "procent"},
        HTTP_HX_REQUEST="true",
    )
    assert '<span id="key-year" hx-swap-oob="true">2026</span>' in response.content.decode()
