"""The 50/25/25 rule to the krona (DOMAIN §2), through the allocation service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finsam.models import AuditEntry
from finsam.services import ServiceError, StaleEdit
from members.models import Contribution, Member, StateAllocation
from members.services import allocation_save, contributions_split


def _by_name(allocation: StateAllocation) -> dict[str, Decimal]:
    return {c.name: c.amount for c in allocation.contributions.all()}


def _weights(association, **by_name) -> dict[int, Decimal]:
    members = {m.name: m.id for m in association.members.all()}
    return {members[name]: Decimal(w) for name, w in by_name.items()}


def test_it_splits_vastra_malardalen_2021_by_agreed_percentages(association):
    allocation = allocation_save(
        association=association,
        year=2021,
        amount=Decimal("1500000"),
        decided_on=None,
        key_basis=StateAllocation.PERCENT,
        weights=_weights(
            association, **{"Köpings kommun": 50, "Arboga kommun": 30, "Kungsörs kommun": 20}
        ),
    )
    assert _by_name(allocation) == {
        "Staten (AF+FK)": Decimal("1500000"),
        "Region Testland": Decimal("750000"),
        "Köpings kommun": Decimal("375000"),
        "Arboga kommun": Decimal("225000"),
        "Kungsörs kommun": Decimal("150000"),
    }


@pytest.mark.parametrize(
    ("state", "region", "city"),
    [("5498000", "2749000", "2749000"), ("6655000", "3327500", "3327500")],
)
def test_it_reproduces_vasteras_2022_and_2020(db, state, region, city):
    parts = contributions_split(
        state_amount=Decimal(state),
        region=(1, "Region Västmanland"),
        municipalities=[(2, "Västerås stad", Decimal(100))],
    )
    assert [(p.name, p.amount) for p in parts] == [
        ("Staten (AF+FK)", Decimal(state)),
        ("Region Västmanland", Decimal(region)),
        ("Västerås stad", Decimal(city)),
    ]


PRINTED_2024 = {
    "Arboga kommun": 236975,
    "Fagersta kommun": 224196,
    "Hallstahammars kommun": 288938,
    "Kungsörs kommun": 146015,
    "Köpings kommun": 423391,
    "Norbergs kommun": 93732,
    "Skinnskattebergs kommun": 73599,
    "Sala kommun": 406064,
    "Surahammars kommun": 168244,
    "Västerås stad": 2698345,
}


def test_vastmanland_2024_municipalities_sum_to_exactly_4_759_500():
    assert sum(PRINTED_2024.values()) == 4759499  # each printed amount rounded alone
    parts = contributions_split(
        state_amount=Decimal("9519000"),
        region=(0, "Region Västmanland"),
        municipalities=[(i, n, Decimal(w)) for i, (n, w) in enumerate(PRINTED_2024.items(), 1)],
    )
    municipal = {p.name: p.amount for p in parts if p.party == Contribution.KOMMUN}
    assert sum(municipal.values()) == Decimal("4759500")
    assert parts[1].amount == Decimal("4759500")
    assert sum(p.amount for p in parts) == Decimal("19038000")
    # The krona the printed amounts lost goes to the largest remainder: Västerås stad.
    differences = {n: municipal[n] - PRINTED_2024[n] for n in PRINTED_2024}
    assert {n: d for n, d in differences.items() if d} == {"Västerås stad": 1}


@given(
    state=st.integers(min_value=0, max_value=10**10),
    weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_any_allocation_and_key_split_exactly(state, weights):
    parts = contributions_split(
        state_amount=Decimal(state),
        region=(0, "Region"),
        municipalities=[(i, f"Kommun {i}", Decimal(w)) for i, w in enumerate(weights, 1)],
    )
    total = sum(p.amount for p in parts)
    assert total == 2 * state
    assert parts[0].amount == state
    region = parts[1].amount
    assert abs(region - Decimal(state) / 2) <= Decimal("0.5")
    assert sum(p.amount for p in parts[2:]) == total - state - region
    assert all(p.amount == p.amount.to_integral_value() for p in parts)


def test_a_percent_key_that_is_not_100_is_refused(association):
    with pytest.raises(ServiceError, match="summerar till 90 %"):
        allocation_save(
            association=association,
            year=2021,
            amount=Decimal("1500000"),
            decided_on=None,
            key_basis=StateAllocation.PERCENT,
            weights=_weights(association, **{"Köpings kommun": 50, "Arboga kommun": 40}),
        )
    assert not StateAllocation.objects.exists()


def test_a_municipality_that_was_not_a_member_that_year_is_refused(association):
    late = Member.objects.create(
        association=association,
        kind=Member.KOMMUN,
        name="Nykommun",
        joined="2024-01-01",
    )
    with pytest.raises(ServiceError, match="inte är medlem"):
        allocation_save(
            association=association,
            year=2023,
            amount=Decimal("1000"),
            decided_on=None,
            key_basis=StateAllocation.AMOUNT,
            weights={late.id: Decimal(1)},
        )


def test_a_stale_version_is_refused_and_the_first_edit_survives(association, kansli_user):
    weights = _weights(association, **{"Köpings kommun": 100})
    first = allocation_save(
        association=association,
        year=2022,
        amount=Decimal("1000000"),
        decided_on=None,
        key_basis=StateAllocation.PERCENT,
        weights=weights,
        by=kansli_user,
    )
    read_version = first.version
    allocation_save(
        association=association,
        year=2022,
        amount=Decimal("1200000"),
        decided_on=None,
        key_basis=StateAllocation.PERCENT,
        weights=weights,
        allocation=first,
        expected_version=read_version,
        by=kansli_user,
    )
    with pytest.raises(StaleEdit):
        allocation_save(
            association=association,
            year=2022,
            amount=Decimal("900000"),
            decided_on=None,
            key_basis=StateAllocation.PERCENT,
            weights=weights,
            allocation=first,
            expected_version=read_version,
            by=kansli_user,
        )
    stored = StateAllocation.objects.get(pk=first.pk)
    assert stored.amount == Decimal("1200000")
    assert sum(c.amount for c in stored.contributions.all()) == Decimal("2400000")
    entries = AuditEntry.objects.filter(object_type="members.StateAllocation").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["amount"] == "1000000.00"
    assert entries[1].after["amount"] == "1200000.00"
    assert entries[1].user == kansli_user


def test_a_closed_year_refuses_a_new_allocation(association):
    from budgets.models import FiscalYear

    FiscalYear.objects.create(association=association, year=2021, closed_on="2022-03-20")
    with pytest.raises(ServiceError, match="stängt"):
        allocation_save(
            association=association,
            year=2021,
            amount=Decimal("1500000"),
            decided_on=None,
            key_basis=StateAllocation.PERCENT,
            weights=_weights(association, **{"Köpings kommun": 100}),
        )
    assert not StateAllocation.objects.exists()
