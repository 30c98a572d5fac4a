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
import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from finsam.validators import PlainTextValidator

FORMAT = "finsam-association"
FORMAT_VERSION = 1
ROOT = "members.Association"
MAX_DEPTH = 5  # foreign keys in a chain to the association
# The largest export `import_association` reads (the file is refused unread beyond it).
MAX_BYTES = 64 * 1024 * 1024
# Exported, not restored: the draft-PDF cache is remade from the documents, and a file
# could otherwise put any PDF under a content key.
NOT_CARRIED = {"reporting.renderedpdf"}
# Roles come along only for users the --map-users file names; others are left out.
ROLE = "members.userrole"


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


def read_document(path: str, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The export in a file, refused before it is read if it is larger than
    `max_bytes`."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise TransferError(
                f"Filen är {size / 1_000_000:.1f} MB; en export läses in upp till "
                f"{max_bytes / 1_000_000:.0f} MB. Ingenting är sparat."
            )
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise TransferError(f"Filen kunde inte öppnas: {exc.strerror}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TransferError(f"Filen är ingen JSON-fil: {exc}.") from None


def read_user_map(path: str) -> dict[str, str]:
    """`--map-users FILE`: a JSON object from the file's user names to this
    installation's ({"anna.k": "anna"}); the only way roles come along."""
    mapping = read_document(path, max_bytes=1_000_000)
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in mapping.items()
    ):
        raise TransferError(
            "Användarkopplingen ska vara ett JSON-objekt från filens användarnamn till "
            'den här installationens, till exempel {"anna.k": "anna"}.'
        )
    return mapping


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("Filen är ingen export av ett samordningsförbund från Finsam.")
    version = document.get("version")
    if type(version) is not int:
        raise TransferError(
            f"Filens formatversion ska vara ett heltal ({FORMAT_VERSION}), inte "
            f"{json.dumps(version, ensure_ascii=False)}. Ingenting är sparat."
        )
    if version != FORMAT_VERSION:
        raise TransferError(
            f"Filen har formatversion {version}; den här installationen "
            f"läser version {FORMAT_VERSION}."
        )
    if not isinstance(document.get("association"), str) or not isinstance(
        document.get("tables"), list
    ):
        raise TransferError("Filen saknar förbundets kortadress eller dess tabeller.")
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


def _users(document: dict[str, Any], user_map: dict[str, str] | None) -> dict[int, int]:
    """The file's user ids → this installation's users, for the users `user_map`
    names only: nobody is matched by user name alone. A mapped user who does not
    exist here is created without a usable password (an administrator gives one)."""
    User = _user_model()
    mapping = {}
    for entry in document.get("users", []):
        local = (user_map or {}).get(entry.get("username"))
        if not local:
            continue
        user = User._base_manager.filter(**{User.USERNAME_FIELD: local}).first()
        if user is None:
            user = User(
                **{User.USERNAME_FIELD: local},
                first_name=str(entry.get("first_name", ""))[:150],
                last_name=str(entry.get("last_name", ""))[:150],
                email=str(entry.get("email", ""))[:254],
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        mapping[entry["pk"]] = user.pk
    return mapping


def _check_association_row(document: dict[str, Any], by_label: dict[str, list]) -> None:
    slug = document["association"]
    rows = by_label.get(ROOT.lower(), [])
    if len(rows) != 1:
        raise TransferError(
            f"Filen ska ha precis en rad för förbundet, den har {len(rows)}. Ingenting är sparat."
        )
    found = rows[0].get("fields", {}).get("slug")
    if found != slug:
        raise TransferError(
            f"Filen gäller ”{slug}” men förbundets rad har kortadressen ”{found}”. "
            "Ingenting är sparat."
        )
    if _root()._base_manager.filter(slug=slug).exists():
        raise TransferError(
            f"Det finns redan ett samordningsförbund med kortadressen ”{slug}”. "
            "Importen gör ingenting: ta bort det först eller importera i en annan databas."
        )


def _check_decided_documents(by_label: dict[str, list]) -> None:
    """Each decided document's PDF must be the file its SHA-256 names, and that hash
    the one the decision recorded in the change log; its frozen markup must be what
    the sanitising policy keeps."""

    recorded = {
        (row["fields"].get("after") or {}).get("sha256")
        for row in by_label.get("finsam.auditentry", [])
        if isinstance(row.get("fields", {}).get("after"), dict)
    }
    stored_pdfs = [
        (
            row,
            f"Det beslutade dokumentet {row.get('fields', {}).get('document')} "
            f"{row.get('fields', {}).get('year')} ({row.get('fields', {}).get('decision')})",
        )
        for row in by_label.get("reporting.decideddocument", [])
    ] + [
        # The association's own PDFs of reports decided outside Finsam, as uploaded.
        (row, f"Årsredovisningen {row.get('fields', {}).get('year')} (upprättad utanför Finsam)")
        for row in by_label.get("reporting.outsideannualreport", [])
    ]
    for row, name in stored_pdfs:
        fields = row.get("fields", {})
        try:
            pdf = base64.b64decode(fields.get("pdf") or "", validate=True)
        except (ValueError, TypeError):
            pdf = b""
        digest = hashlib.sha256(pdf).hexdigest()
        if not pdf.startswith(b"%PDF-") or digest != fields.get("sha256"):
            raise TransferError(
                f"{name}: PDF-filen stämmer inte med sin kontrollsumma (SHA-256). "
                "Ingenting är sparat."
            )
        if digest not in recorded:
            raise TransferError(
                f"{name}: kontrollsumman finns inte i ändringsloggen. Ingenting är sparat."
            )
        if fields.get("snapshot") is not None:
            _check_snapshot(name, fields["snapshot"])


def _check_snapshot(name: str, data: Any) -> None:
    from reporting.snapshots import foreign_markup, thaw

    if foreign_markup(data):
        raise TransferError(
            f"Det beslutade dokumentet {name} innehåller otillåten HTML-kod. Ingenting är sparat."
        )
    try:
        thaw(data, _root()())
    except Exception:  # any shape the document's blocks cannot take
        raise TransferError(
            f"Det beslutade dokumentet {name}: dokumentet vid beslutet går inte att läsa. "
            "Ingenting är sparat."
        ) from None


@dataclass
class _Restore:
    """What the import carries from row to row."""

    known: dict[str, type[models.Model]]
    users: dict[int, int]
    usernames: dict[Any, str]  # the file's user ids → its user names, for messages
    new_pk: dict[tuple[str, Any], Any] = dataclasses.field(default_factory=dict)
    deferred: list[tuple[type[models.Model], Any, models.Field, str, Any]] = dataclasses.field(
        default_factory=list
    )
    m2m_links: list[tuple[type[models.Model], Any, models.Field, list]] = dataclasses.field(
        default_factory=list
    )
    left_out: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Imported:
    """An import's outcome, for its summary."""

    association: models.Model
    roles: int  # roles given through the user mapping
    roles_left_out: int  # roles in the file given to nobody
    mapped: bool  # whether a user mapping was given


@transaction.atomic
def import_association(document: Any, *, user_map: dict[str, str] | None = None) -> Imported:
    """Restore an exported association into this database, which must not hold an
    association with that short address. Every row is validated like a form's input
    before it is written; roles come only through `user_map`. All or nothing."""
    _check_header(document)
    known = {_label(m): m for m in association_paths()}
    tables = document["tables"]
    if not all(isinstance(t, dict) and isinstance(t.get("rows"), list) for t in tables):
        raise TransferError("Filens tabeller har inte exportens form.")
    unknown = [str(t.get("model")) for t in tables if t.get("model") not in known]
    if unknown:
        raise TransferError(f"Filen innehåller okända tabeller: {', '.join(unknown)}.")
    by_label = {t["model"]: t["rows"] for t in tables}
    _check_association_row(document, by_label)
    _check_decided_documents(by_label)
    usernames = {u.get("pk"): str(u.get("username")) for u in document.get("users", [])}
    state = _Restore(known=known, users=_users(document, user_map), usernames=usernames)
    with _keep_timestamps():
        for model in _ordered_models():
            if _label(model) in NOT_CARRIED:
                continue
            for row in by_label.get(_label(model), []):
                _restore_row(model, row, state)
        for model, pk, fk, target, raw in state.deferred:
            if (target, raw) not in state.new_pk:
                raise TransferError(f"{_label(model)}: {fk.name} pekar på en rad som saknas.")
            model._base_manager.filter(pk=pk).update(**{fk.attname: state.new_pk[(target, raw)]})
    _link_many_to_many(state)
    association = _root()._base_manager.get(slug=document["association"])
    _remap_audit_objects(state.new_pk, association)
    root = _root()
    for other in root._base_manager.filter(
        slug__in=document.get("merged_from", []), merged_into__isnull=True
    ).exclude(merged_on__isnull=True):
        other.merged_into = association
        other.save(update_fields=["merged_into"])
    roles = by_label.get(ROLE, [])
    left_out = state.left_out.get(ROLE, 0)
    return Imported(association, len(roles) - left_out, left_out, user_map is not None)


def _row_values(model: type[models.Model], row: Any, state: _Restore) -> tuple[dict, list] | None:
    """The row's values with this database's keys; None for a row that needs a user
    the mapping does not give (a role without a mapped user is left out)."""
    label, root = _label(model), _root()
    if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
        raise TransferError(f"{label}: en rad har inte exportens form.")
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    values: dict[str, Any] = {}
    later = []
    for attname, raw in row["fields"].items():
        field = fields.get(attname)
        if field is None:
            raise TransferError(f"{label}: okänt fält ”{attname}” i filen.")
        if model is root and field.name == "merged_into":
            other = root._base_manager.filter(slug=raw).first() if isinstance(raw, str) else None
            values[attname] = other.pk if other else None
        elif isinstance(field, models.ForeignKey) and raw is not None and _is_user_fk(field):
            values[attname] = state.users.get(raw)
            if values[attname] is None and not field.null:
                if label == ROLE:
                    return None  # a role without a mapped user is not given to anybody
                raise TransferError(
                    f"{label}: en rad hör till användaren ”{state.usernames.get(raw, raw)}”, "
                    "som --map-users inte kopplar till någon här (till exempel en "
                    "underskrift). Ange vem det är i --map-users. Ingenting är sparat."
                )
        elif isinstance(field, models.ForeignKey) and raw is not None:
            target = _label(field.related_model)
            if target not in state.known:
                raise TransferError(f"{label}.{field.name} pekar utanför förbundet.")
            values[attname] = state.new_pk.get((target, raw))
            if values[attname] is None:  # a self reference or a cycle: fill in afterwards
                later.append((field, target, raw))
        else:
            values[attname] = _decoded(label, field, raw)
    if model is root and values.get("merged_into_id") is None:
        values["merged_on"] = None  # both or neither (Association.clean)
    return values, later


def _decoded(label: str, field: models.Field, raw: Any) -> Any:
    try:
        return _decode(field, raw)
    except (ValidationError, ValueError, TypeError, ArithmeticError):
        shown = json.dumps(raw, ensure_ascii=False)[:60]
        raise TransferError(
            f"{label}.{field.name}: värdet {shown} går inte att läsa. Ingenting är sparat."
        ) from None


def _validated(model: type[models.Model], values: dict, row_pk: Any) -> models.Model:
    """The row as a model instance, checked as the pages check input: choices,
    lengths, bounds and the model's own rules; text without control characters."""
    obj = model(**values)
    skip = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    problems = []
    for fld in model._meta.concrete_fields:
        value = getattr(obj, fld.attname)
        if isinstance(fld, models.CharField | models.TextField) and isinstance(value, str):
            try:
                PlainTextValidator(multiline=isinstance(fld, models.TextField))(value)
            except ValidationError as exc:
                problems.append(f"{fld.name}: {' '.join(exc.messages)}")
    try:
        obj.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems += [f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    except (TypeError, ValueError, ArithmeticError) as exc:
        problems.append(str(exc))
    if problems:
        raise TransferError(
            f"{_label(model)}, rad {row_pk}: {'; '.join(problems)[:500]} Ingenting är sparat."
        )
    return obj


def _restore_row(model: type[models.Model], row: Any, state: _Restore) -> None:
    label = _label(model)
    found = _row_values(model, row, state)
    if found is None:
        state.left_out[label] = state.left_out.get(label, 0) + 1
        return
    values, later = found
    obj = _validated(model, values, row.get("pk"))
    try:
        with transaction.atomic():
            (obj,) = model._base_manager.bulk_create([obj])
    except IntegrityError as exc:
        raise TransferError(
            f"{label}, rad {row.get('pk')}: krockar med en rad som redan finns eller "
            f"bryter mot en regel i databasen ({str(exc).splitlines()[0][:200]}). "
            "Ingenting är sparat."
        ) from None
    if obj.pk is None:
        raise TransferError("Databasen gav inget id för en ny rad.")
    state.new_pk[(label, row.get("pk"))] = obj.pk
    for fk, target, raw in later:
        state.deferred.append((model, obj.pk, fk, target, raw))
    m2m = {f.name: f for f in model._meta.local_many_to_many}
    for name, linked in (row.get("m2m") or {}).items():
        if name not in m2m:
            raise TransferError(f"{label}: okänd koppling ”{name}” i filen.")
        state.m2m_links.append((model, obj.pk, m2m[name], linked))


def _link_many_to_many(state: _Restore) -> None:
    for model, pk, fld, linked in state.m2m_links:
        target = _label(fld.related_model)
        if target not in state.known:
            raise TransferError(f"{_label(model)}.{fld.name}: kopplingen går utanför förbundet.")
        missing = [old for old in linked if (target, old) not in state.new_pk]
        if missing:
            raise TransferError(f"{_label(model)}.{fld.name} pekar på en rad som saknas.")
        through = fld.remote_field.through
        source_name = fld.m2m_field_name()
        target_name = fld.m2m_reverse_field_name()
        through._base_manager.bulk_create(
            [
                through(
                    **{f"{source_name}_id": pk, f"{target_name}_id": state.new_pk[(target, old)]}
                )
                for old in linked
            ]
        )


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
    "read_document",
    "read_user_map",
]
