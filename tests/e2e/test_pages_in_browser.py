"""Every readable page, in headless Chromium: WCAG 2.1 AA (axe-core) and a clean console.

The pages come from the same URL walk as the authorisation test, so a new page is
scanned without anyone listing it. A console error is what a Content-Security-Policy
violation or a broken script shows, so none is allowed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from finsam import tenancy
from members.models import Association, UserRole
from tests.urlwalk import SLUG, build, load_walk_demo, project_routes

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _scan(page, url: str) -> list[str]:
    problems: list[str] = []
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        response = page.goto(url)
    except Exception as exc:  # a download (Excel, PDF) is no page to scan
        if "Download is starting" in str(exc):
            return []
        raise
    if response is None or response.status != 200:
        return [f"{url}: HTTP {response.status if response else 'no answer'}"]
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    for violation in result["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        problems.append(f"{url}: {violation['id']} ({violation['help']}) at {targets}")
    problems.extend(f"{url}: console error {text}" for text in console)
    return problems


@pytest.mark.django_db(transaction=True)
def test_every_page_meets_wcag_21_aa_with_a_clean_console(live_server, browser):
    load_walk_demo()
    user = get_user_model().objects.create_user(username="e2e", password="e2e-lösenord-1")
    UserRole.objects.create(
        user=user, association=Association.objects.get(slug=SLUG), role=UserRole.KANSLI
    )
    # axe comes in as an init script, which the page's Content-Security-Policy does not
    # block; the policy itself stays in force, and a violation is a console error.
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(live_server.url + "/konto/logga-in/")
    problems = _scan(page, live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "e2e")
    page.fill("#id_password", "e2e-lösenord-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    scanned = 0
    for route, _pattern, access, methods in project_routes():
        if access not in (tenancy.READ, tenancy.EDIT, tenancy.LOGIN, tenancy.PUBLIC):
            continue
        if "GET" not in methods:
            continue
        url = live_server.url + build(route, SLUG)
        fresh = context.new_page()
        problems.extend(_scan(fresh, url))
        fresh.close()
        scanned += 1
    context.close()
    assert scanned >= 5
    assert not problems, "\n".join(problems)
