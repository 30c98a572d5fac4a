"""With DEBUG off every error page is the application's own, in Swedish."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.urls("tests.finsam.error_urls")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def _text(response) -> str:
    return response.content.decode()


def _ours(response, heading: str) -> None:
    text = _text(response)
    assert '<html lang="sv">' in text
    assert f"<h1>{heading}</h1>" in text
    assert "Traceback" not in text and "Django" not in text


def test_400_for_a_bad_host(client):
    response = client.get("/", HTTP_HOST="angripare.example")
    assert response.status_code == 400
    _ours(response, "Felaktig begäran")


def test_403_for_a_role_without_the_right(client, styrelse_user, association):
    client.force_login(styrelse_user)
    response = client.post("/testbygden/budget/poster/ny/", {"name": "X"})
    assert response.status_code == 403
    _ours(response, "Ingen behörighet")


def test_404_for_an_unknown_page(kansli_client):
    response = kansli_client.get("/testbygden/finns-inte/")
    assert response.status_code == 404
    _ours(response, "Sidan finns inte")


def test_404_for_an_anonymous_visitor(client):
    response = client.get("/finns/inte/alls/")
    assert response.status_code == 404
    _ours(response, "Sidan finns inte")


def test_405_for_a_get_to_a_post_only_address(kansli_client):
    response = kansli_client.get("/testbygden/budget/2024/cell/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    _ours(response, "Det går inte att göra så här")


def test_500_hides_the_failure(kansli_user):
    client = Client(raise_request_exception=False)
    client.force_login(kansli_user)
    response = client.get("/fel-for-test/")
    assert response.status_code == 500
    _ours(response, "Något gick fel")
    assert "a failure the page must not show" not in _text(response)


def test_a_form_without_csrf_token_gets_our_page(kansli_user, association):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kansli_user)
    response = client.post("/testbygden/budget/poster/ny/", {"name": "X"})
    assert response.status_code == 403
    _ours(response, "Formuläret kunde inte skickas")


@override_settings(CSRF_FAILURE_VIEW="finsam.views.csrf_failure")
def test_the_log_in_form_without_csrf_token_gets_our_page():
    response = Client(enforce_csrf_checks=True).post(
        "/konto/logga-in/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    _ours(response, "Formuläret kunde inte skickas")
