"""An unknown association shows the application's own Swedish 404 page, with DEBUG on."""

from __future__ import annotations

from django.test import override_settings


@override_settings(DEBUG=True)
def test_an_unknown_association_without_log_in_gets_the_swedish_404(client, db):
    response = client.get("/finns-inte/resultat/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in page
    assert "Page not found" not in page and "URLconf" not in page


@override_settings(DEBUG=True)
def test_a_missing_object_inside_an_association_gets_the_swedish_404(kansli_client, association):
    response = kansli_client.get(f"/{association.slug}/insatser/999999/")

    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in response.content.decode()


@override_settings(DEBUG=True)
def test_an_association_without_a_role_gets_the_same_404(client, outsider, association):
    client.force_login(outsider)
    response = client.get(f"/{association.slug}/")

    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in response.content.decode()
