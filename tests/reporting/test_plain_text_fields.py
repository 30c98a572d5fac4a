"""Plain-text fields are escaped, never Markdown; only the narrative texts are Markdown."""

from __future__ import annotations

import io

from pypdf import PdfReader

from insatser.models import Insats
from reporting import documents, render
from reporting.markdown import labelled, plain
from reporting.services import narrative_save


def test_plain_keeps_angle_brackets_and_urls_as_text():
    html = plain("Samverkan <SIP> för unga\nhttps://example.se/x *inte kursiv*")
    assert html == ("<p>Samverkan &lt;SIP&gt; för unga<br>https://example.se/x *inte kursiv*</p>")
    assert labelled("Syfte", "<https://example.se>") == (
        "<p><strong>Syfte:</strong> &lt;https://example.se&gt;</p>"
    )


def test_the_plan_prints_plain_fields_as_written(association, kansli_user):
    association.vision = "Alla ska [klicka här](https://angripare.example) <b>nu</b>"
    association.save()
    Insats.objects.create(
        association=association,
        name="Samverkan <SIP> för unga",
        code="SIP",
        kind=Insats.INDIVID,
        status=Insats.PAGAENDE,
        purpose="Läs mer på <https://example.se/sip> och **inte fetstil**",
        target_group="Unga 16–29 år # utan rubrik",
    )
    narrative_save(
        association=association,
        document="verksamhetsplan",
        year=2024,
        key="inledning",
        body="Det här är **Markdown**, en [länk](https://finsam.se).",
        by=kansli_user,
    )
    doc = documents.plan(association, 2024)
    html = render.print_html(doc)
    assert "Samverkan &lt;SIP&gt; för unga" in html
    assert "&lt;https://example.se/sip&gt; och **inte fetstil**" in html
    assert "[klicka här](https://angripare.example) &lt;b&gt;nu&lt;/b&gt;" in html
    assert 'href="https://angripare.example"' not in html
    assert 'href="https://example.se/sip"' not in html
    assert "Unga 16–29 år # utan rubrik" in html
    # The narrative text is still Markdown.
    assert "<strong>Markdown</strong>" in html
    assert 'href="https://finsam.se"' in html
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render.pdf_bytes(doc))).pages
    )
    assert "Samverkan <SIP> för unga" in text
    assert "**inte fetstil**" in text
