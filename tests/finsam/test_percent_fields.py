"""Percent fields read a percentage as the application prints it: "50", "50 %",
"50,0 %"; anything else is a Swedish message and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from finsam.forms import PercentField
from insatser import services
from insatser.models import Goal, Insats, Staffing
from members.models import StateAllocation


@pytest.mark.parametrize(
    ("typed", "value"),
    [("50", "50"), ("50 %", "50"), ("50,0 %", "50.0"), ("50%", "50"), ("12,5\u00a0%", "12.5")],
)
def test_a_percentage_reads_as_printed(typed, value):
    assert PercentField().clean(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["femtio", "50 %%", "% 50", "5 0 %"])
def test_anything_else_is_a_swedish_message(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="procentsats"):
        PercentField().clean(typed)


def test_staffing_takes_50_percent(kansli_client, association):
    insats = services.insats_save(
        association=association,
        data={"code": "ST", "name": "Samordningsteam", "kind": Insats.INDIVID},
    )
    url = reverse(
        "insatser:staffing_add", kwargs={"slug": association.slug, "insats_id": insats.id}
    )
    assert (
        kansli_client.post(url, {"role": "Coach", "count": "1", "percent": "50 %"}).status_code
        == 302
    )
    assert Staffing.objects.get().percent == Decimal(50)
    refused = kansli_client.post(url, {"role": "Coach", "count": "1", "percent": "halva"})
    assert "procentsats" in refused.content.decode()
    assert Staffing.objects.count() == 1


def test_the_key_takes_percent_signs(kansli_client, association):
    members = {m.name: m.id for m in association.members.all()}
    data = {
        "year": "2021",
        "amount": "1 500 000",
        "key_basis": "procent",
        "decided_on": "",
        "note": "",
    }
    for name, weight in [
        ("Köpings kommun", "50 %"),
        ("Arboga kommun", "30,0 %"),
        ("Kungsörs kommun", "20"),
    ]:
        data[f"weight_{members[name]}"] = weight
    response = kansli_client.post(
        reverse("members:allocation_create", kwargs={"slug": "testbygden"}), data
    )
    assert response.status_code == 302
    allocation = StateAllocation.objects.get(year=2021)
    assert sorted(s.weight for s in allocation.shares.all()) == [20, 30, 50]


def test_a_goal_target_takes_a_percent_sign(kansli_client, association):
    response = kansli_client.post(
        reverse("insatser:goal_create", kwargs={"slug": "testbygden", "year": 2026}),
        {"area": "finansiell", "text": "Eget kapital högst 20 %.", "target": "20 %", "unit": "%"},
    )
    assert response.status_code == 302
    assert Goal.objects.get().target == Decimal(20)
