"""Log-in is throttled: five wrong passwords lock the user name from that address
for 15 minutes, with a Swedish message; then it opens again."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

LOGIN = "/konto/logga-in/"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="kajsa", password="rätt-lösenord-1")


def _try(client: Client, password: str, username: str = "kajsa"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_and_the_right_password_is_then_refused(client, user):
    for _ in range(4):
        response = _try(client, "fel")
        assert response.status_code == 200
        assert "Fel användarnamn eller lösenord" in response.content.decode()
    response = _try(client, "fel")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "15 minuter" in response.content.decode()
    response = _try(client, "rätt-lösenord-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_name_and_address(client, user):
    for _ in range(5):
        _try(client, "fel")
    other_address = Client(REMOTE_ADDR="10.0.0.7")
    assert _try(other_address, "rätt-lösenord-1").status_code == 302
    get_user_model().objects.create_user(username="olle", password="olles-lösenord-1")
    assert _try(client, "olles-lösenord-1", username="olle").status_code == 302


def test_it_opens_again_after_the_cool_off(client, user):
    for _ in range(5):
        _try(client, "fel")
    assert _try(client, "rätt-lösenord-1").status_code == 429
    # Fifteen minutes pass.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=15, seconds=1)
    )
    response = _try(client, "rätt-lösenord-1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_administrator_sees_and_lifts_the_lock(client, user, superuser):
    for _ in range(5):
        _try(client, "fel")
    admin = Client()
    admin.force_login(superuser)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "kajsa" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="kajsa")
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _try(client, "rätt-lösenord-1").status_code == 302


def test_an_off_site_next_is_not_followed_after_log_in(client, user):
    response = client.post(
        LOGIN,
        {"username": "kajsa", "password": "rätt-lösenord-1", "next": "https://angripare.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
