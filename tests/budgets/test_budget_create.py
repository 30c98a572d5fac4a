"""A new budget: empty, or started from last year's plan or budget; the list's labels."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets import services
from budgets.models import Budget, BudgetAmount, BudgetLine
from finsam.models import AuditEntry
from finsam.services import ServiceError
from members.services import allocation_save
from tests.decisions import decide


def url(name: str, **kwargs) -> str:
    return reverse(f"budgets:{name}", kwargs={"slug": "testbygden", **kwargs})


def _cells(version) -> dict[tuple[str, int], Decimal]:
    return {
        (a.line.name, a.offset): a.amount
        for a in BudgetAmount.objects.filter(budget_version=version).select_related("line")
    }


@pytest.fixture
def last_year(association):
    """Budget 2025 with plan 2026–2027, decided as version 1 and revised as draft 2."""
    version = services.budget_create(association=association, year=2025)
    lines = {
        name: services.budget_line_save(
            association=association, data={"group": group, "name": name}
        )
        for name, group in [
            ("Styrelse", BudgetLine.ADMINISTRATION),
            ("Samordningsteam", BudgetLine.INSATS),
        ]
    }
    for name, figures in {
        "Styrelse": (150_000, 160_000, 170_000),
        "Samordningsteam": (1_200_000, 1_250_000, 1_300_000),
    }.items():
        for offset, amount in enumerate(figures):
            services.budget_amount_set(
                budget_version=version,
                line=lines[name],
                offset=offset,
                amount=Decimal(amount),
                expected_version=0,
            )
    decide(version, datetime.date(2024, 11, 20), "§ 12")
    draft = services.budget_revise(budget=version.budget)
    # The draft revision differs; the decided version is the one a new budget starts from.
    services.budget_amount_set(
        budget_version=draft,
        line=lines["Styrelse"],
        offset=1,
        amount=Decimal(999),
        expected_version=1,
    )
    return lines


def test_a_new_budget_starts_from_last_years_plan(association, last_year, kansli_user):
    version = services.budget_create(
        association=association, year=2026, start=services.START_FROM_PLAN, by=kansli_user
    )

    assert _cells(version) == {
        ("Styrelse", 0): Decimal(160_000),
        ("Styrelse", 1): Decimal(170_000),
        ("Samordningsteam", 0): Decimal(1_250_000),
        ("Samordningsteam", 1): Decimal(1_300_000),
    }
    entry = AuditEntry.objects.filter(object_type="budgets.BudgetVersion").latest("pk")
    assert entry.after["from"] == "budget 2025 version 1" and entry.after["start"] == "plan"


def test_a_new_budget_starts_from_last_years_budget(association, last_year):
    version = services.budget_create(
        association=association, year=2026, start=services.START_FROM_BUDGET
    )
    cells = _cells(version)
    assert cells[("Styrelse", 0)] == Decimal(150_000)
    assert cells[("Samordningsteam", 2)] == Decimal(1_300_000)
    assert len(cells) == 6


def test_contribution_lines_are_left_to_the_allocation(association, last_year):
    member = association.members.get(name="Köpings kommun")
    line = services.budget_line_save(
        association=association,
        data={
            "group": BudgetLine.CONTRIBUTION,
            "name": "Bidrag Köping",
            "member": member,
        },
    )
    previous = Budget.objects.get(association=association, year=2025).versions.get(number=2)
    services.budget_amount_set(
        budget_version=previous, line=line, offset=1, amount=Decimal(100_000), expected_version=0
    )
    services.budget_amount_set(
        budget_version=previous, line=line, offset=2, amount=Decimal(110_000), expected_version=0
    )
    decide(previous, datetime.date(2025, 2, 1), "§ 3")
    allocation_save(
        association=association,
        year=2026,
        amount=Decimal(1_000_000),
        decided_on=None,
        key_basis="procent",
        weights={member.id: Decimal(100)},
    )

    version = services.budget_create(
        association=association, year=2026, start=services.START_FROM_PLAN
    )

    cells = _cells(version)
    assert ("Bidrag Köping", 0) not in cells  # 2026 comes from the allocation
    assert cells[("Bidrag Köping", 1)] == Decimal(110_000)


def test_starting_from_a_missing_budget_is_refused(association):
    with pytest.raises(ServiceError, match="ingen budget för 2029") as refused:
        services.budget_create(association=association, year=2030, start=services.START_FROM_PLAN)
    assert refused.value.field == "start"
    assert not Budget.objects.filter(year=2030).exists()


def test_kansli_creates_next_years_budget_from_the_plan(kansli_client, association, last_year):
    page = kansli_client.get(url("index")).content.decode()
    assert 'name="start" value="plan"' in page

    response = kansli_client.post(url("budget_create"), {"year": "2026", "start": "plan"})

    assert response.status_code == 302
    assert response["Location"] == url("budget_detail", year=2026)
    grid = kansli_client.get(url("budget_detail", year=2026)).content.decode()
    assert "160\u00a0000" in grid and "1\u00a0250\u00a0000" in grid


def test_the_list_names_the_decided_version_beside_the_draft(
    kansli_client, association, last_year
):
    page = kansli_client.get(url("index")).content.decode()
    assert "Version 1</a>, beslutad 2024-11-20 § 12" in page
    assert "Version 2</a> (revidering)" in page


def test_the_version_line_names_each_version_once(kansli_client, association, last_year):
    page = kansli_client.get(url("budget_detail", year=2025)).content.decode()
    assert "Visar version 2: <strong>utkast</strong>" in page
    assert "Version 1 – beslutad 2024-11-20" in page
    assert "version 2 version 1" not in page.lower()


# Warnings, not refusals


def test_a_negative_cost_is_saved_with_a_warning_on_its_cell(
    kansli_client, association, last_year
):
    services.budget_create(association=association, year=2026)
    line = last_year["Styrelse"]
    response = kansli_client.post(
        url("cell_save", year=2026),
        {"line": line.pk, "offset": 0, "cell_version": 0, f"cell-{line.pk}-0": "-5 000"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sparat, men kontrollera: negativ kostnad (\u22125\u00a0000 kr)" in page
    assert response["HX-Trigger"] == "budget-changed"
    assert BudgetAmount.objects.get(line=line, budget_version__budget__year=2026).amount == -5000

    grid = kansli_client.get(url("budget_detail", year=2026)).content.decode()
    assert "Styrelse 2026: negativ kostnad" in grid
    assert "Innan beslut: 1 belopp att kontrollera" in grid


def test_a_negative_contribution_is_warned_about(kansli_client, association):
    member = association.members.get(name="Köpings kommun")
    line = services.budget_line_save(
        association=association,
        data={"group": BudgetLine.CONTRIBUTION, "name": "Bidrag Köping", "member": member},
    )
    services.budget_create(association=association, year=2026)
    kansli_client.post(
        url("cell_save", year=2026),
        {"line": line.pk, "offset": 1, "cell_version": 0, f"cell-{line.pk}-1": "-1"},
        HTTP_HX_REQUEST="true",
    )
    grid = kansli_client.get(url("budget_detail", year=2026)).content.decode()
    assert "Bidrag Köping 2027: negativt medlemsbidrag (\u22121 kr)." in grid
