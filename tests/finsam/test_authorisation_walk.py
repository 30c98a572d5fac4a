"""Walk every URL the project defines with every persona and check the answer.

New URLs are picked up automatically: each view declares its access level through
finsam.tenancy (a view without it fails this test), and each URL keyword names a
model (`member_id` → Member) whose row is taken from the demo data. An id of another
association's row must give 404 to a user of this one.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from finsam import tenancy
from members.models import Association, UserRole
from tests.urlwalk import OTHER_SLUG, SLUG, YEAR, build, load_walk_demo, project_routes, sample_pk

PERSONAS = ["anonymous", "outsider", "kansli", "styrelse", "revisor", "superuser"]


def _expected(access: str, methods: set[str], persona: str) -> int:
    if persona == "anonymous" and access != tenancy.PUBLIC:
        return 302
    if access == tenancy.ADMIN and persona != "superuser":
        return 403  # a new association: superusers only, everybody else is refused
    if access == tenancy.LOGIN or access == tenancy.PUBLIC or persona == "superuser":
        allowed = True
    elif persona == "outsider":
        return 404
    else:
        if persona not in tenancy.ALLOWED_ROLES[access]:
            return 403
        allowed = True
    assert allowed
    return 200 if "GET" in methods else 405


@pytest.fixture
def personas(db) -> dict[str, Client]:
    load_walk_demo()
    association = Association.objects.get(slug=SLUG)
    other = Association.objects.get(slug=OTHER_SLUG)
    User = get_user_model()
    clients = {"anonymous": Client()}
    for name in ("kansli", "styrelse", "revisor"):
        user = User.objects.create_user(username=f"walk-{name}", password="x-walk-1234")
        UserRole.objects.create(user=user, association=association, role=name)
        clients[name] = Client()
        clients[name].force_login(user)
    outsider = User.objects.create_user(username="walk-outsider", password="x-walk-1234")
    UserRole.objects.create(user=outsider, association=other, role=UserRole.KANSLI)
    clients["outsider"] = Client()
    clients["outsider"].force_login(outsider)
    admin = User.objects.create_superuser(username="walk-admin", password="x-walk-1234")
    clients["superuser"] = Client()
    clients["superuser"].force_login(admin)
    return clients


def test_every_url_answers_each_persona_as_its_access_says(personas):
    failures: list[str] = []
    walked = 0
    for route, pattern, access, methods in project_routes():
        if access is None:
            failures.append(f"/{route} ({pattern.name}): the view does not use finsam.tenancy")
            continue
        url = build(route, SLUG)
        walked += 1
        for persona in PERSONAS:
            response = personas[persona].get(url)
            expected = _expected(access, methods, persona)
            if response.status_code != expected:
                failures.append(f"{url} as {persona}: {response.status_code}, expected {expected}")
            if expected == 302 and "/konto/logga-in/" not in response.get("Location", ""):
                failures.append(f"{url} as {persona}: redirected elsewhere than the log-in")
        # Another association's object under this association's URL is not found.
        if "_id>" in route and access != tenancy.LOGIN:
            foreign = _build_foreign(route)
            if foreign:
                send = personas["kansli"].get if "GET" in methods else personas["kansli"].post
                response = send(foreign)
                if response.status_code != 404:
                    failures.append(
                        f"{foreign} (another association's row) as kansli: "
                        f"{response.status_code}, expected 404"
                    )
    assert walked >= 10, "the walk found suspiciously few URLs"
    assert not failures, "\n".join(failures)


def _build_foreign(route: str) -> str | None:
    """The URL under SLUG with every `_id` taken from OTHER_SLUG's rows, if it has them."""
    try:

        def replace(match: re.Match) -> str:
            name = match["name"]
            if name == "slug":
                return SLUG
            if name == "year":
                return str(YEAR)
            return str(sample_pk(name, OTHER_SLUG))

        return "/" + re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", replace, route)
    except AssertionError:
        return None


def test_a_user_without_a_role_learns_nothing(personas):
    response = personas["outsider"].get(f"/{SLUG}/")
    missing = personas["outsider"].get("/finns-inte/")
    assert response.status_code == missing.status_code == 404
    assert "Västmanland" not in response.content.decode()
