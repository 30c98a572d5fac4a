"""Decisions are snapshots: what the board decided stays as it was decided, whatever
is changed afterwards; a decision needs a complete document, a date that has come
and a paragraph."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from budgets import services as budget_services
from budgets.models import Budget, BudgetLine, BudgetVersion, FiscalYear
from budgets.selectors import budget_grid, comparison
from finsam.models import AuditEntry
from finsam.services import ServiceError
from insatser.models import Goal, Insats
from members.models import Association, Person, StateAllocation, UserRole
from members.services import allocation_save
from reporting import services as reporting_services
from reporting.models import AR, VP, DecidedDocument
from tests.decisions import decide, write_texts


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def demo(db) -> Association:
    call_command("load_demo", verbosity=0)
    return Association.objects.get(slug="vasteras")


@pytest.fixture
def reader(demo, django_user_model) -> Client:
    user = django_user_model.objects.create_user(username="revisorn", password="x-1234-abcd")
    UserRole.objects.create(user=user, association=demo, role=UserRole.REVISOR)
    client = Client()
    client.force_login(user)
    return client


def _article(html: str) -> str:
    """The document itself, without the page's status line and navigation."""
    start = html.index('<article class="document')
    return html[start : html.index("</article>", start)]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _xlsx_values(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
        for sheet in workbook.worksheets
    ]


def _seen(client: Client, base: str) -> dict:
    return {
        "html": _article(client.get(base).content.decode()),
        "pdf": client.get(base + "pdf/").content,
        "pdf_ua_text": _pdf_text(client.get(base + "pdf-ua/").content),
        "xlsx": _xlsx_values(client.get(base + "xlsx/").content),
    }


def _change_everything_underneath(association: Association, year: int) -> None:
    """Every kind of row a plan or an annual report shows, changed after the decision."""
    allocation = StateAllocation.objects.filter(association=association, year=year).first()
    closed = FiscalYear.objects.filter(
        association=association, year=year, closed_on__isnull=False
    ).exists()
    if allocation is not None and not closed:  # a closed year's allocation is refused
        allocation_save(
            association=association,
            year=year,
            amount=allocation.amount + Decimal(1_000_000),
            decided_on=None,
            key_basis=allocation.key_basis,
            weights={s.member_id: s.weight for s in allocation.shares.all()},
            allocation=allocation,
        )
    for insats in Insats.objects.filter(association=association):
        insats.name = f"{insats.name} (nytt namn)"
        insats.save()
    Goal.objects.create(association=association, year=year, area="individ", text="Ett nytt mål")
    for person in Person.objects.filter(association=association):
        person.name = person.name.upper()
        person.save()
    for line in BudgetLine.objects.filter(association=association):
        line.name = f"{line.name} *"
        line.save()
    Association.objects.filter(pk=association.pk).update(name="Förbundet med nytt namn")
    reporting_services.logo_save(association=association, content=_png())


def test_a_decided_plan_stays_as_decided_whatever_changes_afterwards(demo, reader):
    base = "/vasteras/dokument/verksamhetsplan/2022/"
    stored = DecidedDocument.objects.get(association=demo, document=VP, year=2022)
    made_at_decision = bytes(stored.pdf)
    assert stored.sha256 == hashlib.sha256(made_at_decision).hexdigest()
    assert stored.budget_version.is_decided and stored.snapshot is not None
    before = _seen(reader, base)
    assert before["pdf"] == made_at_decision
    assert "5 498 000" in before["html"] or "5 498" in before["html"]  # state allocation 2022

    # A revision opens the texts for the next version; the decided one keeps its own.
    budget = Budget.objects.get(association=demo, year=2022)
    draft = budget_services.budget_revise(budget=budget)
    reporting_services.narrative_save(
        association=demo, document=VP, year=2022, key="inledning", body="En helt ny inledning."
    )
    _change_everything_underneath(demo, 2022)

    after = _seen(reader, base)
    assert after == before
    stored.refresh_from_db()
    assert bytes(stored.pdf) == made_at_decision
    assert "Förbundet med nytt namn" not in after["html"]
    # The draft shows the changes, marked as a draft, and the decided page links it.
    page = reader.get(base).content.decode()
    assert f"?version={draft.number}" in page
    preview = reader.get(f"{base}?version={draft.number}").content.decode()
    assert "En helt ny inledning." in preview and "Utkast" in preview
    assert "(nytt namn)" in preview
    draft_pdf = reader.get(f"{base}pdf/?version={draft.number}")
    assert "utkast" in draft_pdf["Content-Disposition"]


def test_a_decided_budget_keeps_its_contributions(demo):
    budget = Budget.objects.get(association=demo, year=2022)
    decided = budget.versions.get(status=BudgetVersion.DECIDED)
    income = budget_grid(budget=budget, version_number=decided.number).income
    result = comparison(budget=budget).result()
    allocation = StateAllocation.objects.get(association=demo, year=2022)
    allocation_save(
        association=demo,
        year=2022,
        amount=Decimal(9_000_000),
        decided_on=None,
        key_basis=allocation.key_basis,
        weights={s.member_id: s.weight for s in allocation.shares.all()},
        allocation=allocation,
    )
    assert budget_grid(budget=budget, version_number=decided.number).income == income
    assert comparison(budget=budget).result() == result
    # A new draft follows the allocation as it is now.
    draft = budget_services.budget_revise(budget=budget)
    assert budget_grid(budget=budget, version_number=draft.number).income[0] != income[0]


def test_a_closed_years_annual_report_stays_as_decided(demo, reader, superuser):
    # The demo closes 2020 at the board's decision of its annual report, by date alone.
    fiscal_year = FiscalYear.objects.get(association=demo, year=2020)
    assert fiscal_year.closed_on == datetime.date(2021, 3, 26)
    assert fiscal_year.closed_paragraph == ""
    base = "/vasteras/dokument/arsredovisning/2020/"
    stored = DecidedDocument.objects.get(association=demo, document=AR, year=2020)
    made_at_decision = bytes(stored.pdf)
    before = _seen(reader, base)
    assert before["pdf"] == made_at_decision
    _change_everything_underneath(demo, 2020)
    assert _seen(reader, base) == before
    # Reopened, the stored report stays for the auditors, marked as replaced.
    budget_services.fiscal_year_reopen(fiscal_year=fiscal_year, reason="Rättelse", by=superuser)
    stored.refresh_from_db()
    assert stored.superseded and bytes(stored.pdf) == made_at_decision
    auditors = reader.get("/vasteras/revision/").content.decode()
    assert "ersatt" in auditors and stored.sha256 in auditors


def test_the_revision_page_lists_each_decision_once_and_serves_its_bytes(demo, reader):
    budget = Budget.objects.get(association=demo, year=2022)
    budget_services.budget_revise(budget=budget)
    second = budget.versions.order_by("-number").first()
    decide(second, datetime.date(2022, 2, 10), "§ 3")
    page = reader.get("/vasteras/revision/").content.decode()
    records = DecidedDocument.objects.filter(association=demo, document=VP, year=2022)
    assert records.count() == 2
    for record in records:
        assert page.count(record.sha256) == 1
        response = reader.get(f"/vasteras/revision/{record.pk}/pdf/")
        assert hashlib.sha256(response.content).hexdigest() == record.sha256
    again = reader.get("/vasteras/revision/").content.decode()
    assert again.split("<table>")[1] == page.split("<table>")[1]  # nothing vanishes
    # The plan's page shows the latest decision.
    plan = reader.get("/vasteras/dokument/verksamhetsplan/2022/").content.decode()
    assert "budgetversion 2" in plan and "§ 3" in plan


def test_a_placeholder_refuses_the_decision_and_gaps_need_a_confirmation(
    association, kansli_client
):
    version = budget_services.budget_create(association=association, year=2025)
    page = kansli_client.get("/testbygden/budget/2025/besluta/").content.decode()
    assert "platshållaren" in page and "disabled" in page
    response = kansli_client.post(
        "/testbygden/budget/2025/besluta/",
        {"decided_on": "2024-11-20", "paragraph": "§ 4", "confirm": "on"},
    )
    assert response.status_code == 400
    assert "Texten är inte skriven ännu." in response.content.decode()
    version.refresh_from_db()
    assert not version.is_decided and not DecidedDocument.objects.exists()

    write_texts(association, VP, 2025)
    response = kansli_client.post(
        "/testbygden/budget/2025/besluta/", {"decided_on": "2024-11-20", "paragraph": "§ 4"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bekräfta" in body and "tilldelning" in body and "Organisation" in body
    response = kansli_client.post(
        "/testbygden/budget/2025/besluta/",
        {"decided_on": "2024-11-20", "paragraph": "§ 4", "confirm": "on"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_decided and version.paragraph == "§ 4"
    assert DecidedDocument.objects.get(budget_version=version).pdf


@pytest.mark.parametrize(
    ("decided_on", "paragraph", "message"),
    [
        ("2999-01-01", "§ 4", "kan inte ligga i framtiden"),
        ("", "§ 4", "Ange datum"),
        ("20/11/2024", "§ 4", "ÅÅÅÅ-MM-DD"),
        ("2024-11-20", "", "paragrafen"),
    ],
)
def test_a_decision_date_in_the_future_or_no_paragraph_is_refused_on_its_field(
    association, kansli_client, decided_on, paragraph, message
):
    version = budget_services.budget_create(association=association, year=2025)
    write_texts(association, VP, 2025)
    response = kansli_client.post(
        "/testbygden/budget/2025/besluta/",
        {"decided_on": decided_on, "paragraph": paragraph, "confirm": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if decided_on:
        assert f'value="{decided_on}"' in body  # what was typed is kept
    version.refresh_from_db()
    assert not version.is_decided


def test_closing_dates_are_after_the_year_and_not_in_the_future(demo):
    fiscal_year = budget_services.fiscal_year_ensure(association=demo, year=2021)  # open
    write_texts(demo, AR, 2021)
    for day, message in [
        (datetime.date(2021, 12, 31), "efter årets slut"),
        (datetime.date(2999, 3, 1), "framtiden"),
    ]:
        with pytest.raises(ServiceError, match=message) as refused:
            budget_services.fiscal_year_close(
                fiscal_year=fiscal_year, closed_on=day, paragraph="§ 1", confirmed=True
            )
        assert refused.value.field == "closed_on"
    with pytest.raises(ServiceError, match="paragrafen"):
        budget_services.fiscal_year_close(
            fiscal_year=fiscal_year,
            closed_on=datetime.date(2022, 3, 1),
            paragraph=" ",
            confirmed=True,
        )
    fiscal_year.refresh_from_db()
    assert not fiscal_year.is_closed


def test_the_decision_and_its_document_are_in_the_change_log(demo):
    """One entry: the version decided, naming the frozen document and its hash."""
    stored = DecidedDocument.objects.get(association=demo, document=VP)
    entry = AuditEntry.objects.filter(
        association=demo, object_type="budgets.BudgetVersion", after__status="beslutad"
    ).get()
    assert entry.year == 2022 and entry.object_repr.startswith("Budget 2022 v")
    assert entry.after["sha256"] == stored.sha256
    assert re.search(
        r"Verksamhetsplan och budget 2022, budget version \d", entry.after["document"]
    )
    assert not AuditEntry.objects.filter(object_type="reporting.DecidedDocument").exists()
