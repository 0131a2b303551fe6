"""Restoring a tenant from its export archive (core.tenant_archive) into a platform that does
not hold it: `manage.py tenant_import <archive>`.

Before anything is written the archive is checked: its format, its schema version against the
running code's migrations (all applied), every file's SHA-256, and that the tenant's
organization is not already here. Then, in one transaction: the references (rows outside the
tenant its rows point to) that the platform lacks, then the tenant's tables in foreign-key order
(`tenant_tables_in_load_order`), same primary keys, then the media files. PostgreSQL sequences
are reset afterwards so the next row gets a fresh id.

Restored people get an unusable password (they set a new one); withheld secrets (token keys,
link tokens, device credentials) get fresh random values, so nothing exported signs anyone in.
Timestamps the models set themselves (auto_now) keep the archive's values.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from core import rls
from core.errors import DomainError
from core.models import Organization
from core.tenant_archive import FORMAT_VERSION, schema_version
from core.tenant_rows import tenant_tables_in_load_order

CHUNK = 1000

# Hooks run before a table's rows are inserted: `fn(model, rows)` prepares what they need (the
# devices app makes the telemetry partitions of the rows' days). Registered from AppConfig.ready.
_PREPARERS: dict[str, Callable] = {}


def restore_prepare_register(label: str, prepare: Callable) -> None:
    _PREPARERS[label] = prepare


@dataclass
class RestoreResult:
    """What an import restored: the tenant, rows per table, references added, media files."""

    tenant_id: int
    rows: dict[str, int]
    references_added: dict[str, int]
    media: int


def models_by_label() -> dict[str, type[models.Model]]:
    """{app_label.model: model} of every installed model, to read an archive's labels (the
    registry walked, as core.tenant_rows does, rather than a lookup by name)."""
    return {m._meta.label_lower: m for m in apps.get_models(include_auto_created=True)}


def _refuse(message: str, code: str = "archive_refused") -> DomainError:
    return DomainError(message, code=code)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise _refuse(_("This is not a Seamline export archive (no manifest)."))
    if manifest.get("format") != "seamline-tenant-archive":
        raise _refuse(_("This is not a Seamline export archive (no manifest)."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            _("The archive's format version %(found)s is not %(expected)s.")
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    return manifest


def _check_schema(manifest: dict) -> None:
    running = schema_version()
    applied = MigrationRecorder(connection).applied_migrations()
    differences = sorted(
        f"{app}: {manifest['schema_version'].get(app)} ≠ {running.get(app)}"
        for app in set(running) | set(manifest["schema_version"])
        if manifest["schema_version"].get(app) != running.get(app)
        or (app, running.get(app)) not in applied
    )
    if differences:
        raise _refuse(
            _("The archive's schema version is not this platform's: %(apps)s.")
            % {"apps": "; ".join(differences)},
            code="schema_mismatch",
        )


def _member_files(manifest: dict) -> Iterator[tuple[str, str]]:
    for part in ("tables", "references"):
        for entry in manifest[part].values():
            yield entry["csv"], entry["csv_sha256"]
            yield entry["json"], entry["json_sha256"]
    for entry in manifest["media"]:
        if entry.get("file"):
            yield entry["file"], entry["sha256"]


def _check_sums(archive: zipfile.ZipFile, manifest: dict) -> None:
    for name, expected in _member_files(manifest):
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while block := member.read(1024 * 1024):
                    digest.update(block)
        except KeyError:
            raise _refuse(_("The archive lacks %(file)s.") % {"file": name}, "checksum_failed")
        if digest.hexdigest() != expected:
            raise _refuse(
                _("%(file)s does not match its checksum: the archive is damaged.") % {"file": name},
                code="checksum_failed",
            )


def archive_check(archive: zipfile.ZipFile) -> dict:
    """The archive's manifest, once its format, schema version and checksums are right."""
    manifest = _read_manifest(archive)
    _check_schema(manifest)
    _check_sums(archive, manifest)
    return manifest


def _json_rows(archive: zipfile.ZipFile, name: str) -> Iterator[dict]:
    """The rows of a JSON member written by core.tenant_archive, one line at a time."""
    with archive.open(name) as member:
        for raw in member:
            line = raw.decode().strip()
            if line in ("[", "]", ""):
                continue
            yield json.loads(line.removeprefix(","))


@contextmanager
def _timestamps_as_given(model: type[models.Model]):
    """auto_now / auto_now_add fields keep the archive's value while rows are inserted."""
    changed = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for field, _now, _add in changed:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, add in changed:
            field.auto_now, field.auto_now_add = now, add


class _Loader:
    def __init__(self, content_types: dict[int, int]):
        self.content_types = content_types

    def instance(self, model: type[models.Model], row: dict, withheld: list[str]):
        values = {}
        for field in model._meta.concrete_fields:
            if field.attname in withheld:
                values[field.attname] = self.fresh_secret(model, field)
                continue
            if field.attname not in row:
                continue
            value = row[field.attname]
            if value is not None and field.is_relation and field.related_model is ContentType:
                value = self.content_types[value]
            elif value is not None and not field.is_relation:
                value = field.to_python(value)
            values[field.attname] = value
        return model(**values)

    @staticmethod
    def fresh_secret(model, field):
        if model is get_user_model() or not isinstance(field, models.CharField):
            return field.get_default()
        return secrets.token_hex(32)[: field.max_length]


def _content_types(archive: zipfile.ZipFile, manifest: dict) -> dict[int, int]:
    """{the archive's content type id: this platform's} matched by app label and model."""
    entry = manifest["references"].get("contenttypes.contenttype")
    if entry is None:
        return {}
    mapping = {}
    for row in _json_rows(archive, entry["json"]):
        local = ContentType.objects.get_by_natural_key(row["app_label"], row["model"])
        mapping[row["id"]] = local.pk
    return mapping


def _load(archive, entry, model, loader: _Loader, *, skip_existing: bool) -> int:
    count = 0
    batch = []
    prepare = _PREPARERS.get(model._meta.label_lower)

    def flush():
        nonlocal count
        if skip_existing:
            present = set(
                model._base_manager.filter(pk__in=[o.pk for o in batch]).values_list(
                    "pk", flat=True
                )
            )
            batch[:] = [o for o in batch if o.pk not in present]
        if model is get_user_model():
            for user in batch:
                user.set_unusable_password()
        if prepare is not None:
            prepare(model, batch)
        with _timestamps_as_given(model):
            model._base_manager.bulk_create(batch, batch_size=CHUNK)
        count += len(batch)
        batch.clear()

    for row in _json_rows(archive, entry["json"]):
        batch.append(loader.instance(model, row, entry.get("withheld", [])))
        if len(batch) >= CHUNK:
            flush()
    flush()
    return count


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if not statements:
        return
    with rls.owner(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def archive_restore(path) -> RestoreResult:
    """Restore the tenant of the archive at `path` (a path or a binary file); refuses with a
    DomainError, writing nothing, when the archive is wrong or the tenant already exists."""
    with zipfile.ZipFile(path) as archive, rls.platform():
        manifest = archive_check(archive)
        tenant_id = manifest["tenant"]["id"]
        if Organization.objects.filter(pk=tenant_id).exists():
            raise _refuse(
                _("Organization %(id)s is already on this platform; import into an empty one.")
                % {"id": tenant_id},
                code="tenant_exists",
            )
        loader = _Loader(_content_types(archive, manifest))
        added: dict[str, int] = {}
        rows: dict[str, int] = {}
        tables = tenant_tables_in_load_order()
        with transaction.atomic():
            for label, entry in _references_in_order(manifest):
                if label == "contenttypes.contenttype":
                    continue
                model = models_by_label()[label]
                added[label] = _load(archive, entry, model, loader, skip_existing=True)
            for table in tables:
                entry = manifest["tables"].get(table.label)
                if entry is None:
                    continue
                rows[table.label] = _load(archive, entry, table.model, loader, skip_existing=False)
            media = _restore_media(archive, manifest)
        _reset_sequences([table.model for table in tables] + [models_by_label()[x] for x in added])
    return RestoreResult(tenant_id=tenant_id, rows=rows, references_added=added, media=media)


def _references_in_order(manifest: dict) -> list[tuple[str, dict]]:
    """References that others point to first: people and organizations before districts."""
    labels = list(manifest["references"])
    model_of = {label: models_by_label()[label] for label in labels}

    def depth(label, seen=()):
        model = model_of[label]
        parents = [
            f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if f.is_relation
            and f.related_model._meta.label_lower in model_of
            and f.related_model is not model
            and f.related_model._meta.label_lower not in seen
        ]
        return 1 + max((depth(p, (*seen, label)) for p in parents), default=0)

    return sorted(
        ((label, manifest["references"][label]) for label in labels),
        key=lambda item: (depth(item[0]), item[0]),
    )


def _restore_media(archive: zipfile.ZipFile, manifest: dict) -> int:
    restored = 0
    for entry in manifest["media"]:
        if not entry.get("file"):
            continue
        if default_storage.exists(entry["name"]):
            default_storage.delete(entry["name"])
        with archive.open(entry["file"]) as member:
            saved = default_storage.save(entry["name"], File(member, name=entry["name"]))
        if saved != entry["name"]:
            raise _refuse(
                _("%(file)s could not be stored under its own name.") % {"file": entry["name"]}
            )
        restored += 1
    return restored
