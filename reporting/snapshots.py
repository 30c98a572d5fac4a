"""A document frozen at its decision: the whole `Document` structure as JSON, and
back. The decided page, PDF and XLSX are rendered from this, never from live rows.

The format is generic over the document's dataclasses (every attribute, including
ones set after construction such as a chart's table), so a block type added later
is frozen without a change here; values keep their types (Decimal, dates, markup).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe

from members.models import Association
from reporting import documents, markdown

FORMAT = 1


def _classes() -> dict[str, type]:
    found = {}
    for name in dir(documents):
        value = getattr(documents, name)
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            found[value.__name__] = value
    return found


def _dump(value: Any) -> Any:
    if isinstance(value, Association):
        return None  # stored once, at the top
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__block": type(value).__name__, **{k: _dump(v) for k, v in vars(value).items()}}
    if isinstance(value, SafeString):
        return {"__safe": str(value)}
    if isinstance(value, Decimal):
        return {"__dec": str(value)}
    if isinstance(value, datetime.date):
        return {"__date": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple": [_dump(v) for v in value]}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {"__dict": [[_dump(k), _dump(v)] for k, v in value.items()]}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# The charts' SVG (reporting/charts.py): its elements and attributes, nothing else.
SVG_TAGS = {"svg", "title", "desc", "g", "rect", "line", "text"}
_PRESENTATION = {
    "class",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "width",
    "height",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "font-size",
    "font-weight",
    "text-anchor",
}
SVG_ATTRIBUTES = {
    "svg": {"xmlns", "viewBox", "role", "aria-labelledby", *_PRESENTATION},
    "title": {"id"},
    "desc": {"id"},
    **dict.fromkeys(("g", "rect", "line", "text"), _PRESENTATION),
}


def sanitise(markup: str) -> str:
    """Markup of a frozen document through the nh3 policy it was made under: a chart's
    SVG or a text's HTML (reporting.markdown.sanitise)."""
    if markup.lstrip().startswith("<svg"):
        return nh3.clean(
            markup, tags=SVG_TAGS, attributes=SVG_ATTRIBUTES, url_schemes=set(), link_rel=None
        )
    return markdown.sanitise(markup)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: dict[str, set[str]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.setdefault(tag, set()).update(name for name, _ in attrs)


def _as_written(markup: str) -> str:
    """The markup as nh3 writes it with everything in it allowed, to compare with what
    the policy keeps."""
    found = _Tags()
    found.feed(markup)
    found.close()
    # HTMLParser lowers attribute names; the policies' own names (viewBox) are added.
    allowed = {**markdown.ALLOWED_ATTRIBUTES, **SVG_ATTRIBUTES}
    return nh3.clean(
        markup,
        tags=found.tags,
        attributes={
            tag: names | allowed.get(tag, set()) for tag, names in found.attributes.items()
        },
        url_schemes={"http", "https", "mailto", "javascript", "data", "vbscript", "file", "ftp"},
        link_rel=None,
        clean_content_tags=set(),
        strip_comments=False,
    )


def foreign_markup(data: Any) -> list[str]:
    """The markup in frozen data that the policy would change (a tampered file): the
    first few pieces, shortened."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            markup = value.get("__safe")
            if isinstance(markup, str):
                if sanitise(markup) != _as_written(markup):
                    found.append(markup[:120])
            elif "__safe" in value:
                found.append(repr(markup)[:120])
            for item in value.values():
                walk(item)

    walk(data)
    return found[:5]


def _load(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_load(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "__safe" in value:
        # Sanitised again on every load with the policy it was made under, so markup
        # from a tampered file never reaches a page or a PDF.
        return mark_safe(sanitise(str(value["__safe"])))
    if "__dec" in value:
        return Decimal(value["__dec"])
    if "__date" in value:
        return datetime.date.fromisoformat(value["__date"])
    if "__tuple" in value:
        return tuple(_load(v, classes) for v in value["__tuple"])
    if "__dict" in value:
        return {_load(k, classes): _load(v, classes) for k, v in value["__dict"]}
    cls = classes[value["__block"]]
    data = {k: _load(v, classes) for k, v in value.items() if k != "__block"}
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    obj = cls(**{k: v for k, v in data.items() if k in names})
    for key, item in data.items():
        if key not in names:
            setattr(obj, key, item)
    return obj


def freeze(doc: documents.Document, *, logo_uri: str = "") -> dict:
    """The document as JSON-ready data, with the association as it was described."""
    association = {
        f.name: _dump(getattr(doc.association, f.attname))
        for f in doc.association._meta.concrete_fields
        if not f.is_relation and not f.primary_key
    }
    return {
        "format": FORMAT,
        "association": association,
        "logo_uri": logo_uri,
        "document": _dump(doc),
    }


def thaw(data: dict, association: Association) -> documents.Document:
    """The frozen document, its association described as at the decision."""
    doc = _load(data["document"], _classes())
    frozen = copy.copy(association)
    for key, value in data.get("association", {}).items():
        if hasattr(frozen, key):
            setattr(frozen, key, _load(value, {}))
    doc.association = frozen
    doc.frozen_logo_uri = data.get("logo_uri", "")
    return doc
