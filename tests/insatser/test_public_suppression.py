"""The public results page: no printed share or count lets a group under five be derived."""

from __future__ import annotations

import pytest

from insatser import services
from insatser.models import Insats
from insatser.views import published_counts


@pytest.mark.parametrize(
    ("total", "ended", "to_work", "expected"),
    [
        # 6 ended, 5 to work: "83 %" would reveal the one who did not.
        (6, 6, 5, {"participants": "6", "ended": "6", "share": "–"}),
        # 10 ended, 10 to work: 100 % reveals every participant's outcome.
        (10, 10, 10, {"participants": "10", "ended": "10", "share": "–"}),
        (20, 10, 5, {"participants": "20", "ended": "10", "share": "50 %"}),
        # 12 participants, 9 ended: the 3 ongoing would be the difference.
        (12, 9, 0, {"participants": "12", "ended": "–", "share": "–"}),
        (12, 3, 0, {"participants": "12", "ended": "färre än 5", "share": "–"}),
        (4, 4, 2, {"participants": "färre än 5", "ended": "färre än 5", "share": "–"}),
        (0, 0, 0, {"participants": "0", "ended": "0", "share": "–"}),
        (30, 20, 12, {"participants": "30", "ended": "20", "share": "60 %"}),
    ],
)
def test_published_counts(total, ended, to_work, expected):
    assert published_counts(total=total, ended=ended, to_work=to_work) == expected


def _published(association, **counts_and_reasons):
    insats = services.insats_save(
        association=association, data={"code": "ST", "name": "Steget", "kind": Insats.INDIVID}
    )
    insats = services.insats_save(
        association=association, insats=insats, data={"published": True}, expected_version=1
    )
    return insats


def test_six_ended_of_whom_five_went_to_work_prints_no_share(client, association):
    insats = _published(association)
    services.participant_stats_save(
        insats=insats,
        year=2024,
        counts={
            "women_total": 4,
            "men_total": 2,
            "women_new": 4,
            "men_new": 2,
            "women_ended": 4,
            "men_ended": 2,
            "women_ongoing": 0,
            "men_ongoing": 0,
        },
        reasons={"arbete": (3, 1), "studier": (1, 0), "ovrigt": (0, 1)},
    )
    page = client.get("/testbygden/resultat/").content.decode()
    assert "Steget" in page
    assert "83 %" not in page and "%" not in page.split("<tbody>")[1]
