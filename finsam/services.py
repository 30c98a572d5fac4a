"""Helpers every service uses: Swedish errors, the version check, the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction

from finsam.models import AuditEntry


class ServiceError(Exception):
    """A refusal by a rule; the message is Swedish and meant for the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(ServiceError):
    """Somebody else saved the same thing since this form was loaded."""

    def __init__(self, message: str, *, current: Any = None):
        super().__init__(message)
        self.current = current


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a row as JSON-ready data, for the audit trail."""
    wanted = set(fields) if fields else None
    result = {}
    for field in obj._meta.concrete_fields:
        if field.name in ("id", "version") or (wanted and field.attname not in wanted):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.BinaryField):
            # A file is recorded by its SHA-256, not its bytes.
            value = hashlib.sha256(bytes(value or b"")).hexdigest()
        elif isinstance(field, models.JSONField) and value is not None:
            text = json.dumps(value, sort_keys=True, default=str)
            if len(text) > 2000:  # a document snapshot: recorded by its hash
                value = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        elif isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            # As stored, so that before and after compare alike.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        result[field.attname] = _plain(value)
    return result


def check_version(obj: models.Model, expected: int | None, *, what: str) -> None:
    """Refuse a save based on an old read of `obj` (optimistic locking)."""
    if expected is not None and obj.version != expected:
        raise StaleEdit(
            f"{what} har ändrats av någon annan sedan du öppnade formuläret. "
            "Läs in sidan igen och gör din ändring på nytt.",
            current=obj,
        )


def audit(
    *,
    association_id: int,
    user: Any,
    action: str,
    obj: models.Model,
    before: dict | None,
    after: dict | None,
) -> AuditEntry | None:
    """The one place an audit entry is written: who, when, the object in the
    association's words, the year it concerns, before and after."""
    from finsam.audit import describe, year_of

    if action == AuditEntry.UPDATE and before == after:
        return None
    return AuditEntry.objects.create(
        association_id=association_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=describe(obj),
        year=year_of(obj),
        before=before,
        after=after,
    )


def _save(obj: models.Model, creating: bool) -> None:
    """Save; a row somebody else created a moment ago is a Swedish refusal, not a 500."""
    if not creating:
        obj.save()
        return
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        name = str(obj._meta.verbose_name)
        raise ServiceError(
            f"Det finns redan en {name} med samma uppgifter (någon annan kan just ha "
            "sparat den). Läs in sidan igen; ingenting är sparat."
        ) from exc


def save_audited(
    obj: models.Model,
    *,
    association_id: int,
    by: Any,
    before: dict | None,
) -> models.Model:
    """full_clean, save with a bumped version, and record the change."""
    obj.full_clean()
    creating = obj.pk is None
    if not creating and hasattr(obj, "version"):
        obj.version += 1
    _save(obj, creating)
    audit(
        association_id=association_id,
        user=by,
        action=AuditEntry.CREATE if creating else AuditEntry.UPDATE,
        obj=obj,
        before=None if creating else before,
        after=snapshot(obj),
    )
    return obj


def save_recorded(
    obj: models.Model,
    *,
    association_id: int,
    by: Any,
    before: dict | None,
    note: dict | None = None,
) -> models.Model:
    """Save a row the service has already checked, bump its version when it is not
    new, and record the change (`note` adds keys to the recorded after-image)."""
    creating = obj.pk is None
    if not creating and hasattr(obj, "version"):
        obj.version += 1
    _save(obj, creating)
    after = snapshot(obj)
    if note:
        after.update(note)
    audit(
        association_id=association_id,
        user=by,
        action=AuditEntry.CREATE if creating else AuditEntry.UPDATE,
        obj=obj,
        before=None if creating else before,
        after=after,
    )
    return obj


def delete_recorded(obj: models.Model, *, association_id: int, by: Any) -> None:
    """Delete a row and record what it held."""
    audit(
        association_id=association_id,
        user=by,
        action=AuditEntry.DELETE,
        obj=obj,
        before=snapshot(obj),
        after=None,
    )
    obj.delete()
