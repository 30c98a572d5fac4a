"""Kansli's texts: Markdown rendered to HTML and sanitised, so no script, style or
event handler ever reaches a page or a PDF."""

from __future__ import annotations

import re
import threading

import markdown as markdown_lib
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
URL_SCHEMES = {"https", "http", "mailto"}


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    """One Markdown converter per thread, reset between texts: making one loads its
    extensions, which cost more than converting a short text (a plan has one text per
    insats)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=["tables", "sane_lists"])
    return converter.reset()


def render(text: str) -> SafeString:
    """Markdown (with tables) → sanitised HTML. Headings in a text start at level 3,
    under the document's own section headings."""
    if not text or not text.strip():
        return mark_safe("")
    html = _converter().convert(text)
    html = (
        html.replace("<h1>", "<h3>")
        .replace("</h1>", "</h3>")
        .replace("<h2>", "<h3>")
        .replace("</h2>", "</h3>")
    )
    return mark_safe(sanitise(html))  # sanitised by nh3


def sanitise(html: str) -> str:
    """The one policy for a text's HTML: the tags and attributes above, links to the
    web and mail only. Also applied to decided documents' markup when they are read
    back (reporting/snapshots.py), whatever a file said."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain(text: str) -> SafeString:
    """A plain-text field (a name, a purpose, a vision) as HTML: escaped, never read as
    Markdown, so a URL stays text and "Samverkan <SIP> för unga" keeps its "<SIP>".
    Blank lines make paragraphs, single line breaks stay."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]
    return mark_safe(  # every part is escaped
        "".join(f"<p>{_escape_lines(p)}</p>" for p in paragraphs)
    )


def labelled(label: str, text: str) -> SafeString:
    """'<p><strong>Syfte:</strong> …</p>' with the plain text escaped."""
    return mark_safe(  # every part is escaped
        f"<p><strong>{escape(label)}:</strong> {_escape_lines((text or '').strip())}</p>"
    )


def _escape_lines(text: str) -> str:
    return "<br>".join(str(escape(line)) for line in text.splitlines())
