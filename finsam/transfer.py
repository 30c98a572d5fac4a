"""Export and restore one association's data as one versioned JSON document.

`manage.py export_association <slug> FILE` and `manage.py import_association FILE`.
Which models belong to an association is found from the app registry: every model
with a chain of foreign keys to `members.Association` (directly, like `Member`, or
through others, like `BudgetAmount` → `BudgetVersion` → `Budget`). A model added later
by anybody is therefore exported and restored without a change here;
tests/finsam/test_transfer.py fails if a model with such a chain is left out.

On import every row gets a new primary key (the target database may hold other
associations whose ids overlap) and every foreign key and many-to-many link is
rewritten to the new keys, in one transaction. Users are global: the file names them
by user name (and their name and e-mail, never a password or an admin flag); an
import links to an existing user of that name or creates one without a usable
password, whom an administrator then gives a password.

Rows are written with `bulk_create`, without the models' `save()`: a restore puts
back a closed year's figures and decided versions exactly as they were, which the
row guards (rightly) refuse to any ordinary write.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "finsam-association"
FORMAT_VERSION = 1
ROOT = "members.Association"
MAX_DEPTH = 5  # foreign keys in a chain to the association


class TransferError(Exception):
    """An export or import that cannot be done; the message is Swedish."""


def _root() -> type[models.Model]:
    return apps.get_model(ROOT)


def _user_model() -> type[models.Model]:
    return get_user_model()


def _foreign_keys(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)  # OneToOneField is a ForeignKey
    ]


def association_paths() -> dict[type[models.Model], list[str]]:
    """Every model that belongs to an association, with every lookup from it to the
    association (`[""]` for the association itself, `["association"]`,
    `["member__association", "allocation__association"]`, …). Found from the app
    registry. All chains are kept because one may pass a nullable key (a contribution
    without a member still belongs to its allocation's association)."""
    root = _root()
    paths: dict[type[models.Model], set[str]] = {root: {""}}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model._meta.proxy or model is root:
                continue
            for field in _foreign_keys(model):
                target = field.related_model
                if target is model or target not in paths:
                    continue
                for inner in list(paths[target]):
                    lookup = f"{field.name}__{inner}" if inner else field.name
                    if lookup.count("__") < MAX_DEPTH and lookup not in paths.get(model, set()):
                        paths.setdefault(model, set()).add(lookup)
                        changed = True
    return {
        model: sorted(found, key=lambda p: (p.count("__"), p)) for model, found in paths.items()
    }


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _ordered_models() -> list[type[models.Model]]:
    """The association's models, each after the models its foreign keys point to
    (self references and cycles are filled in after all rows exist)."""
    paths = association_paths()
    remaining = set(paths)
    ordered: list[type[models.Model]] = []
    while remaining:
        ready = sorted(
            (
                m
                for m in remaining
                if all(
                    f.related_model not in remaining or f.related_model is m
                    for f in _foreign_keys(m)
                )
            ),
            key=_label,
        )
        if not ready:  # a cycle: take the one with the fewest pending dependencies
            ready = [
                min(
                    remaining,
                    key=lambda m: (
                        sum(f.related_model in remaining for f in _foreign_keys(m)),
                        _label(m),
                    ),
                )
            ]
        for model in ready:
            ordered.append(model)
            remaining.discard(model)
    return ordered


def _queryset(model: type[models.Model], association: models.Model) -> models.QuerySet:
    manager = model._base_manager
    if model is _root():
        return manager.filter(pk=association.pk)
    condition = models.Q()
    for lookup in association_paths()[model]:
        condition |= models.Q(**{lookup: association})
    # Row ids first, so that the OR over joins cannot repeat a row.
    return manager.filter(pk__in=manager.filter(condition).values("pk")).order_by("pk")


# --- values ------------------------------------------------------------------------


def _encode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(field, models.FileField):
        raise TransferError(f"{field.model._meta.label}.{field.name}: filer på disk stöds inte.")
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _decode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.DurationField):
        return datetime.timedelta(seconds=value)
    return field.to_python(value)


def _is_user_fk(field: models.Field) -> bool:
    return isinstance(field, models.ForeignKey) and field.related_model is _user_model()


def _migrations() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        names.setdefault(app, []).append(name)
    return {app: sorted(found) for app, found in sorted(names.items())}


# --- export ------------------------------------------------------------------------


def export_association(slug: str) -> dict[str, Any]:
    """All of one association's data as a JSON-ready dict."""
    root = _root()
    association = root._base_manager.filter(slug=slug).first()
    if association is None:
        raise TransferError(f"Det finns inget samordningsförbund med kortadressen ”{slug}”.")
    user_ids: set[int] = set()
    tables = []
    for model in _ordered_models():
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        m2m = [
            f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created
        ]
        rows = []
        queryset = _queryset(model, association)
        if m2m:
            queryset = queryset.prefetch_related(*(f.name for f in m2m))
        for obj in queryset:
            values = {}
            for field in fields:
                value = field.value_from_object(obj)
                if model is root and field.name == "merged_into":
                    other = root._base_manager.filter(pk=value).first() if value else None
                    values[field.attname] = other.slug if other else None
                    continue
                if _is_user_fk(field) and value is not None:
                    user_ids.add(value)
                values[field.attname] = _encode(field, value)
            row: dict[str, Any] = {"pk": obj.pk, "fields": values}
            if m2m:
                row["m2m"] = {
                    f.name: sorted(r.pk for r in getattr(obj, f.name).all()) for f in m2m
                }
            rows.append(row)
        tables.append({"model": _label(model), "rows": rows})
    User = _user_model()
    users = [
        {
            "pk": u.pk,
            "username": u.get_username(),
            "first_name": getattr(u, "first_name", ""),
            "last_name": getattr(u, "last_name", ""),
            "email": getattr(u, "email", ""),
        }
        for u in User._base_manager.filter(pk__in=user_ids).order_by("pk")
    ]
    merged_from = sorted(
        root._base_manager.filter(merged_into=association).values_list("slug", flat=True)
    )
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "association": association.slug,
        "merged_from": merged_from,
        "migrations": _migrations(),
        "users": users,
        "tables": tables,
    }
    document["checksum"] = checksum(document)
    return document


def checksum(document: dict[str, Any]) -> str:
    """SHA-256 of the tables, to tell a damaged file from a whole one."""
    body = json.dumps(document["tables"], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


# --- import ------------------------------------------------------------------------


@contextmanager
def _keep_timestamps() -> Iterator[None]:
    """auto_now / auto_now_add would stamp every restored row with today."""
    changed = []
    for model in association_paths():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("Filen är ingen export av ett samordningsförbund från Finsam.")
    if document.get("version") != FORMAT_VERSION:
        raise TransferError(
            f"Filen har formatversion {document.get('version')}; den här installationen "
            f"läser version {FORMAT_VERSION}."
        )
    if "checksum" in document and document["checksum"] != checksum(document):
        raise TransferError("Filen är skadad: kontrollsumman stämmer inte med innehållet.")
    here = _migrations()
    newer = [
        f"{app}.{name}"
        for app, names in document.get("migrations", {}).items()
        if app in here
        for name in names
        if name not in here[app]
    ]
    if newer:
        raise TransferError(
            "Filen kommer från en nyare version av Finsam (saknade migreringar: "
            + ", ".join(newer[:5])
            + "). Uppdatera först och kör manage.py migrate."
        )


def _users(document: dict[str, Any]) -> dict[int, int]:
    User = _user_model()
    mapping = {}
    for entry in document.get("users", []):
        user = User._base_manager.filter(**{User.USERNAME_FIELD: entry["username"]}).first()
        if user is None:
            user = User(
                **{User.USERNAME_FIELD: entry["username"]},
                first_name=entry.get("first_name", ""),
                last_name=entry.get("last_name", ""),
                email=entry.get("email", ""),
            )
            user.set_unusable_password()
            user.save()
        mapping[entry["pk"]] = user.pk
    return mapping


@transaction.atomic
def import_association(document: dict[str, Any]) -> models.Model:
    """Restore an exported association into this database, which must not hold an
    association with that short address. All or nothing."""
    _check_header(document)
    root = _root()
    slug = document.get("association")
    if root._base_manager.filter(slug=slug).exists():
        raise TransferError(
            f"Det finns redan ett samordningsförbund med kortadressen ”{slug}”. "
            "Importen gör ingenting: ta bort det först eller importera i en annan databas."
        )
    known = {_label(m): m for m in association_paths()}
    tables = document.get("tables", [])
    unknown = [t["model"] for t in tables if t["model"] not in known]
    if unknown:
        raise TransferError(f"Filen innehåller okända tabeller: {', '.join(unknown)}.")
    by_label = {t["model"]: t["rows"] for t in tables}
    users = _users(document)
    new_pk: dict[tuple[str, Any], Any] = {}
    deferred: list[tuple[type[models.Model], Any, models.Field, str, Any]] = []
    m2m_links: list[tuple[type[models.Model], Any, models.Field, list]] = []

    with _keep_timestamps():
        for model in _ordered_models():
            label = _label(model)
            rows = by_label.get(label, [])
            fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
            m2m = {f.name: f for f in model._meta.local_many_to_many}
            for row in rows:
                values = {}
                later = []
                for attname, raw in row["fields"].items():
                    field = fields.get(attname)
                    if field is None:
                        raise TransferError(f"{label}: okänt fält ”{attname}” i filen.")
                    if model is root and field.name == "merged_into":
                        other = root._base_manager.filter(slug=raw).first() if raw else None
                        values[attname] = other.pk if other else None
                        continue
                    if isinstance(field, models.ForeignKey) and raw is not None:
                        if _is_user_fk(field):
                            values[attname] = users.get(raw)
                            continue
                        target = _label(field.related_model)
                        if target in known:
                            if (target, raw) in new_pk:
                                values[attname] = new_pk[(target, raw)]
                            else:  # a self reference or a cycle: fill in afterwards
                                later.append((field, target, raw))
                                values[attname] = None
                            continue
                    values[attname] = _decode(field, raw)
                if model is root and values.get("merged_into_id") is None:
                    values["merged_on"] = None  # both or neither (Association.clean)
                (obj,) = model._base_manager.bulk_create([model(**values)])
                if obj.pk is None:
                    raise TransferError("Databasen gav inget id för en ny rad.")
                new_pk[(label, row["pk"])] = obj.pk
                for field, target, raw in later:
                    deferred.append((model, obj.pk, field, target, raw))
                for name, linked in (row.get("m2m") or {}).items():
                    if name not in m2m:
                        raise TransferError(f"{label}: okänd koppling ”{name}” i filen.")
                    m2m_links.append((model, obj.pk, m2m[name], linked))

        for model, pk, field, target, raw in deferred:
            if (target, raw) not in new_pk:
                raise TransferError(f"{_label(model)}: {field.name} pekar på en rad som saknas.")
            model._base_manager.filter(pk=pk).update(**{field.attname: new_pk[(target, raw)]})

    for model, pk, field, linked in m2m_links:
        target = _label(field.related_model)
        if target not in known:
            raise TransferError(f"{_label(model)}.{field.name}: kopplingen går utanför förbundet.")
        through = field.remote_field.through
        source_name = field.m2m_field_name()
        target_name = field.m2m_reverse_field_name()
        through._base_manager.bulk_create(
            [
                through(**{f"{source_name}_id": pk, f"{target_name}_id": new_pk[(target, old)]})
                for old in linked
            ]
        )

    association = root._base_manager.get(slug=slug)
    _remap_audit_objects(new_pk, association)
    for other in root._base_manager.filter(
        slug__in=document.get("merged_from", []), merged_into__isnull=True
    ).exclude(merged_on__isnull=True):
        other.merged_into = association
        other.save(update_fields=["merged_into"])
    return association


def _remap_audit_objects(new_pk: dict[tuple[str, Any], Any], association: models.Model) -> None:
    """Audit entries name their object by label and id; point them at the new ids."""
    try:
        AuditEntry = apps.get_model("finsam", "AuditEntry")
    except LookupError:
        return
    for entry in AuditEntry._base_manager.filter(association=association):
        key = (entry.object_type.lower(), _pk_from_text(entry.object_id))
        if key in new_pk and str(new_pk[key]) != entry.object_id:
            AuditEntry._base_manager.filter(pk=entry.pk).update(object_id=str(new_pk[key]))


def _pk_from_text(text: str) -> Any:
    return int(text) if text.isdigit() else text


def delete_association(slug: str) -> None:
    """Remove one association and everything of it (the reverse of the import order),
    used by the tests' round trip; the application itself never deletes one."""
    root = _root()
    association = root._base_manager.get(slug=slug)
    with transaction.atomic():
        root._base_manager.filter(merged_into=association).update(merged_into=None)
        for model in reversed(_ordered_models()):
            for field in model._meta.local_many_to_many:
                if field.remote_field.through._meta.auto_created:
                    field.remote_field.through._base_manager.filter(
                        **{
                            f"{field.m2m_field_name()}__in": _queryset(model, association).values(
                                "pk"
                            )
                        }
                    ).delete()
            pks = list(_queryset(model, association).values_list("pk", flat=True))
            # Self references first, so the rows can go in any order.
            for field in _foreign_keys(model):
                if field.null and field.related_model is model:
                    model._base_manager.filter(pk__in=pks).update(**{field.attname: None})
            model._base_manager.filter(pk__in=pks)._raw_delete(model._base_manager.db)


__all__ = [
    "TransferError",
    "association_paths",
    "delete_association",
    "export_association",
    "import_association",
]
