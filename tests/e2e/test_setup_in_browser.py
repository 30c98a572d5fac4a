"""A new association starts in the browser: the superuser creates it, the kansli is
invited by e-mail, invites a revisor and a board member, and takes access away."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from finsam.models import AuditEntry
from members.models import Association, UserRole

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "admin-lösen-2026"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("E2E_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _context(browser, errors: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def _last_link(live_server, address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address]][-1]
    path = re.search(r"(/konto/inbjudan/\S+/)", message.body)[1]
    assert message.body.count(path) == 1
    return live_server.url + path


def _invite(page, base: str, address: str, role: str) -> None:
    page.goto(base + "/behorigheter/")
    page.fill("#id_email", address)
    page.select_option("#id_role", role)
    page.click("text=Skicka inbjudan")
    expect(page.locator(".messages")).to_contain_text(f"En inbjudan är skickad till {address}")


def _accept(browser, errors, live_server, address: str, name: str, password: str):
    context, page = _context(browser, errors)
    page.goto(_last_link(live_server, address))
    expect(page.locator("h1")).to_have_text("Välkommen till Samordningsförbundet Nybygden")
    page.fill("#id_name", name)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.click("text=Spara lösenordet och logga in")
    page.wait_for_url(live_server.url + "/nybygden/")
    return context, page


@pytest.mark.django_db(transaction=True)
def test_a_new_association_starts_and_its_people_are_invited(
    live_server, browser, association, shots
):
    get_user_model().objects.create_superuser("admin", password=ADMIN_PASSWORD)
    errors: list[str] = []
    admin_context, page = _context(browser, errors)
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.click("text=Nytt samordningsförbund")
    page.wait_for_url(live_server.url + "/nytt-forbund/")
    page.fill("#id_name", "Samordningsförbundet Nybygden")
    page.fill("#id_orgnr", "222000-1975")  # a wrong check digit first
    page.fill("#id_founded", "2026-01-01")
    page.fill("#id_slug", "nybygden")
    page.fill("#id_region", "Region Nyland")
    page.fill("#id_municipalities", "Nyköpings kommun\nGamlebo kommun")
    page.click("main button[type=submit]")
    expect(page.locator("#orgnr-error")).to_contain_text("kontrollsiffra stämmer inte")
    assert not Association.objects.filter(slug="nybygden").exists()
    page.fill("#id_orgnr", "222000-1974")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/nybygden/")
    expect(page.locator("main")).to_contain_text("Nyköpings kommun")
    base = live_server.url + "/nybygden"

    # The administrator invites the kansli; the kansli invites the others.
    _invite(page, base, "kansli@nybygden.se", "kansli")
    kansli_context, kansli = _accept(
        browser, errors, live_server, "kansli@nybygden.se", "Kim Kansli", "Kansli-lösen-2026"
    )
    _invite(kansli, base, "revisor@nybygden.se", "revisor")
    _invite(kansli, base, "styrelse@nybygden.se", "styrelse")
    people = {}
    for address, name in [
        ("revisor@nybygden.se", "Rut Revisor"),
        ("styrelse@nybygden.se", "Sam Styrelse"),
    ]:
        people[address] = _accept(browser, errors, live_server, address, name, "Eget-lösen-2026")
    for _ctx, person in people.values():
        person.goto(live_server.url + "/")
        expect(person.locator(".card-list .card")).to_have_count(1)
        expect(person.locator(".card-list")).to_contain_text("Samordningsförbundet Nybygden")
        assert person.goto(live_server.url + "/testbygden/").status == 404

    kansli.goto(base + "/behorigheter/")
    table = kansli.locator("table").first
    expect(table).to_contain_text("Rut Revisor")
    expect(table).to_contain_text("Sam Styrelse")
    kansli.screenshot(path=str(shots / "behorigheter.png"), full_page=True)
    kansli.set_viewport_size({"width": 390, "height": 844})
    assert kansli.evaluate("document.documentElement.scrollWidth") <= 390
    kansli.set_viewport_size({"width": 1280, "height": 900})

    # Removing the revisor asks first and takes effect at once.
    kansli.get_by_role("link", name="Ta bort behörigheten för revisor@nybygden.se").click()
    expect(kansli.locator("h1")).to_have_text("Ta bort behörigheten?")
    kansli.click("button:has-text('Ta bort behörigheten')")
    expect(kansli.locator(".messages")).to_contain_text("är borttagen")
    revisor = people["revisor@nybygden.se"][1]
    assert revisor.goto(base + "/").status == 404

    kansli.goto(base + "/andringslogg/?typ=members.UserRole")
    log = kansli.locator("main")
    expect(log).to_contain_text("Behörighet för Rut Revisor")
    association = Association.objects.get(slug="nybygden")
    roles = AuditEntry.objects.filter(association=association, object_type="members.UserRole")
    assert roles.filter(action=AuditEntry.CREATE).count() == 3
    assert roles.filter(action=AuditEntry.DELETE).count() == 1
    assert set(association.user_roles.values_list("user__email", "role")) == {
        ("kansli@nybygden.se", UserRole.KANSLI),
        ("styrelse@nybygden.se", UserRole.STYRELSE),
    }
    for context in [admin_context, kansli_context, *(c for c, _ in people.values())]:
        context.close()
    # The refused form (400) and the pages refused to outsiders (404) are meant; any
    # other console error (a CSP violation, a broken script) fails.
    assert not [e for e in errors if not e.startswith("Failed to load resource")], errors


KANSLI_PASSWORD = "kansli-lösen-2026"
# Whether leaving now would ask: the page's beforeunload handler cancels the event.
LEAVE = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def kansli_page(live_server, browser, association):
    user = get_user_model().objects.create_user(username="kim", password=KANSLI_PASSWORD)
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    errors: list[str] = []
    context, page = _context(browser, errors)
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "kim")
    page.fill("#id_password", KANSLI_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.base = live_server.url + "/testbygden"
    page.dialogs = []
    page.on("dialog", lambda dialog: page.dialogs.append(dialog.type))
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_a_state_line_added_from_the_grid_shows_the_states_half(kansli_page, association, shots):
    from budgets import services as budget_services
    from members.services import allocation_save

    page = kansli_page
    budget_services.budget_create(association=association, year=2026)
    kommun = association.members.get(name="Köpings kommun")
    allocation_save(
        association=association,
        year=2026,
        amount=3_000_000,
        decided_on=None,
        key_basis="procent",
        weights={kommun.id: 100},
    )
    page.goto(page.base + "/budget/2026/")
    page.click("summary:has-text('Ny budgetpost')")
    page.fill("#id_name", "Staten (AF+FK)")
    page.select_option("#id_group", "bidrag")
    page.check("#id_state")
    page.click("text=Lägg till budgetposten")
    expect(page.locator("#grid-area .message")).to_have_text(
        "Budgetposten Staten (AF+FK) är tillagd."
    )
    assert page.url == page.base + "/budget/2026/"  # the grid was never left
    row = page.locator("table.grid tr", has_text="Staten (AF+FK)")
    expect(row).to_contain_text("3\u00a0000\u00a0000")
    expect(page.locator("#sum-bidrag")).to_contain_text("3\u00a0000\u00a0000")
    page.screenshot(path=str(shots / "statens-rad.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_text_typed_in_two_sections_survives_saving_one(kansli_page, association, shots):
    from reporting.models import NarrativeSection

    page = kansli_page
    page.goto(page.base + "/dokument/verksamhetsplan/2026/texter/")
    page.fill("#body-inledning", "Förbundet startar i år.")
    page.fill("#body-behov", "Unga utan arbete behöver samordnat stöd.")
    page.click("text=Spara Inledning")
    expect(page.locator("#text-inledning .message")).to_have_text("Texten ”Inledning” är sparad.")
    expect(page.locator("#body-behov")).to_have_value("Unga utan arbete behöver samordnat stöd.")
    assert NarrativeSection.objects.get(key="inledning").body == "Förbundet startar i år."
    assert not NarrativeSection.objects.filter(key="behov").exists()
    # Leaving with the other section unsaved asks first (the page cancels the
    # beforeunload event, so the browser asks); once it is saved too, nothing asks.
    assert page.evaluate(LEAVE) is True
    page.click("text=Spara Behov och målgrupper")
    expect(page.locator("#text-behov .message")).to_contain_text("är sparad")
    assert page.evaluate(LEAVE) is False
    page.fill("#body-risker", "Ny risk")
    assert page.evaluate(LEAVE) is True


@pytest.mark.django_db(transaction=True)
def test_the_checklist_warns_on_a_budget_past_the_equity_goal(kansli_page, association, shots):
    from decimal import Decimal

    from budgets import services as budget_services
    from budgets.models import BudgetLine
    from insatser import goal_services

    page = kansli_page
    version = budget_services.budget_create(association=association, year=2026)
    for group, name, amount in [
        (BudgetLine.OTHER_INCOME, "Bidrag", 6_000_000),
        (BudgetLine.ADMINISTRATION, "Kansli", 4_000_000),
    ]:
        line = budget_services.budget_line_save(
            association=association, data={"group": group, "name": name}
        )
        budget_services.budget_amount_set(
            budget_version=version, line=line, offset=0, amount=Decimal(amount), expected_version=0
        )
    goal_services.goal_save(
        association=association,
        data={
            "year": 2026,
            "area": "finansiell",
            "text": "Det egna kapitalet ska vara högst 20 % av årets bidrag.",
            "target": Decimal(20),
            "unit": "%",
        },
    )
    page.goto(page.base + "/budget/2026/besluta/")
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text("Eget kapital, budget 2026")
    expect(checklist).to_contain_text("33,3\u00a0% av intäkterna")
    expect(checklist).to_contain_text("planens eget mål, högst 20\u00a0%")
    page.screenshot(path=str(shots / "checklista-eget-kapital.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_keys_heading_follows_the_chosen_year(kansli_page, association):
    page = kansli_page
    page.goto(page.base + "/bidrag/nytt/")
    page.fill("#id_year", "2026")
    expect(page.locator("legend")).to_have_text("Kommunernas fördelningsnyckel 2026")
    page.fill("#id_year", "2025")
    expect(page.locator("legend")).to_have_text("Kommunernas fördelningsnyckel 2025")
