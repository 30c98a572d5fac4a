"""The demo's round: Västmanland 2024 signed by its board and auditors as the seed's
evidence pages name them, once the year is closed."""

from __future__ import annotations

import datetime
import io
import re

from django.core.management.base import OutputWrapper
from pypdf import PdfReader

from members.models import Appointment, Association, Person
from signing import demo
from signing.models import SealedOriginal, Signature, SigningRound
from tests.signing.conftest import closed_year

ROLES = {
    "Shpetim Pirraku": Appointment.ORDFORANDE,
    "Maria Kesselring": Appointment.VICE_ORDFORANDE,
}


def _vastmanland() -> Association:
    association = Association.objects.create(
        name="Samordningsförbundet Västmanland", slug="vastmanland", orgnr="222000-1974"
    )
    for name, _ip, _clock in demo.SIGNED:
        role = ROLES.get(name, Appointment.LEDAMOT)
        if name in ("Cecilia Kvist", "Helmut Hoffmann"):
            role = Appointment.REVISOR
        Appointment.objects.create(
            association=association,
            person=Person.objects.create(association=association, name=name),
            role=role,
            start=datetime.date(2024, 1, 1),
        )
    return association


def test_the_demo_signs_vastmanland_2024_once_the_year_is_closed(db):
    stdout = OutputWrapper(io.StringIO())
    association = _vastmanland()
    demo.load(stdout=stdout)  # the year is open: nothing to sign
    assert not SigningRound.objects.exists()

    closed_year(association, closed_on=datetime.date(2025, 3, 27))
    demo.load(stdout=stdout)
    demo.load(stdout=stdout)  # safe to run twice
    signing_round = SigningRound.objects.get()
    assert signing_round.status == SigningRound.COMPLETE
    signatures = list(Signature.objects.order_by("signed_at"))
    assert [s.name for s in signatures] == [name for name, *_ in demo.SIGNED]
    assert signatures[0].title == "Ordförande" and signatures[-1].title == "Revisor"
    assert signatures[0].signed_at == datetime.datetime(2025, 3, 27, 8, 5, 21, tzinfo=datetime.UTC)
    assert signatures[0].ip_masked == "81.16.xxx.xxx"
    sealed = SealedOriginal.objects.get(stage=SealedOriginal.COMPLETE)
    reader = PdfReader(io.BytesIO(bytes(sealed.pdf)))
    evidence = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages[-3:]))
    assert "Helmut Hoffmann" in evidence and "Shpetim Pirraku" in evidence
    assert "2025-03-27 08:05:21 UTC (2025-03-27 09:05:21 svensk tid)" in evidence
