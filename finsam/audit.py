"""The audit trail as an auditor reads it: the object in the association's words, the
year it concerns, and only the fields that changed, with Swedish labels and values
formatted as in the rest of the application."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models

from finsam.models import AuditEntry
from finsam.money import format_kronor, format_number

# Keys a service may add to an after-image (`note=`), with their labels.
NOTE_LABELS = {
    "reopen_reason": "skäl till att året öppnades",
    "weights": "fördelningsnyckel",
    "fil": "fil",
    "verifikationer": "antal verifikationer",
    "transaktioner": "antal transaktioner",
    "rader": "ändrade rader",
    "ingaende_eget_kapital": "ingående eget kapital",
    "bekraftad": "bekräftad trots avvikelser",
    "reasons": "avslutsorsaker",
    "breakdowns": "fördelningar",
    "file": "fil",
    "sha256": "kontrollsumma (SHA-256)",
    "rows": "antal rader",
    "changes": "ändringar",
    "outcome": "avgörande",
    "document": "dokument",
    "role": "roll",
    "user": "användare",
    "deleted": "borttagna",
    "superseded": "ersatta beslutade dokument (SHA-256)",
    "frozen_contributions": "medlemsbidrag låsta i versionen",
}
SKIPPED = {"version", "id", "association_id", "association"}
# Amounts in kronor whose label does not say so.
MONEY = {
    "amount",
    "equity_opening",
    "capital_contribution",
    "realisation_gains",
    "equity_estimate",
}


def describe(obj: models.Model) -> str:
    """The object in the association's words ("Budget 2025 v2, rad …, plan 2026")."""
    label = getattr(obj, "audit_label", None)
    if label:
        return str(label)[:300]
    name = str(obj._meta.verbose_name)
    text = str(obj)
    if text.lower().startswith(name.lower()):
        return text[:300]
    return f"{name[:1].upper()}{name[1:]} {text}"[:300]


def year_of(obj: models.Model) -> int | None:
    """The year a row's change concerns, for filtering the log by year."""
    year = getattr(obj, "audit_year", None)
    if year is not None:
        return year
    value = getattr(obj, "year", None)
    if isinstance(value, int):
        return value
    for name in ("fiscal_year", "allocation", "budget", "stats"):
        if name in {f.name for f in obj._meta.concrete_fields}:
            related = getattr(obj, name, None)
            if isinstance(getattr(related, "year", None), int):
                return related.year
    return None


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    what: str
    kind: str
    changes: list[Change]


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    model = _model(object_type)
    if model is None:
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _format(field: models.Field | None, value: Any, names: dict, key: str = "") -> str:
    if value is None or value == "":
        return "–"
    if key == "weights" and isinstance(value, dict):
        return ", ".join(
            f"{names.get(('members.Member', str(k)), f'nr {k}')}: {format_number(Decimal(str(v)), 2 if Decimal(str(v)) % 1 else 0)}"
            for k, v in value.items()
        )
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if key == "ingaende_eget_kapital":
        return format_kronor(Decimal(str(value))) + " kr"
    if field is None:
        if isinstance(value, list | dict):
            return (
                ", ".join(f"{k}: {v}" for k, v in value.items())
                if isinstance(value, dict)
                else ", ".join(map(str, value))
            )
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "ja" if value else "nej"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model._meta.label, str(value)), f"nr {value}")
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if field.name in MONEY:
            return format_kronor(amount, 2 if amount != amount.to_integral() else 0) + " kr"
        return format_number(amount, field.decimal_places if amount != amount.to_integral() else 0)
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        from django.utils import timezone

        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(field, models.DateField):
        return str(value)[:10]
    if isinstance(field, models.BinaryField):
        return f"fil med SHA-256 {str(value)[:12]}…"
    if isinstance(field, models.JSONField):
        return "(data)"
    return str(value)


def _label(field: models.Field | None, key: str) -> str:
    name = str(field.verbose_name) if field is not None else NOTE_LABELS.get(key, key)
    name = name.replace("_", " ")
    return name[:1].upper() + name[1:]


def _foreign_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """The names of every row a page of entries refers to, one query per model."""
    wanted: dict[type[models.Model], set[str]] = {}
    for entry in entries:
        fields = _fields(_model(entry.object_type))
        for image in (entry.before or {}, entry.after or {}):
            for key, value in image.items():
                field = fields.get(key)
                if isinstance(field, models.ForeignKey) and value is not None:
                    wanted.setdefault(field.related_model, set()).add(str(value))
                elif key == "weights" and isinstance(value, dict):
                    wanted.setdefault(apps.get_model("members.Member"), set()).update(value)
    names: dict[tuple[str, str], str] = {}
    for model, ids in wanted.items():
        for row in model._default_manager.filter(pk__in=ids):
            names[(model._meta.label, str(row.pk))] = str(row)
    return names


def present(entries: list[AuditEntry]) -> list[Line]:
    """Each entry with only the fields that changed, labelled and formatted."""
    names = _foreign_names(entries)
    lines = []
    for entry in entries:
        fields = _fields(_model(entry.object_type))
        before, after = entry.before or {}, entry.after or {}
        changes = []
        for key in list(dict.fromkeys([*before, *after])):
            if key in SKIPPED:
                continue
            old, new = before.get(key), after.get(key)
            if entry.action == AuditEntry.UPDATE and old == new:
                continue
            if entry.action == AuditEntry.CREATE and new in (None, "", False, [], {}):
                continue
            if entry.action == AuditEntry.DELETE and old in (None, "", False, [], {}):
                continue
            field = fields.get(key)
            changes.append(
                Change(
                    _label(field, key),
                    _format(field, old, names, key) if entry.action != AuditEntry.CREATE else "",
                    _format(field, new, names, key) if entry.action != AuditEntry.DELETE else "",
                )
            )
        lines.append(Line(entry, entry.object_repr, kind_label(entry.object_type), changes))
    return lines
