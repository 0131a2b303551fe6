"""Fast bulk inserts of plain rows: COPY on PostgreSQL, one executemany elsewhere.

For tables written by the hundred thousand (bundles, operation copies) Django's `bulk_create`
spends most of its time building model instances. `insert_rows` takes tuples instead, fills
every column the caller does not give from the field's default (so a field added later with a
default keeps working), and sends no signals and returns no ids.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = timezone.now()
    elif field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    else:
        raise ValueError(f"{field.model.__name__}.{field.name} has no default; give it a value")
    return field.get_db_prep_save(value, connection)


def _prepare_json(row: tuple, json_at: list[int], given) -> tuple:
    values = list(row)
    for i in json_at:
        values[i] = given[i].get_db_prep_save(values[i], connection)
    return tuple(values)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in the order of `fields`, attnames like `factory_id`) into `model`."""
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    given = [by_attname[name] for name in fields]
    filled = [
        field
        for field in meta.concrete_fields
        if field.attname not in fields
        and not (field.primary_key and field.auto_created)
        and not isinstance(field, AutoFieldMixin)
    ]
    extra = tuple(_default(field) for field in filled)
    # JSON needs the database's adapter; every other value goes in as the driver sends it.
    json_at = [i for i, field in enumerate(given) if isinstance(field, models.JSONField)]
    if json_at:
        rows = (_prepare_json(row, json_at, given) for row in rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*given, *filled])
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
        else:
            values = [row + extra for row in rows]
            placeholders = ", ".join(["%s"] * (len(given) + len(filled)))
            cursor.executemany(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", values
            )
            count = len(values)
    return count
