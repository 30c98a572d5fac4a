"""Twenty people at once: no lost write, no 500, no write in a closed year.

On PostgreSQL every "person" is a thread with its own connection, all released
together by a barrier. SQLite's in-memory test database is one connection's, so
there the same people act one after the other — each having read the form before
anyone saved, as at a real meeting — which proves the same refusals, not the locks.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from budgets import ledger
from budgets import services as budget_services
from budgets.models import Actual, Budget, BudgetLine, FiscalYear, Forecast, LedgerImport
from finsam.models import AuditEntry
from finsam.services import ServiceError, StaleEdit
from insatser.models import Insats, ParticipantStats
from insatser.services import participant_stats_save
from members.models import UserRole
from reporting.models import AR, VP, NarrativeSection
from tests.budgets import test_ledger_import as ledger_tests
from tests.decisions import write_texts

chart = ledger_tests.chart  # the ledger tests' accounts and lines, as a fixture here
sie_text, stream = ledger_tests.sie_text, ledger_tests.stream

PEOPLE = 20
THREADED = connection.vendor == "postgresql"


def at_once(work: Callable[[int], object], people: int = PEOPLE) -> list[object]:
    """Run `work(i)` for every person; each result is what it returned or raised."""
    results: list[object] = [None] * people
    if not THREADED:
        for i in range(people):
            try:
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - every outcome is inspected
                results[i] = exc
        return results
    barrier = threading.Barrier(people)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - every outcome is inspected
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def clients(association, transactional_db, django_user_model) -> list[Client]:
    found = []
    for i in range(PEOPLE):
        user = django_user_model.objects.create_user(username=f"kansli{i}", password="x-1234-ab")
        UserRole.objects.create(user=user, association=association, role=UserRole.KANSLI)
        client = Client()
        client.force_login(user)
        found.append(client)
    return found


@pytest.fixture
def line(association, transactional_db) -> BudgetLine:
    return budget_services.budget_line_save(
        association=association, data={"group": BudgetLine.ADMINISTRATION, "name": "Kansli"}
    )


def _forms(clients: list[Client], url: str) -> list[str]:
    """Everybody opens the form before anybody saves."""
    return [client.get(url).content.decode() for client in clients]


def _token(page: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _told(results: list, statuses: set[int]) -> None:
    for result in results:
        assert not isinstance(result, Exception), result
        assert result.status_code in statuses, result.status_code


def test_twenty_forecasts_of_one_line_at_once(association, line, clients):
    url = "/testbygden/budget/2025/prognos/"
    pages = _forms(clients, url)
    results = at_once(
        lambda i: clients[i].post(
            url,
            {
                "made_on": "2025-06-01",
                f"line-{line.id}": str(1000 + i),
                f"v-{line.id}": _token(pages[i], f"v-{line.id}"),
            },
        )
    )
    _told(results, {302, 400})
    accepted = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(accepted) == 1
    refused = [r for r in results if r.status_code == 400]
    assert all("någon annan" in r.content.decode() for r in refused)
    forecast = Forecast.objects.get(line=line, year=2025)
    assert forecast.amount == Decimal(1000 + accepted[0])
    assert AuditEntry.objects.filter(object_type="budgets.Forecast").count() == 1


def test_twenty_outcome_saves_of_one_month_at_once(association, line, clients):
    url = "/testbygden/budget/2025/utfall/?manad=3"
    pages = _forms(clients, url)
    results = at_once(
        lambda i: clients[i].post(
            url,
            {
                "month": "3",
                f"line-{line.id}": str(500 + i),
                f"v-{line.id}": _token(pages[i], f"v-{line.id}"),
            },
        )
    )
    _told(results, {302, 400})
    accepted = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(accepted) == 1
    assert Actual.objects.get(line=line, year=2025, month=3).amount == Decimal(500 + accepted[0])


def test_twenty_people_writing_one_text_at_once(association, clients):
    url = "/testbygden/dokument/verksamhetsplan/2025/texter/"
    budget_services.budget_create(association=association, year=2025)
    pages = _forms(clients, url)
    version = _token(pages[0].split('value="inledning"', 1)[1], "version")
    results = at_once(
        lambda i: clients[i].post(
            url, {"key": "inledning", "version": version, "body": f"Text nummer {i}"}
        )
    )
    _told(results, {302, 400})
    accepted = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(accepted) == 1
    text = NarrativeSection.objects.get(association=association, document=VP, key="inledning")
    assert text.body == f"Text nummer {accepted[0]}"


def test_twenty_people_creating_the_same_rows_at_once(association, transactional_db):
    insats = Insats.objects.create(association=association, name="Teamet", kind="individ")
    counts = {
        "women_total": 3,
        "men_total": 2,
        "women_new": 3,
        "men_new": 2,
        "women_ended": 1,
        "men_ended": 0,
        "women_ongoing": 2,
        "men_ongoing": 2,
    }
    results = at_once(
        lambda i: participant_stats_save(
            insats=insats, year=2025, counts=counts, reasons={}, expected_version=0
        )
    )
    assert sum(isinstance(r, ParticipantStats) for r in results) == 1
    assert all(isinstance(r, ParticipantStats | StaleEdit) for r in results), results
    budgets = at_once(lambda i: budget_services.budget_create(association=association, year=2026))
    assert sum(not isinstance(r, Exception) for r in budgets) == 1
    assert all(
        not isinstance(r, Exception) or (isinstance(r, ServiceError) and "finns redan" in str(r))
        for r in budgets
    ), budgets
    assert Budget.objects.filter(association=association, year=2026).count() == 1


def test_one_file_imported_twenty_times_at_once_is_recorded_once(
    association, chart, transactional_db
):
    content = sie_text().encode("cp437")
    results = at_once(
        lambda i: ledger.apply_import(
            association=association, stream=stream(sie_text()), file_name="samma.se"
        )
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert LedgerImport.objects.filter(association=association).count() == 1
    assert len(content) > 0


def test_closing_a_year_while_twenty_outcome_saves_arrive(association, chart, transactional_db):
    """Either a save lands before the closing (and the closing then finds the books do
    not add up, or includes it), or it is refused: never a closed year whose figures
    changed after its closing."""
    ledger.apply_import(association=association, stream=stream(sie_text()), file_name="b.se")
    fiscal_year = FiscalYear.objects.get(association=association, year=2024)
    write_texts(association, AR, 2024)
    office = chart["office"]

    def work(i: int):
        if i == 0:
            return budget_services.fiscal_year_close(
                fiscal_year=fiscal_year,
                closed_on=datetime.date(2025, 3, 20),
                paragraph="§ 7",
                confirmed=True,
            )
        return budget_services.actuals_set(
            fiscal_year=fiscal_year, line=office, month=12, amount=Decimal(2000 + i)
        )

    results = at_once(work)
    for result in results:
        assert not isinstance(result, Exception) or isinstance(result, ServiceError), result
    fiscal_year.refresh_from_db()
    if fiscal_year.is_closed:
        closing = AuditEntry.objects.filter(
            object_type="budgets.FiscalYear", object_id=str(fiscal_year.pk)
        ).latest("id")
        late = AuditEntry.objects.filter(object_type="budgets.Actual", id__gt=closing.id)
        assert not late.exists()
        refused = [r for r in results[1:] if isinstance(r, ServiceError)]
        assert all("stängt" in str(r) for r in refused)
        from reporting.selectors import year_statements

        assert not year_statements(association=association, year=2024).findings


def _edits(association) -> dict[str, tuple[object, Callable[[object, int, int], object]]]:
    """Rows of every kind a person edits in a form, each with its service called as
    the form calls it: the version read when the form was opened, a new value."""
    from insatser import goal_services
    from insatser import services as insats_services
    from members import services as member_services

    fiscal_year = budget_services.fiscal_year_ensure(association=association, year=2025)
    goal = goal_services.goal_save(
        association=association, data={"year": 2025, "area": "individ", "text": "Mål", "unit": ""}
    )
    insats = insats_services.insats_save(
        association=association, data={"name": "Teamet", "code": "T", "kind": "individ"}
    )
    balance = budget_services.balance_line_save(
        fiscal_year=fiscal_year, data={"item": "kassa_och_bank", "label": "Bank", "amount": 1}
    )
    person = member_services.person_save(association=association, data={"name": "Anna"})
    return {
        "goal": (
            goal,
            lambda row, version, i: goal_services.goal_save(
                association=association,
                data={"text": f"Mål {i}"},
                goal=row,
                expected_version=version,
            ),
        ),
        "insats": (
            insats,
            lambda row, version, i: insats_services.insats_save(
                association=association,
                data={"name": f"Teamet {i}", "code": "T", "kind": "individ"},
                insats=row,
                expected_version=version,
            ),
        ),
        "balance line": (
            balance,
            lambda row, version, i: budget_services.balance_line_save(
                fiscal_year=fiscal_year,
                data={"amount": Decimal(100 + i)},
                line=row,
                expected_version=version,
            ),
        ),
        "year-end figures": (
            fiscal_year,
            lambda row, version, i: budget_services.year_end_save(
                fiscal_year=row, data={"employees": Decimal(i + 1)}, expected_version=version
            ),
        ),
        "person": (
            person,
            lambda row, version, i: member_services.person_save(
                association=association,
                data={"name": f"Anna {i}"},
                person=row,
                expected_version=version,
            ),
        ),
        "association": (
            association,
            lambda row, version, i: member_services.association_update(
                association=row, data={"vision": f"Vision {i}"}, expected_version=version, by=None
            ),
        ),
    }


KINDS = ["goal", "insats", "balance line", "year-end figures", "person", "association"]


@pytest.mark.parametrize("kind", KINDS)
def test_twenty_people_saving_one_row_at_once(association, transactional_db, kind):
    """Everybody read version v; exactly one save wins, every other is told it is stale,
    and the row holds the winner's value."""
    row, save = _edits(association)[kind]
    row.refresh_from_db()
    version = row.version
    results = at_once(lambda i: save(type(row).objects.get(pk=row.pk), version, i))
    accepted = [i for i, r in enumerate(results) if not isinstance(r, Exception)]
    assert len(accepted) == 1, results
    assert all(isinstance(r, StaleEdit) for r in results if isinstance(r, Exception)), results
    row.refresh_from_db()
    assert row.version == version + 1
