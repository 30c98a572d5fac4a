"""The demo data carries the source documents' contributions (DOMAIN §2)."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from finsam.models import AuditEntry
from members.models import Appointment, Association, Contribution, StateAllocation


def _contributions(slug: str, year: int) -> dict[str, Decimal]:
    allocation = StateAllocation.objects.get(association__slug=slug, year=year)
    return {c.name: c.amount for c in allocation.contributions.all()}


def test_the_demo_reproduces_the_documents_contributions(db):
    call_command("load_demo", verbosity=0)
    assert _contributions("vastra-malardalen", 2021) == {
        "Staten (AF+FK)": 1500000,
        "Region Västmanland": 750000,
        "Köpings kommun": 375000,
        "Arboga kommun": 225000,
        "Kungsörs kommun": 150000,
    }
    assert _contributions("vasteras", 2022) == {
        "Staten (AF+FK)": 5498000,
        "Region Västmanland": 2749000,
        "Västerås stad": 2749000,
    }
    assert _contributions("vasteras", 2020)["Västerås stad"] == 3327500
    vml = _contributions("vastmanland", 2024)
    assert vml["Staten (AF+FK)"] == 9519000 and vml["Region Västmanland"] == 4759500
    municipal = StateAllocation.objects.get(association__slug="vastmanland", year=2024)
    kommuner = municipal.contributions.filter(party=Contribution.KOMMUN)
    assert kommuner.count() == 10
    assert sum(c.amount for c in kommuner) == Decimal("4759500")
    assert sum(vml.values()) == Decimal("19038000")
    assert vml["Västerås stad"] == 2698346 and vml["Sala kommun"] == 406064


def test_the_demo_knows_the_merger_and_the_people(db):
    call_command("load_demo", verbosity=0)
    vastmanland = Association.objects.get(slug="vastmanland")
    assert vastmanland.orgnr == "222000-1974"
    assert {a.slug for a in vastmanland.merged_from.all()} == {"vasteras", "vastra-malardalen"}
    chair = Appointment.objects.get(association=vastmanland, role="ordforande")
    assert chair.person.name == "Shpetim Pirraku"
    assert Appointment.objects.filter(association=vastmanland, role="ledamot").count() == 11
    vasteras_board = Appointment.objects.filter(association__slug="vasteras", role="ersattare")
    assert {a.appointed_by.name for a in vasteras_board} == {
        "Västerås stad",
        "Region Västmanland",
        "Arbetsförmedlingen",
        "Försäkringskassan",
    }


def test_loading_the_demo_twice_changes_nothing(db):
    call_command("load_demo", verbosity=0)
    counts = (
        AuditEntry.objects.count(),
        Contribution.objects.count(),
        Appointment.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert (
        AuditEntry.objects.count(),
        Contribution.objects.count(),
        Appointment.objects.count(),
    ) == counts
