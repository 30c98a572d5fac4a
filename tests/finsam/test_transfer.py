"""Export and restore an association: every model that belongs to one is covered, and
the round trip of every demo association gives the same statements, documents and
decided PDFs."""

from __future__ import annotations

import dataclasses
import difflib
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.forms.models import model_to_dict
from pypdf import PdfReader

from budgets.models import Budget, FiscalYear
from finsam import transfer
from members.models import Association, UserRole
from reporting import documents, render
from reporting.decisions import frozen_document
from reporting.models import DecidedDocument
from reporting.selectors import year_statements

# Models outside any association, on purpose: Django's own, django-axes', and the
# association's users, who are exported by user name.
GLOBAL_MODELS = {
    "admin.logentry",
    "auth.permission",
    "auth.group",
    "auth.user",
    "contenttypes.contenttype",
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "django_tasks_database.dbtaskresult",
    "axes.accessfailurelog",
    "axes.accesslog",
}


def _reaches_association(model, seen=()) -> bool:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            if target is Association:
                return True
            if (
                target not in seen
                and target is not model
                and _reaches_association(target, (*seen, model))
            ):
                return True
    return False


def test_every_model_with_a_path_to_an_association_is_exported():
    covered = set(transfer.association_paths())
    for model in apps.get_models():
        label = model._meta.label_lower
        if model is Association or _reaches_association(model):
            assert model in covered, f"{label} belongs to an association but is not exported"
        else:
            assert label in GLOBAL_MODELS, (
                f"{label} has no path to an association; say here that it is global"
            )


# --- the round trip -----------------------------------------------------------------


def _plain(value):
    if isinstance(value, models.Model):
        return model_to_dict(value, exclude=["id", "association"])
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _statements(association):
    return {
        fy.year: dataclasses.asdict(
            year_statements(association=association, year=fy.year),
            dict_factory=lambda items: {k: _plain(v) for k, v in items},
        )
        for fy in FiscalYear.objects.filter(association=association).order_by("year")
    }


def _document_years(association):
    plans = sorted(Budget.objects.filter(association=association).values_list("year", flat=True))
    reports = sorted(
        FiscalYear.objects.filter(
            association=association, equity_opening__isnull=False
        ).values_list("year", flat=True)
    ) or sorted(FiscalYear.objects.filter(association=association).values_list("year", flat=True))
    return plans, reports


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _html(doc) -> str:
    # Chart ids count the charts drawn in this process; they are not data.
    return re.sub(r"chart-\d+", "chart-n", render.print_html(doc))


def _snapshot(association, with_pdf: bool):
    plans, reports = _document_years(association)
    html = {f"plan {y}": _html(documents.plan(association, y)) for y in plans}
    html |= {f"ar {y}": _html(documents.annual_report(association, y)) for y in reports}
    pdf = {}
    if with_pdf and plans:
        pdf["plan"] = _pdf_text(render.pdf_bytes(documents.plan(association, plans[-1])))
    if with_pdf and reports:
        pdf["ar"] = _pdf_text(render.pdf_bytes(documents.annual_report(association, reports[-1])))
    decided = {
        (d.document, d.year, d.decision): (
            bytes(d.pdf),
            d.sha256,
            d.created_at,
            d.superseded,
            _html(frozen_document(d)) if d.snapshot else None,
        )
        for d in DecidedDocument.objects.filter(association=association)
    }
    return {"statements": _statements(association), "html": html, "pdf": pdf, "decided": decided}


def _normalised(document: dict) -> dict:
    """The export with primary keys replaced by positions, so two exports of the same
    data made before and after a restore compare equal."""
    labels = {m._meta.label_lower: m for m in transfer.association_paths()}
    position = {}
    for table in document["tables"]:
        for index, row in enumerate(table["rows"]):
            position[(table["model"], row["pk"])] = index
    users = {u["pk"]: u["username"] for u in document["users"]}
    tables = []
    for table in document["tables"]:
        model = labels[table["model"]]
        fks = {
            f.attname: f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
        }
        rows = []
        for row in table["rows"]:
            fields = dict(row["fields"])
            for attname, target in fks.items():
                value = fields.get(attname)
                if value is None or (model is Association and attname == "merged_into_id"):
                    continue
                if target == "auth.user":
                    fields[attname] = users[value]
                else:
                    fields[attname] = position[(target, value)]
            if table["model"] == "finsam.auditentry":
                key = (fields["object_type"].lower(), int(fields["object_id"]))
                fields["object_id"] = position.get(key, fields["object_id"])
            m2m = {
                name: sorted(
                    position[(model._meta.get_field(name).related_model._meta.label_lower, pk)]
                    for pk in pks
                )
                for name, pks in (row.get("m2m") or {}).items()
            }
            rows.append({"fields": fields, "m2m": m2m})
        tables.append({"model": table["model"], "rows": rows})
    return {"tables": tables, "users": sorted(users.values())}


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("slug", ["vastmanland", "vasteras", "vastra-malardalen"])
def test_the_round_trip_of_every_demo_association_changes_nothing(demo, slug, tmp_path):
    association = Association.objects.get(slug=slug)
    before = _snapshot(association, with_pdf=True)
    assert before["statements"] or before["html"]
    if slug != "vastmanland":  # the demo decides budgets of Västerås and Västra Mälardalen
        assert before["decided"], "the round trip should carry decided PDFs"
    file = tmp_path / f"{slug}.json"
    call_command("export_association", slug, str(file), verbosity=0)
    exported = json.loads(file.read_text(encoding="utf-8"))
    counts = {t["model"]: len(t["rows"]) for t in exported["tables"]}
    assert counts["members.member"] > 0 and counts["finsam.auditentry"] > 0

    transfer.delete_association(slug)
    assert not Association.objects.filter(slug=slug).exists()
    for model in transfer.association_paths():
        label = model._meta.label_lower
        if label != "members.association":
            assert not model.objects.filter(pk__in=[r["pk"] for r in _rows(exported, label)])

    call_command("import_association", str(file), map_users=_same_users(exported, tmp_path))
    association = Association.objects.get(slug=slug)
    after = _snapshot(association, with_pdf=True)
    assert after["statements"] == before["statements"]
    for name, page in before["html"].items():
        diff = "\n".join(
            difflib.unified_diff(page.splitlines(), after["html"][name].splitlines(), lineterm="")
        )
        assert not diff, f"{name} differs after the round trip:\n{diff[:3000]}"
    assert after["pdf"] == before["pdf"]
    assert after["decided"] == before["decided"]
    again = transfer.export_association(slug)
    assert _normalised(again) == _normalised(exported)


def _same_users(document, tmp_path) -> str:
    """A --map-users file giving every user of the file to the user of that name."""
    file = tmp_path / "users.json"
    file.write_text(json.dumps({u["username"]: u["username"] for u in document["users"]}))
    return str(file)


def _rows(document, label):
    return next(t["rows"] for t in document["tables"] if t["model"] == label)


def test_import_refuses_an_association_that_exists(association, tmp_path):
    file = tmp_path / "testbygden.json"
    call_command("export_association", "testbygden", str(file), verbosity=0)
    with pytest.raises(CommandError, match="finns redan"):
        call_command("import_association", str(file), verbosity=0)


def test_import_into_a_database_with_other_associations_gets_new_ids(
    association, other_association, kansli_user, tmp_path
):
    """The target may hold rows whose ids are the file's ids: nothing is overwritten."""
    file = tmp_path / "testbygden.json"
    call_command("export_association", "testbygden", str(file), verbosity=0)
    members_before = list(association.members.values_list("name", flat=True))
    transfer.delete_association("testbygden")
    grannbygden_members = list(other_association.members.values_list("pk", "name"))
    users = json.loads(file.read_text())
    call_command("import_association", str(file), map_users=_same_users(users, tmp_path))
    restored = Association.objects.get(slug="testbygden")
    assert list(restored.members.values_list("name", flat=True)) == members_before
    assert list(other_association.members.values_list("pk", "name")) == grannbygden_members
    role = UserRole.objects.get(association=restored)
    assert role.user == kansli_user and role.role == UserRole.KANSLI


def test_import_creates_missing_users_without_a_password(association, kansli_user, tmp_path):
    file = tmp_path / "testbygden.json"
    call_command("export_association", "testbygden", str(file), verbosity=0)
    transfer.delete_association("testbygden")
    kansli_user.delete()
    users = json.loads(file.read_text())
    call_command("import_association", str(file), map_users=_same_users(users, tmp_path))
    alice = get_user_model().objects.get(username="alice")
    assert not alice.has_usable_password()
    assert not alice.is_staff and not alice.is_superuser


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="något annat"), "ingen export"),
        (lambda d: d.update(version=99), "formatversion 99"),
        (lambda d: d["tables"][0]["rows"][0]["fields"].update(name="Ändrad"), "skadad"),
    ],
)
def test_import_refuses_a_foreign_or_damaged_file(association, tmp_path, change, message):
    document = transfer.export_association("testbygden")
    transfer.delete_association("testbygden")
    change(document)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_association", str(file), verbosity=0)
    assert not Association.objects.filter(slug="testbygden").exists()


def test_a_failed_import_leaves_nothing(association, tmp_path):
    document = transfer.export_association("testbygden")
    transfer.delete_association("testbygden")
    members = _rows(document, "members.member")
    members[-1]["fields"]["kind"] = None  # NOT NULL: refused with the last row
    del document["checksum"]
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="kind: .* Ingenting är sparat"):
        call_command("import_association", str(file), verbosity=0)
    assert not Association.objects.filter(slug="testbygden").exists()
