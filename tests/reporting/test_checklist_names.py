"""The checklist names a missing text as "Skriv texterna" titles it."""

from __future__ import annotations

import re

from reporting.decisions import annual_report_checklist
from reporting.documents import NARRATIVE_TITLES
from reporting.models import AR


def test_a_missing_text_is_named_as_the_text_form_titles_it(association):
    # Only the texts: the statements' own findings are listed beside them.
    blocking = [
        m for m in annual_report_checklist(association, 2025).blocking if "har ingen text" in m
    ]
    named = [
        re.match(r"Avsnittet ”([^”]+)”(?: \((\d[^)]*)\))? har ingen text", m) for m in blocking
    ]
    assert len(named) >= 3 and all(named), blocking
    titles = set(NARRATIVE_TITLES[AR].values())
    for match in named:
        assert match[1] in titles, match[0]
    assert "Avsnittet ”Ordföranden har ordet” har ingen text" in " ".join(blocking)
    assert "Avsnittet ”Förväntad utveckling” (1.7)" in " ".join(blocking)
