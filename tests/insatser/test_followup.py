"""Follow-up of an insats: unreported totals, breakdowns, activities and the charts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from budgets.models import FiscalYear
from finsam.models import AuditEntry
from finsam.services import ServiceError
from insatser import charts, services
from insatser.models import Activity, Insats, ParticipantBreakdown, ParticipantStats

B = ParticipantBreakdown

# 20 women and 10 men in all; 12 women and 6 men ended; 8 women and 4 men new.
COUNTS = {
    "women_total": 20,
    "men_total": 10,
    "women_new": 8,
    "men_new": 4,
    "women_ended": 12,
    "men_ended": 6,
    "women_ongoing": 8,
    "men_ongoing": 4,
}
# Only who started and who ended, as the SUS summaries give it.
PARTIAL = {**COUNTS, "women_total": None, "men_total": None}
PARTIAL.update(women_ongoing=None, men_ongoing=None)


@pytest.fixture
def insats(association):
    return services.insats_save(
        association=association,
        data={"code": "ST", "name": "Samordningsteam", "kind": "individ", "published": True},
    )


@pytest.fixture
def stats(insats):
    return services.participant_stats_save(insats=insats, year=2024, counts=COUNTS, reasons={})


def _detail(insats) -> str:
    return reverse("insatser:insats_detail", kwargs={"slug": "testbygden", "insats_id": insats.pk})


# Unreported totals


def test_it_saves_stats_with_only_new_and_ended(insats):
    stats = services.participant_stats_save(
        insats=insats, year=2024, counts=PARTIAL, reasons={"arbete": (12, 6)}
    )
    stats.refresh_from_db()
    assert stats.women_total is None and stats.men_ongoing is None
    assert services.participants(stats, "women") == 12


def test_it_wants_total_and_ongoing_together(insats):
    with pytest.raises(ServiceError, match="ange både totalt och pågående"):
        services.participant_stats_save(
            insats=insats, year=2024, counts={**COUNTS, "women_ongoing": None}, reasons={}
        )
    assert not ParticipantStats.objects.exists()


def test_it_refuses_stats_in_a_closed_year(insats, association):
    FiscalYear.objects.create(association=association, year=2024, closed_on="2025-03-01")
    with pytest.raises(ServiceError, match="2024 är stängt"):
        services.participant_stats_save(insats=insats, year=2024, counts=COUNTS, reasons={})


def test_unreported_totals_show_on_the_page_and_the_public_page(kansli_client, client, insats):
    url = reverse(
        "insatser:stats_edit", kwargs={"slug": "testbygden", "insats_id": insats.pk, "year": 2024}
    )
    data = {k: "" if v is None else str(v) for k, v in PARTIAL.items()}
    response = kansli_client.post(url, data)
    assert response.status_code == 302
    assert ParticipantStats.objects.get().women_total is None
    page = kansli_client.get(_detail(insats)).content.decode()
    assert "ej redovisat" in page
    public = client.get("/testbygden/resultat/").content.decode()
    assert ">18 <span" in public  # 12 + 6 ended stand for the participants
    assert "(avslutade)" in public


def test_the_stats_form_leaves_totals_optional(kansli_client, insats):
    url = reverse(
        "insatser:stats_edit", kwargs={"slug": "testbygden", "insats_id": insats.pk, "year": 2024}
    )
    page = kansli_client.get(url).content.decode()
    assert "totalt och pågående får lämnas tomma" in page
    assert "<caption>Deltagare 2024</caption>" in page
    assert "personnummer" not in page.lower()


# Breakdowns


@pytest.mark.parametrize(
    ("dimension", "rows", "message"),
    [
        ("okand", {"x": (1, 1)}, "Okänd fördelning: okand."),
        (B.AGE, {"99_plus": (1, 0)}, "Okänd kategori för ålder: 99_plus."),
        (B.AGE, {"20_29": (-1, 0)}, "får inte vara negativa"),
        (
            B.SUPPORT_AFTER,
            {"a_kassa": (13, 0)},
            "Fler kvinnor efter insatsen med a-kassa (13) än som avslutade (12).",
        ),
        (
            B.SUPPORT_BEFORE,
            {"forsorjningsstod": (0, 11)},
            "Fler män före insatsen med försörjningsstöd (11) än deltagare (10).",
        ),
        (
            B.AGE,
            {"20_29": (15, 0), "30_39": (6, 0)},
            "Ålder: kvinnor summerar till 21, men det finns 20 deltagare.",
        ),
        (
            B.TIME_IN_SUPPORT,
            {"under_1": (0, 6), "1_2": (0, 5)},
            "män summerar till 11, men det finns 10 deltagare.",
        ),
        (
            B.EDUCATION,
            {"gymnasium": (9, 0)},
            "Utbildningsnivå: kvinnor summerar till 9, men det finns 8 nya deltagare.",
        ),
    ],
)
def test_an_impossible_breakdown_is_refused_and_saves_nothing(stats, dimension, rows, message):
    with pytest.raises(ServiceError, match=re.escape(message)):
        services.breakdown_save(stats=stats, dimension=dimension, rows=rows)
    assert not ParticipantBreakdown.objects.exists()


def test_without_totals_a_breakdown_is_measured_against_the_ended(insats):
    stats = services.participant_stats_save(insats=insats, year=2024, counts=PARTIAL, reasons={})
    with pytest.raises(ServiceError, match=re.escape("än avslutade deltagare (12)")):
        services.breakdown_save(stats=stats, dimension=B.SUPPORT_BEFORE, rows={"a_kassa": (13, 0)})


def test_it_refuses_a_breakdown_in_a_closed_year(stats, association):
    FiscalYear.objects.create(association=association, year=2024, closed_on="2025-03-01")
    with pytest.raises(ServiceError, match="2024 är stängt"):
        services.breakdown_save(stats=stats, dimension=B.AGE, rows={"20_29": (1, 1)})
    assert not ParticipantBreakdown.objects.exists()


def test_a_possible_breakdown_replaces_its_dimension_and_is_audited(stats, kansli_user):
    services.breakdown_save(
        stats=stats, dimension=B.SUPPORT_BEFORE, rows={"a_kassa": (12, 10), "sjukpenning": (20, 3)}
    )
    services.breakdown_save(stats=stats, dimension=B.AGE, rows={"20_29": (20, 10)})
    services.breakdown_save(
        stats=stats,
        dimension=B.SUPPORT_BEFORE,
        rows={"a_kassa": (5, 0), "okand": (0, 0)},
        by=kansli_user,
    )
    rows = {
        (r.dimension, r.category): (r.women, r.men) for r in ParticipantBreakdown.objects.all()
    }
    assert rows == {(B.SUPPORT_BEFORE, "a_kassa"): (5, 0), (B.AGE, "20_29"): (20, 10)}
    entry = AuditEntry.objects.filter(user=kansli_user).get()
    assert entry.before["breakdowns"][B.SUPPORT_BEFORE]["sjukpenning"] == [20, 3]


def test_changed_counts_must_still_fit_the_breakdowns(stats, insats):
    services.breakdown_save(stats=stats, dimension=B.AGE, rows={"20_29": (20, 10)})
    with pytest.raises(ServiceError, match="stämmer inte med fördelningarna"):
        services.participant_stats_save(
            insats=insats,
            year=2024,
            counts={**COUNTS, "women_total": 19, "women_ongoing": 7},
            reasons={},
        )
    assert ParticipantStats.objects.get().women_total == 20


def test_kansli_enters_breakdowns_on_one_page(kansli_client, stats, insats):
    url = reverse(
        "insatser:breakdown_edit",
        kwargs={"slug": "testbygden", "insats_id": insats.pk, "year": 2024},
    )
    page = kansli_client.get(url).content.decode()
    form = page[page.index('<form method="post" class="form"') :]
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', form[: form.index("</form>")]))
    assert "alder__20_29__women" in names
    # Counts only: no field takes a name or a personal identity number.
    assert all(
        n in ("csrfmiddlewaretoken", "version") or re.fullmatch(r"\w+__\w+__(women|men)", n)
        for n in names
    )
    assert 'type="text"' not in form[: form.index("</form>")]
    bad = kansli_client.post(url, {"forsorjning_efter__a_kassa__men": "7", "version": "1"})
    assert bad.status_code == 400
    assert "Fler män efter insatsen med a-kassa (7) än som avslutade (6)." in bad.content.decode()
    assert not ParticipantBreakdown.objects.exists()
    good = kansli_client.post(
        url, {"forsorjning_efter__a_kassa__men": "6", "alder__16_19__women": "3", "version": "1"}
    )
    assert good.status_code == 302
    assert ParticipantBreakdown.objects.count() == 2


def test_the_breakdown_page_without_stats_asks_for_them_first(kansli_client, insats):
    url = reverse(
        "insatser:breakdown_edit",
        kwargs={"slug": "testbygden", "insats_id": insats.pk, "year": 2023},
    )
    assert "Registrera först deltagarna" in kansli_client.get(url).content.decode()


# Activities


@pytest.fixture
def structural(association):
    return services.insats_save(
        association=association, data={"code": "DV", "name": "Dejten", "kind": Insats.STRUKTUR}
    )


def test_kansli_adds_and_deletes_an_activity(kansli_client, structural):
    page = kansli_client.get(_detail(structural)).content.decode()
    assert "Registrera aktivitet" in page
    add = reverse(
        "insatser:activity_add", kwargs={"slug": "testbygden", "insats_id": structural.pk}
    )
    response = kansli_client.post(
        add,
        {
            "date": "2024-05-14",
            "title": "Dejt med en verkSAMhet",
            "kind": "motesplats",
            "attendees": "42",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.attendees == 42
    page = kansli_client.get(_detail(structural)).content.decode()
    assert "Dejt med en verkSAMhet" in page and 'data-confirm="Ta bort aktiviteten' in page
    delete = reverse(
        "insatser:activity_delete", kwargs={"slug": "testbygden", "insats_id": structural.pk}
    )
    assert kansli_client.post(delete, {"activity": activity.pk}).status_code == 302
    assert not Activity.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.DELETE).count() == 1


def test_an_activity_needs_a_date_and_no_negative_attendees(kansli_client, structural):
    add = reverse(
        "insatser:activity_add", kwargs={"slug": "testbygden", "insats_id": structural.pk}
    )
    response = kansli_client.post(
        add, {"title": "Seminarium", "kind": "seminarium", "attendees": "-1"}
    )
    assert response.status_code == 400
    assert "Antalet deltagare kan inte vara negativt." in response.content.decode()
    with pytest.raises(ServiceError, match="Ange ett datum"):
        services.activity_save(insats=structural, date=None, title="X", kind="ovrigt", attendees=1)
    assert not Activity.objects.exists()


def test_an_activity_edit_checks_the_version_and_the_closed_year(structural, association):
    activity = services.activity_save(
        insats=structural,
        date=datetime.date(2024, 3, 1),
        title="Kurs",
        kind="utbildning",
        attendees=10,
    )
    services.activity_save(
        insats=structural,
        activity=activity,
        expected_version=1,
        date=activity.date,
        title="Kurs i MI",
        kind="utbildning",
        attendees=12,
    )
    with pytest.raises(ServiceError, match="har ändrats av någon annan"):
        services.activity_save(
            insats=structural,
            activity=activity,
            expected_version=1,
            date=activity.date,
            title="Kurs",
            kind="utbildning",
            attendees=1,
        )
    FiscalYear.objects.create(association=association, year=2024, closed_on="2025-03-01")
    with pytest.raises(ServiceError, match="2024 är stängt"):
        services.activity_delete(insats=structural, activity=activity)
    assert Activity.objects.get().title == "Kurs i MI"


def test_styrelse_cannot_add_or_delete_activities(client, styrelse_user, structural):
    activity = services.activity_save(
        insats=structural,
        date=datetime.date(2024, 3, 1),
        title="Kurs",
        kind="utbildning",
        attendees=10,
    )
    client.force_login(styrelse_user)
    kwargs = {"slug": "testbygden", "insats_id": structural.pk}
    add = client.post(
        reverse("insatser:activity_add", kwargs=kwargs),
        {"date": "2024-05-14", "title": "X", "kind": "ovrigt", "attendees": "1"},
    )
    delete = client.post(
        reverse("insatser:activity_delete", kwargs=kwargs), {"activity": activity.pk}
    )
    assert add.status_code == delete.status_code == 403
    assert Activity.objects.get().title == "Kurs"
    page = client.get(_detail(structural)).content.decode()
    assert "Kurs" in page and "Registrera aktivitet" not in page


# Charts


def test_bar_lengths_are_proportional_and_zero_gives_no_bar():
    assert charts.bar_length(10, 20) == charts.PLOT_WIDTH / 2
    assert charts.bar_length(20, 20) == charts.PLOT_WIDTH
    assert charts.bar_length(0, 20) == 0
    assert charts.bar_length(None, 20) == 0
    assert charts.bar_length(0, 0) == 0
    chart = charts.bar_chart(
        chart_id="c", title="T", rows=[("Totalt", (None, 10)), ("Nya", (5, 0))]
    )
    total, new = chart.rows
    assert [b.width for b in total.bars] == [0, charts.PLOT_WIDTH]
    assert [b.text for b in total.bars] == ["ej redovisat", "10"]
    assert new.bars[0].width == charts.PLOT_WIDTH / 2 and new.bars[1].width == 0
    assert new.bars[0].fill != new.bars[1].fill
    assert total.bars[1].y + total.bars[1].height <= new.bars[0].y
    assert "Totalt: kvinnor ej redovisat, män 10" in chart.desc


def test_the_insats_page_draws_accessible_charts_with_the_same_figures(kansli_client, insats):
    stats = services.participant_stats_save(
        insats=insats, year=2024, counts=COUNTS, reasons={"arbete": (9, 5), "studier": (3, 1)}
    )
    services.breakdown_save(
        stats=stats, dimension=B.SUPPORT_BEFORE, rows={"forsorjningsstod": (7, 4)}
    )
    services.breakdown_save(
        stats=stats, dimension=B.SUPPORT_AFTER, rows={"forsorjningsstod": (2, 1)}
    )
    page = kansli_client.get(_detail(insats)).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc" in svg
        assert "style" not in svg and "<script" not in svg
    reasons_svg = svgs[1]
    assert ">9</text>" in reasons_svg and ">5</text>" in reasons_svg
    figure = page[page.index('aria-labelledby="avslutsorsaker-2024-title') :]
    table = figure[figure.index("<table>") : figure.index("</table>")]
    assert '<td class="num">9</td><td class="num">5</td>' in table
    support = page[page.index('id="forsorjning-2024-title"') :]
    support_table = support[support.index("<table>") : support.index("</table>")]
    assert '<td class="num">11</td><td class="num">3</td>' in support_table


# Queries


@pytest.mark.parametrize("years", [1, 10])
def test_the_insats_page_does_a_fixed_number_of_queries(
    kansli_client, structural, django_assert_max_num_queries, years
):
    for i in range(years):
        stats = services.participant_stats_save(
            insats=structural, year=2010 + i, counts=COUNTS, reasons={"arbete": (12, 6)}
        )
        services.breakdown_save(stats=stats, dimension=B.AGE, rows={"20_29": (20, 10)})
        services.breakdown_save(stats=stats, dimension=B.SUPPORT_AFTER, rows={"a_kassa": (3, 2)})
        services.activity_save(
            insats=structural,
            date=datetime.date(2010 + i, 5, 1),
            title=f"Seminarium {i}",
            kind="seminarium",
            attendees=30,
        )
    with django_assert_max_num_queries(15):  # the same whatever the years
        response = kansli_client.get(_detail(structural))
    assert response.status_code == 200
