"""A tenant's export archive: every table of `core.tenant_rows` as CSV and JSON, the rows outside
the tenant that its rows point to, its media files, a README and a manifest — one zip file that
is the factory's own data, readable without the platform (docs/data-export.md).

    manifest.json            format and schema versions, the tenant, every file's rows and sha256
    README.txt               how to read the archive without the platform
    tables/<label>.csv       the tenant's rows (UTF-8 with a BOM, for Excel), one file per table
    tables/<label>.json      the same rows as objects, one per line ("[", rows, "]")
    references/<label>.json  rows of other tables the tenant's rows point to (partners' names,
                             the district, members' names and e-mails, content types)
    media/<stored name>      the PDFs and photos the tenant's rows hold

Values: Decimal as text, times ISO-8601 in UTC, dates ISO, JSON fields as JSON. Secrets are
withheld (`withheld_fields`): password hashes, token and link secrets, device credentials — an
import gives those columns fresh random values, so old tokens and links stop working.

Tables are read in chunks (`CHUNK` rows) and written straight into the zip, never whole in memory.
`core.tenant_restore` reads the archive back.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string

from core.crypto import EncryptedTextField
from core.media import media_owners
from core.models import Organization
from core.privacy import sensitive_read_record
from core.tabular import rows_to_csv
from core.tenant_rows import TenantTable, tenant_tables

FORMAT_VERSION = 1

# Documents an app renders from the tenant's rows (payroll's payslips), registered from its
# AppConfig.ready() (core imports no domain app): `source(tenant_id)` yields (name, PDF bytes).
_document_sources: list[Callable[[int], Iterable[tuple[str, bytes]]]] = []


def archive_documents_register(source: Callable[[int], Iterable[tuple[str, bytes]]]) -> None:
    """Add a source of rendered documents to every tenant archive (under documents/)."""
    if source not in _document_sources:
        _document_sources.append(source)


CHUNK = 2000
# Columns that hold a secret, by name: never exported (tokens keep their name and prefix).
SECRET_NAMES = ("password", "secret", "token")
SECRET_SUFFIXES = ("_hash", "_password", "_secret")
# A person's row: who they are, never how they sign in.
USER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "is_active",
    "date_joined",
)

README = """\
Seamline export of {name} ({code}), made {created_at} (UTC).

This archive is the factory's own data. It needs no Seamline to read:

* tables/*.csv open in Excel or WPS (UTF-8 with a BOM). One file per table; the first row
  names the columns. A column ending in "_id" holds the id of a row of another table (e.g.
  "order_id" is a row's id in tables/orders.order.csv). A text cell that starts with = + - @
  has a ' in front, so that a spreadsheet does not run it as a formula.
* tables/*.json hold the same rows as JSON objects, one row per line between "[" and "]"
  (any JSON reader, or pandas.read_json). Amounts are text ("12.50") so nothing is rounded;
  times are ISO-8601 in UTC; dates are YYYY-MM-DD.
* references/*.json are rows of other tables that the factory's rows point to: its partner
  merchants and suppliers, its district, its members (names, usernames, e-mails; never a
  password) and the content types that the audit log's entries name.
* media/ holds the photos and PDFs, under the names the tables' file columns give.
* manifest.json lists every file with its row count and SHA-256, the format version and the
  schema version (each application's latest migration).

Secrets are not exported: password hashes, API token keys (tokens keep their name and prefix),
invitation and link tokens, device credentials.

To restore the factory into an empty Seamline of the same schema version:
    python manage.py tenant_import <this archive>
"""


def withheld_fields(model: type[models.Model]) -> frozenset[str]:
    """The columns of `model` whose values are secrets and are left out of an archive."""
    if model is get_user_model():
        return frozenset(f.attname for f in model._meta.concrete_fields) - set(USER_FIELDS)
    return frozenset(
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.BinaryField)
        and (f.name in SECRET_NAMES or f.name.endswith(SECRET_SUFFIXES))
    )


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    withheld = withheld_fields(model)
    return [f for f in model._meta.concrete_fields if f.attname not in withheld]


def schema_version() -> dict[str, str]:
    """{app label: its latest migration} for the project's apps, as the running code has them."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = dict(loader.graph.leaf_nodes())
    return {app: leaves[app] for app in sorted(settings.PROJECT_APPS) if app in leaves}


def json_value(value):
    """A column's value as JSON: exact (Decimal as text, microseconds kept), times in UTC."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return str(value)


def csv_value(value):
    """A cell of the CSV: JSON's text, lists and objects as JSON."""
    value = json_value(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


class _HashingWriter:
    """A zip member being written, counting its SHA-256 on the way."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.name = name
        self.digest = hashlib.sha256()
        self._file = archive.open(name, "w", force_zip64=True)

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self._file.write(data)

    def close(self) -> str:
        self._file.close()
        return self.digest.hexdigest()


def _write_rows(
    archive: zipfile.ZipFile, stem: str, fields: list[models.Field], rows: Iterable[tuple]
) -> dict:
    """One table's rows into `<stem>.csv` and `<stem>.json`, chunk by chunk."""
    names = [f.attname for f in fields]
    csv_out = _HashingWriter(archive, f"{stem}.csv")
    csv_out.write(rows_to_csv([names]).encode())
    # The JSON member is written after the CSV one (a zip writes one member at a time): its
    # lines wait in a spooled buffer, on disk past a few megabytes.
    json_lines = _Spool()
    count = 0
    chunk: list[tuple] = []

    def flush():
        csv_out.write(
            rows_to_csv([[csv_value(v) for v in row] for row in chunk], bom=False).encode()
        )
        for row in chunk:
            line = json.dumps(
                dict(zip(names, map(json_value, row), strict=True)), ensure_ascii=False
            )
            json_lines.write(("," if json_lines.lines else "") + line + "\n")
        chunk.clear()

    for row in rows:
        chunk.append(row)
        count += 1
        if len(chunk) >= CHUNK:
            flush()
    flush()
    csv_sha = csv_out.close()
    json_out = _HashingWriter(archive, f"{stem}.json")
    json_out.write(b"[\n")
    json_lines.copy_to(json_out)
    json_out.write(b"]\n")
    return {
        "csv": f"{stem}.csv",
        "json": f"{stem}.json",
        "columns": names,
        "rows": count,
        "csv_sha256": csv_sha,
        "json_sha256": json_out.close(),
    }


class _Spool:
    """Text lines kept in a temporary file that stays in memory while small."""

    def __init__(self):
        # Closed by copy_to, once its lines are in the archive.
        self._file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        self.lines = 0

    def write(self, text: str) -> None:
        self._file.write(text.encode())
        self.lines += 1

    def copy_to(self, out: _HashingWriter) -> None:
        self._file.seek(0)
        while block := self._file.read(1024 * 1024):
            out.write(block)
        self._file.close()


def _table_rows(table: TenantTable, tenant_id: int, fields: list[models.Field]):
    return (
        table.rows(tenant_id)
        .order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=CHUNK)
    )


def _references(tables: list[TenantTable], tenant_id: int) -> dict[type[models.Model], set]:
    """{model: primary keys} of the rows outside the tenant that its rows point to (partners'
    organizations, the district, people, content types), followed on through those rows' own
    foreign keys (a district to its organization)."""
    tenant_models = {t.model: t for t in tables}
    wanted: dict[type[models.Model], set] = {}
    pending: list[tuple[type[models.Model], models.QuerySet]] = [
        (table.model, table.rows(tenant_id)) for table in tables
    ]
    while pending:
        model, rows = pending.pop()
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            pointing = rows.exclude(**{f"{field.attname}__isnull": True})
            target_table = tenant_models.get(target)
            if target_table is not None:
                # Only the rows of a tenant table that are not the tenant's own.
                lookup = (
                    field.attname
                    if target_table.field == "pk"
                    else f"{field.name}__{target_table.field}_id"
                )
                pointing = pointing.exclude(**{lookup: tenant_id})
            values = set(pointing.values_list(field.attname, flat=True).distinct())
            new = values - wanted.get(target, set())
            if new:
                wanted.setdefault(target, set()).update(new)
                pending.append((target, target._base_manager.filter(pk__in=new)))
    return wanted


def archive_write(
    out,
    *,
    tenant_id: int,
    about: dict,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> dict:
    """Write tenant `tenant_id`'s archive into the binary file `out`; returns the manifest.

    `about` names the tenant in the manifest and README (code, name, kind). The caller runs
    this in a scope that reaches the tenant's rows (its factory's, or the platform's).
    `on_progress(done, total)` is called after each table.
    """
    tables = tenant_tables()
    created_at = timezone.now().astimezone(UTC)
    manifest = {
        "format": "seamline-tenant-archive",
        "format_version": FORMAT_VERSION,
        "schema_version": schema_version(),
        "created_at": created_at.isoformat(),
        "tenant": {"id": tenant_id, **about},
        "tables": {},
        "references": {},
        "media": [],
        "documents": [],
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        total = len(tables)
        for done, table in enumerate(tables, start=1):
            fields = exported_fields(table.model)
            entry = _write_rows(
                archive, f"tables/{table.label}", fields, _table_rows(table, tenant_id, fields)
            )
            entry["withheld"] = sorted(withheld_fields(table.model))
            manifest["tables"][table.label] = entry
            on_progress(done, total)
        for model, pks in sorted(_references(tables, tenant_id).items(), key=_label_of):
            fields = exported_fields(model)
            rows = (
                model._base_manager.filter(pk__in=pks)
                .order_by("pk")
                .values_list(*[f.attname for f in fields])
            )
            label = model._meta.label_lower
            entry = _write_rows(archive, f"references/{label}", fields, rows.iterator(CHUNK))
            entry["withheld"] = sorted(withheld_fields(model))
            manifest["references"][label] = entry
        manifest["media"] = _write_media(archive, tables, tenant_id)
        manifest["documents"] = _write_documents(archive, tenant_id)
        _sensitive_reads_record(tables, tenant_id)
        archive.writestr(
            "README.txt",
            README.format(
                name=about.get("name", ""),
                code=about.get("code", ""),
                created_at=created_at.strftime("%Y-%m-%d %H:%M"),
            ),
        )
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        )
    return manifest


def _sensitive_reads_record(tables: list[TenantTable], tenant_id: int) -> None:
    """The archive holds encrypted fields in full (it is the tenant's own copy): one audited
    read per table that has them, naming its rows (core.privacy; actor from the audit context)."""
    for table in tables:
        encrypted = [
            f.name for f in table.model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if encrypted:
            sensitive_read_record(
                objects=list(table.rows(tenant_id).only("pk").order_by("pk")),
                fields=encrypted,
                reason="tenant data export",
                subject=f"Data export: {table.model._meta.verbose_name_plural}",
                organization=Organization._base_manager.get(pk=tenant_id),
            )


def _label_of(item) -> str:
    return item[0]._meta.label_lower


def _write_media(archive: zipfile.ZipFile, tables: list[TenantTable], tenant_id: int) -> list:
    """The files the tenant's rows hold in the registered upload folders (core.media)."""
    by_model = {t.model: t for t in tables}
    names: set[str] = set()
    for owner in media_owners():
        table = by_model.get(owner.model)
        if table is None:
            continue
        names.update(
            table.rows(tenant_id)
            .exclude(**{owner.field: ""})
            .exclude(**{f"{owner.field}__isnull": True})
            .values_list(owner.field, flat=True)
        )
    written = []
    for name in sorted(names):
        if not default_storage.exists(name):
            written.append({"name": name, "file": None, "missing": True})
            continue
        out = _HashingWriter(archive, f"media/{name}")
        with default_storage.open(name, "rb") as source:
            while block := source.read(1024 * 1024):
                out.write(block)
        written.append({"name": name, "file": f"media/{name}", "sha256": out.close()})
    return written


def _write_documents(archive: zipfile.ZipFile, tenant_id: int) -> list:
    """The registered apps' documents of the tenant, rendered as the platform shows them."""
    written = []
    for source in _document_sources:
        for name, content in source(tenant_id):
            out = _HashingWriter(archive, f"documents/{name}")
            out.write(content)
            written.append({"file": f"documents/{name}", "sha256": out.close()})
    return written


def archive_bytes(*, tenant_id: int, about: dict) -> bytes:
    """The archive in memory (tests and small tenants)."""
    buffer = io.BytesIO()
    archive_write(buffer, tenant_id=tenant_id, about=about)
    return buffer.getvalue()
