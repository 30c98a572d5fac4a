"""The kansli's year, step by step in headless Chromium, as a person works through it.

Each journey leaves a screenshot in $E2E_SHOTS (or the test's own tmp directory), to
look at what a person sees.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from budgets import services as budget_services
from budgets.models import Budget, BudgetAmount, BudgetLine
from insatser import services as insats_services
from insatser.models import Goal, Insats, ParticipantStats
from members.models import StateAllocation, UserRole
from members.services import allocation_save
from reporting.models import VP
from tests.decisions import decide, write_texts

pytestmark = pytest.mark.e2e

PASSWORD = "resa-lösen-1"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("E2E_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(live_server, browser, association):
    user = get_user_model().objects.create_user(username="resa", password=PASSWORD)
    UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("#id_username", "resa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.base = live_server.url + "/testbygden"
    yield page
    context.close()
    assert not errors, errors  # a CSP violation or a broken script


def _members(association) -> dict[str, int]:
    return {m.name: m.id for m in association.members.all()}


@pytest.mark.django_db(transaction=True)
def test_the_allocation_is_edited_with_the_split_beside_the_amount(page, association, shots):
    members = _members(association)
    allocation_save(
        association=association,
        year=2025,
        amount=Decimal(1_000_000),
        decided_on=None,
        key_basis="procent",
        weights={members["Köpings kommun"]: Decimal(50), members["Arboga kommun"]: Decimal(50)},
    )
    page.goto(page.base + "/bidrag/2025/andra/")
    amount = page.locator("#id_amount")
    amount.fill("2 000 000")
    preview = page.locator("#split-preview")
    # The live split: 4 000 000 in all, the municipalities' quarter halved.
    expect(preview).to_contain_text("summerar exakt till 4\u00a0000\u00a0000 kr")
    expect(preview).to_contain_text("500\u00a0000")
    # Beside the amount, not below the key: the preview starts level with the form.
    amount_box = amount.bounding_box()
    preview_box = preview.bounding_box()
    assert preview_box["x"] > amount_box["x"] + amount_box["width"]
    assert preview_box["y"] < amount_box["y"] + 200
    page.screenshot(path=str(shots / "allocation-edit.png"), full_page=True)
    page.click("text=Spara och beräkna bidragen")
    page.wait_for_url(page.base + "/bidrag/2025/")
    expect(page.locator(".messages")).to_contain_text("Tilldelningen för 2025 är sparad")
    assert StateAllocation.objects.get(year=2025).amount == Decimal(2_000_000)


@pytest.mark.django_db(transaction=True)
def test_a_goal_is_written_for_a_new_year(page, association, shots):
    page.goto(page.base + "/insatser/mal/")
    page.fill("#id_ar", "2031")
    page.click("text=Visa året")
    expect(page.locator("h1")).to_have_text("Mål i verksamhetsplanen 2031")
    page.click("text=Nytt mål för 2031")
    page.select_option("#id_area", "individ")
    page.fill("#id_text", "Fler unga vuxna i arbete eller studier.")
    page.fill("#id_target", "60")
    page.fill("#id_unit", "procent")
    page.click("button:has-text('Spara')")
    page.wait_for_url(page.base + "/insatser/mal/2031/")
    expect(page.locator("main")).to_contain_text("Fler unga vuxna i arbete eller studier.")
    page.screenshot(path=str(shots / "goal-new-year.png"), full_page=True)
    goal = Goal.objects.get(year=2031)
    assert (goal.target, goal.unit) == (Decimal(60), "procent")


@pytest.mark.django_db(transaction=True)
def test_next_years_budget_starts_from_the_plan_is_typed_and_decided(page, association, shots):
    this_year = datetime.date.today().year
    version = budget_services.budget_create(association=association, year=this_year)
    board = budget_services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Styrelse"}
    )
    audit = budget_services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Revision"}
    )
    for line, figures in ((board, (100_000, 110_000, 120_000)), (audit, (40_000, 42_000, 44_000))):
        for offset, amount in enumerate(figures):
            budget_services.budget_amount_set(
                budget_version=version,
                line=line,
                offset=offset,
                amount=Decimal(amount),
                expected_version=0,
            )
    decide(version, datetime.date(this_year - 1, 11, 20), "§ 9")
    write_texts(association, VP, this_year + 1)  # the plan's texts, written beforehand

    page.goto(page.base + "/budget/")
    expect(page.locator("#new-year")).to_have_value(str(this_year + 1))
    expect(page.locator("#start-plan")).to_be_checked()
    page.click("text=Skapa budget")
    page.wait_for_url(page.base + f"/budget/{this_year + 1}/")
    board_now = page.locator(f'input[name="cell-{board.pk}-0"]')
    expect(board_now).to_have_value("110 000")  # plan N+1 is the new budget
    expect(page.locator(f'input[name="cell-{board.pk}-1"]')).to_have_value("120 000")
    expect(page.locator("#total-result td").first).to_have_text("\u2212152\u00a0000")

    # With the keyboard only: type, Enter moves down, the totals follow.
    board_now.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("115000")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == f"cell-{audit.pk}-0"
    page.keyboard.press("Control+A")
    page.keyboard.type("45 000")
    page.keyboard.press("Tab")
    expect(page.locator("#total-result td").first).to_have_text("\u2212160\u00a0000")
    # The sums stay in view while the grid scrolls.
    expect(page.locator("#total-result")).to_be_in_viewport()
    page.screenshot(path=str(shots / "budget-next-year.png"), full_page=True)

    page.click("text=Registrera styrelsens beslut om version 1")
    page.fill("#id_decided_on", datetime.date.today().isoformat())
    page.fill("#id_paragraph", "§ 41")
    if page.locator("#id_confirm").count():
        page.check("#id_confirm")  # the gaps the checklist lists (no allocation yet)
    page.click("text=Registrera beslutet om version 1")
    expect(page.locator(".messages")).to_contain_text("är beslutad")
    new = Budget.objects.get(association=association, year=this_year + 1).versions.get()
    assert new.is_decided
    amounts = {
        (a.line_id, a.offset): a.amount for a in BudgetAmount.objects.filter(budget_version=new)
    }
    assert amounts[(board.pk, 0)] == Decimal(115_000)
    assert amounts[(audit.pk, 0)] == Decimal(45_000)
    assert amounts[(audit.pk, 1)] == Decimal(44_000)
    page.goto(page.base + "/budget/")
    expect(page.locator("table")).to_contain_text("Version 1, beslutad")


@pytest.mark.django_db(transaction=True)
def test_participants_are_entered_as_a_table(page, association, shots):
    insats = insats_services.insats_save(
        association=association,
        data={
            "code": "ST",
            "name": "Samordningsteam",
            "kind": Insats.INDIVID,
            "start": datetime.date(2022, 1, 1),
            "end": datetime.date(2023, 12, 31),
        },
    )
    page.goto(page.base + f"/insatser/{insats.pk}/")
    expect(page.locator("table.participant-years")).to_contain_text("Registrera deltagare 2023")
    page.click("text=Registrera deltagare 2022")
    # Row by row, kvinnor then män, with Tab.
    page.locator("#id_women_total").focus()
    for value in ["12", "8", "5", "4", "7", "3", "5", "5"]:
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.fill("#id_reason_arbete_women", "4")
    page.fill("#id_reason_arbete_men", "2")
    page.fill("#id_reason_studier_women", "3")
    page.fill("#id_reason_studier_men", "1")
    page.screenshot(path=str(shots / "participants-table.png"), full_page=True)
    page.click("text=Spara deltagarna")
    page.wait_for_url(page.base + f"/insatser/{insats.pk}/")
    expect(page.locator(".messages")).to_contain_text("Deltagarstatistiken för 2022 är sparad")
    stats = ParticipantStats.objects.get(insats=insats, year=2022)
    assert (stats.women_total, stats.men_total, stats.women_ended, stats.men_ongoing) == (
        12,
        8,
        7,
        5,
    )


PHONE_PAGES = [
    "/",
    "/medlemmar/",
    "/organisation/",
    "/bidrag/",
    "/budget/",
    "/insatser/",
    "/insatser/ny/",
    "/insatser/mal/",
    "/bokslut/",
    "/dokument/",
    "/andringslogg/",
]


@pytest.mark.django_db(transaction=True)
def test_at_phone_width_nothing_is_wider_than_the_screen_and_the_menu_folds(
    page, association, shots
):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in PHONE_PAGES:
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    page.goto(page.base + "/insatser/")
    menu = page.locator(".menu-button")
    expect(menu).to_be_visible()
    expect(page.locator("#main-nav-list")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 130
    page.screenshot(path=str(shots / "phone-menu-closed.png"))
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav-list a", has_text="Budget")).to_be_visible()
    page.screenshot(path=str(shots / "phone-menu-open.png"))

    # Ny insats: the skip link first, then the form's first field.
    page.goto(page.base + "/insatser/ny/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#id_name")).to_be_focused()
    page.screenshot(path=str(shots / "phone-new-insats.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_wide_table_says_that_it_scrolls(page, association, shots):
    for n in range(3):
        insats_services.insats_save(
            association=association,
            data={
                "code": f"I{n}",
                "name": f"Insats med ett långt namn {n}",
                "kind": Insats.INDIVID,
            },
        )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/insatser/")
    wrap = page.locator(".table-wrap.scrolls").first
    expect(wrap).to_be_visible()
    expect(page.locator(".scroll-hint").first).to_contain_text("rulla i sidled")
    caption = wrap.locator("caption").bounding_box()
    assert caption["x"] + caption["width"] <= 390
    page.screenshot(path=str(shots / "phone-wide-table.png"), full_page=True)
