"""A document page's document and its markup, kept in this process until the
association's data changes.

An annual report at ten times the demo is some 7 000 table cells; building and
writing it costs about fifty log-in pages, and board members and auditors read the
same document many times between two changes. So a page keeps what it built, keyed
by the association's data state, and builds anew as soon as that state moves.

The data state is read from the change log: every write of an association's data
goes through a service that writes its audit entry in the same transaction
(`tests/finsam/test_audit_trail.py` holds every service function to that), so the
newest entry's id and time and the number of entries name the state. The number
catches a transaction that committed after a later one (PostgreSQL hands out ids
at insert, not at commit); the time tells a deleted and recreated association from
the old one, on SQLite where ids are reused. One query a page.

Only the HTML page is served from here; PDF, PDF/A and XLSX are built or fetched by
content as before (`reporting/pdf_jobs.py`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db.models import Count, Max

from finsam.models import AuditEntry
from members.models import Association
from reporting.documents import Document

SIZE = 16  # documents kept per process (the largest is a few MB with its markup)

_lock = threading.Lock()
_kept: OrderedDict[tuple, tuple[tuple, Document, str]] = OrderedDict()


def data_state(association: Association) -> tuple:
    """The association's data as of now, named by its change log."""
    state = AuditEntry.objects.filter(association=association).aggregate(
        newest=Max("id"), count=Count("id"), at=Max("at")
    )
    return (state["newest"], state["count"], state["at"])


def page(
    association: Association, key: Hashable, build: Callable[[], tuple[Document, str]]
) -> tuple[Document, str]:
    """(document, markup) for `key` of the association: kept, or built by `build`.

    The state is read before building, so what is kept is at least as new as the
    state it is kept under."""
    state = data_state(association)
    where = (association.pk, key)
    with _lock:
        hit = _kept.get(where)
        if hit is not None and hit[0] == state:
            _kept.move_to_end(where)
            return hit[1], hit[2]
    doc, markup = build()
    with _lock:
        _kept[where] = (state, doc, markup)
        _kept.move_to_end(where)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return doc, markup


def clear() -> None:
    with _lock:
        _kept.clear()
