"""The texts page: each section saves by itself in the background, so what is typed
in the other sections stays; a refusal comes back with the typed text, marked unsaved."""

from __future__ import annotations

from reporting.models import VP, NarrativeSection
from reporting.services import narrative_save

URL = "/testbygden/dokument/verksamhetsplan/2026/texter/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_asks_before_leaving_with_unsaved_text(kansli_client):
    html = kansli_client.get(URL).content.decode()
    assert "js/unsaved.js" in html
    assert html.count("data-keep-typed") == 5  # one per section of the plan
    assert f'hx-post="{URL}"' in html and 'hx-target="#text-inledning"' in html


def test_a_section_saved_in_the_background_answers_with_that_section_only(kansli_client):
    response = kansli_client.post(
        URL, {"key": "inledning", "version": "0", "body": "Vi börjar."}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<section id="text-inledning"')
    assert html.count("<section") == 1
    assert "Texten ”Inledning” är sparad." in html
    assert 'name="version" value="1"' in html  # the next save posts the new version
    section = NarrativeSection.objects.get(key="inledning", document=VP, year=2026)
    assert section.body == "Vi börjar."


def test_a_stale_section_comes_back_with_the_typed_text_marked_unsaved(kansli_client, association):
    narrative_save(association=association, document=VP, year=2026, key="behov", body="Först.")
    narrative_save(
        association=association,
        document=VP,
        year=2026,
        key="behov",
        body="Någon annans.",
        expected_version=1,
    )
    response = kansli_client.post(
        URL, {"key": "behov", "version": "1", "body": "Mitt gamla formulär."}, **HTMX
    )
    html = response.content.decode()
    assert "har ändrats av någon annan" in html and "Mitt gamla formulär." in html
    assert "data-unsaved" in html
    assert NarrativeSection.objects.get(key="behov").body == "Någon annans."


def test_without_javascript_a_save_returns_to_the_section(kansli_client):
    response = kansli_client.post(URL, {"key": "risker", "version": "0", "body": "Risker."})
    assert response.status_code == 302 and response["Location"].endswith("#text-risker")


def test_an_unknown_section_is_refused(kansli_client):
    response = kansli_client.post(URL, {"key": "nej", "version": "0", "body": "x"}, **HTMX)
    assert response.status_code == 400
    assert not NarrativeSection.objects.exists()
