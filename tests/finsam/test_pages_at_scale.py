"""Every page the benchmark measures makes the same number of queries at ten times
the demo as at the demo's size (finsam/benchmark.py makes the data larger through
the ORM: insatser, budget lines, years of outcome and participant rows)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from budgets import sie
from finsam import benchmark as bench
from members.models import Association, UserRole
from reporting import document_cache


@pytest.fixture
def demo_client(db, kansli_user, client):
    call_command("load_demo", verbosity=0)
    association = Association.objects.get(slug=bench.SLUG)
    UserRole.objects.create(user=kansli_user, association=association, role=UserRole.KANSLI)
    bench.add_participants(association)
    client.force_login(kansli_user)
    return client, association


def test_every_page_makes_as_many_queries_at_ten_times_the_data(
    demo_client, django_assert_max_num_queries
):
    client, association = demo_client
    pages = bench.pages(association)
    at_one = {page.url: bench.query_count(client, page.url) for page in pages}

    before = bench.counts(association)
    after = bench.scale(association, 10)
    assert after["insatser"] == 10 * before["insatser"]
    assert after["år med utfall"] == 10 * before["år med utfall"]
    assert after["deltagarrader"] == 10 * before["deltagarrader"] > 0
    assert after["budgetposter"] > 2 * before["budgetposter"]

    # The copies bypass the change log that tells a kept document page its data
    # changed (reporting/document_cache.py): every page below is built anew.
    document_cache.clear()
    for page in pages:
        with django_assert_max_num_queries(at_one[page.url]):
            response = client.get(page.url)
        assert response.status_code == 200, page.label
    # The copies are on the pages: the grid lists the copied lines, the list the insatser.
    grid = client.get(pages[0].url).content.decode()
    assert "(10)</th>" in grid
    listing = client.get(pages[3].url).content.decode()
    assert listing.count('href="/vastmanland/insatser/') >= after["insatser"]


def test_the_benchmark_sie_file_parses_with_the_transactions_asked_for(tmp_path):
    path = tmp_path / "stor.se"
    made = bench.sie_file(path, 1000)
    seen = []
    with path.open("rb") as stream:
        parsed = sie.parse(
            stream, lambda verification: seen.append(len(verification.transactions))
        )
    assert made >= 1000
    assert sum(seen) == made
    assert parsed.orgnr == "222000-2824"


def test_the_file_for_pysie_accounting_holds_the_same_verifications(tmp_path):
    """The comparison with pysie-accounting reads a reshaped copy: ASCII, #VER with
    quoted series and number. Our parser finds the same figures in both."""
    path, shaped = tmp_path / "stor.se", tmp_path / "pysie.se"
    bench.sie_file(path, 500)
    bench.pysie_file(path, shaped)

    def figures(file):
        seen = []
        with file.open("rb") as stream:
            sie.parse(
                stream,
                lambda v: seen.append(
                    (v.series, v.number, v.date, sum(t.amount for t in v.transactions))
                ),
            )
        return seen

    assert figures(shaped) == figures(path) != []
    text = shaped.read_text(encoding="ascii")
    assert '#VER "A" "1" 20200125 "Fakturor" 20200125' in text


def test_the_driftredovisning_grows_with_the_copies(demo_client, django_assert_max_num_queries):
    from reporting.selectors import operating_report

    _, association = demo_client
    before = operating_report(association=association, year=bench.YEAR)
    bench.scale(association, 3)
    with django_assert_max_num_queries(5):
        after = operating_report(association=association, year=bench.YEAR)
    assert len(after.insatser) == 3 * len(before.insatser) > 0
    # Costs come from lines that are all copied (contribution lines are income).
    for mine, theirs in zip(after.sections[1:], before.sections[1:], strict=True):
        assert len(mine.rows) == 3 * len(theirs.rows)
        assert mine.total.outcome_cost == 3 * theirs.total.outcome_cost
        assert mine.total.budget_cost == 3 * theirs.total.budget_cost
    assert after.operating_total.outcome_cost == 3 * before.operating_total.outcome_cost
