"""The demo texts of the plans and annual reports load, load twice without change and
render their tables."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from members.models import Association
from reporting import demo
from reporting.documents import NARRATIVES
from reporting.markdown import render
from reporting.models import AR, VP, NarrativeSection


@pytest.fixture
def loaded(db):
    call_command("load_demo", verbosity=0)
    demo.load(stdout=io.StringIO())


def _versions() -> dict[int, int]:
    return dict(NarrativeSection.objects.values_list("id", "version"))


def test_annual_report_2024_has_every_text(loaded):
    vastmanland = Association.objects.get(slug="vastmanland")
    texts = dict(
        NarrativeSection.objects.filter(
            association=vastmanland, document=AR, year=2024
        ).values_list("key", "body")
    )
    for key, _title in NARRATIVES[AR]:
        assert texts.get(key, "").strip(), key


def test_plans_have_every_text(loaded):
    for slug, year in [
        ("vasteras", 2022),
        ("vastra-malardalen", 2021),
        ("vastra-malardalen", 2023),
    ]:
        keys = set(
            NarrativeSection.objects.filter(
                association__slug=slug, document=VP, year=year
            ).values_list("key", flat=True)
        )
        assert keys == {key for key, _title in NARRATIVES[VP]}, (slug, year)


def test_second_load_changes_nothing(loaded):
    before = _versions()
    out = io.StringIO()
    demo.load(stdout=out)
    assert _versions() == before
    # The plans are decided by now: their texts are kept and the loader says so.
    assert "hoppar över" in out.getvalue()


def test_year_wheel_and_risks_render_tables(loaded):
    sections = NarrativeSection.objects.filter(
        document=VP, key__in=["arshjul", "risker"], body__contains="|"
    )
    assert sections.count() == 6
    for section in sections:
        assert "<table>" in render(section.body), (section.association_id, section.key)
