"""The Västerås participant tables of the annual report 2020 come out of the demo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from finsam.money import format_percent
from insatser.models import Insats, ParticipantBreakdown
from members.models import Association

# arsredovisning-2020-vasteras.txt, "Uppföljning och resultat för individinriktade
# insatser": reason, women, men, women's share, men's share (of all who ended).
PRINTED_2020 = [
    ("utskrivning", 13, 17, "19,1", "25,0"),
    ("flytt", 1, 0, "1,5", None),
    ("foraldraledig", 1, 0, "1,5", None),
    ("sjukdom", 5, 7, "7,4", "10,3"),
    ("rehabilitering", 11, 7, "16,2", "10,3"),
    ("utan_matning", 3, 2, "4,4", "2,9"),
    ("ovrigt", 0, 1, None, "1,5"),
]


@pytest.fixture
def sus(db):
    call_command("load_demo", verbosity=0)
    vasteras = Association.objects.get(slug="vasteras")
    return Insats.objects.get(association=vasteras, code="SUS-SAMLAT")


def _share(count: int, whole: int) -> str:
    return format_percent(Decimal(count) * 100 / whole).split("\xa0")[0]


def test_reasons_for_ending_2020_as_printed(sus):
    stats = sus.participant_stats.get(year=2020)
    assert (stats.women_ended, stats.men_ended) == (34, 34)
    ended = stats.women_ended + stats.men_ended
    assert ended == 68
    assert _share(stats.women_ended, ended) == "50,0"
    reasons = {r.reason: (r.women, r.men) for r in stats.end_reasons.all()}
    for reason, women, men, women_share, men_share in PRINTED_2020:
        assert reasons[reason] == (women, men), reason
        if women_share:
            assert _share(women, ended) == women_share, reason
        if men_share:
            assert _share(men, ended) == men_share, reason
    assert sum(w + m for w, m in reasons.values()) == 68
    # SUS reports neither total nor ongoing here; they are left unreported.
    assert stats.women_total is None and stats.men_ongoing is None


def test_2019_table_and_breakdowns(sus):
    stats = sus.participant_stats.get(year=2019)
    assert (stats.women_ended, stats.men_ended) == (71, 28)
    reasons = {r.reason: (r.women, r.men) for r in stats.end_reasons.all()}
    assert reasons["rehabilitering"] == (30, 13)  # "Utskrivning – fortsatt rehabilitering"
    assert _share(30, 99) == "30,3"
    education = {
        b.category: (b.women, b.men)
        for b in stats.breakdowns.filter(dimension=ParticipantBreakdown.EDUCATION)
    }
    assert sum(w for w, _ in education.values()) == 64  # started 2019: 64 women
    assert sum(m for _, m in education.values()) == 51
    after_2020 = {
        b.category: (b.women, b.men)
        for b in sus.participant_stats.get(year=2020).breakdowns.filter(
            dimension=ParticipantBreakdown.SUPPORT_AFTER
        )
    }
    assert after_2020["forsorjningsstod"] == (11, 11)
    assert after_2020["studiemedel"] == (3, 7)


def test_samordningsteam_2020_from_the_appendix(sus):
    team = Insats.objects.get(association=sus.association, code="SAMTEAM")
    stats = team.participant_stats.get(year=2020)
    assert (stats.women_total, stats.men_total) == (48, 37)
    assert (stats.women_new, stats.men_new) == (26, 21)
    assert (stats.women_ended, stats.men_ended) == (24, 25)
    assert (stats.women_ongoing, stats.men_ongoing) == (24, 12)
    assert team.capacity == 110
    assert sum(s.count for s in team.staffing.all()) == 8
    # Its budget lines are linked, so its outcome 2020 reaches the insats.
    assert team.budget_lines.filter(name="Samordningsteam Västerås 2020").exists()


def test_loading_twice_adds_nothing(sus):
    from insatser.models import EndReason, ParticipantStats, Staffing

    counts = (
        Insats.objects.count(),
        ParticipantStats.objects.count(),
        EndReason.objects.count(),
        ParticipantBreakdown.objects.count(),
        Staffing.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert counts == (
        Insats.objects.count(),
        ParticipantStats.objects.count(),
        EndReason.objects.count(),
        ParticipantBreakdown.objects.count(),
        Staffing.objects.count(),
    )
