"""Fast bulk inserts of plain rows: COPY on PostgreSQL, one executemany elsewhere.

For tables written by the hundred thousand (bundles, operation copies, wage lines) Django's
`bulk_create` spends most of its time building model instances. `insert_rows` takes tuples
instead, fills every column the caller does not give from the field's default (so a field added
later with a default keeps working), and sends no signals and returns no ids.

`insert_lines` takes rows already formatted as COPY text, for generators that write millions of
rows (the benchmarks' synthetic months): formatting once per row in Python beats adapting every
value. Both send no audit entries: what they write is derived or generated data whose own
service records who made it.
"""

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# COPY text goes to the server this many lines at a time: a generator of millions never sits in
# memory, and each write is large enough to cost little.
LINES_PER_WRITE = 250_000
NULL = r"\N"


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = timezone.now()
    elif field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    elif field.blank and field.empty_strings_allowed:
        value = ""  # an optional text field left empty, as the ORM writes it
    else:
        raise ValueError(f"{field.model.__name__}.{field.name} has no default; give it a value")
    return field.get_db_prep_save(value, connection)


class _Columns:
    """The columns of one bulk insert: those given, then those filled from defaults."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        by_attname = {field.attname: field for field in meta.concrete_fields}
        self.db_table = meta.db_table
        self.table = connection.ops.quote_name(meta.db_table)
        self.given = [by_attname[name] for name in fields]
        self.filled = [
            field
            for field in meta.concrete_fields
            if field.attname not in fields
            and not (field.primary_key and field.auto_created)
            and not isinstance(field, AutoFieldMixin)
            and not field.has_db_default()
        ]
        self.extra = tuple(_default(field) for field in self.filled)
        quote = connection.ops.quote_name
        self.names = ", ".join(quote(field.column) for field in [*self.given, *self.filled])

    def copy_sql(self) -> str:
        return f"COPY {self.table} ({self.names}) FROM STDIN"

    def insert_sql(self) -> str:
        placeholders = ", ".join(["%s"] * (len(self.given) + len(self.filled)))
        return f"INSERT INTO {self.table} ({self.names}) VALUES ({placeholders})"

    def prepared(self, row: tuple, only: list[int]) -> tuple:
        """The row with the values at `only` in the database's form (JSON, aware datetimes …)."""
        values = list(row)
        for i in only:
            values[i] = self.given[i].get_db_prep_save(values[i], connection)
        return tuple(values)

    def text_suffix(self) -> str:
        """The filled columns as the tail of a COPY text line. A JSON default is written as its
        JSON text: what `extra` holds for it is psycopg's adapter, not COPY text."""
        cells = [
            escape_copy_text(json.dumps(field.get_default(), cls=field.encoder))
            if isinstance(field, models.JSONField) and value is not None
            else _copy_text(value)
            for field, value in zip(self.filled, self.extra, strict=True)
        ]
        return "".join("\t" + cell for cell in cells) + "\n"

    def parsed(self, line: str) -> tuple:
        """A COPY text line back into values (the executemany path off PostgreSQL)."""
        cells = line.split("\t")
        if len(cells) != len(self.given):
            raise ValueError(f"{len(cells)} values for {len(self.given)} columns: {line!r}")
        return tuple(
            None if text == NULL else field.to_python(_unescape(text))
            for field, text in zip(self.given, cells, strict=True)
        )


def _copy_text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return escape_copy_text(str(value))


def escape_copy_text(text: str) -> str:
    """A value as COPY text: backslash, tab and line breaks escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            char = {"t": "\t", "n": "\n", "r": "\r"}.get(nxt := next(chars, ""), nxt)
        out.append(char)
    return "".join(out)


@contextmanager
def _copy_into(cursor, columns: "_Columns"):
    """A COPY into the table. PostgreSQL refuses COPY FROM where row-level security applies
    (core/rls.py), so there it goes into a temporary table with the same columns and moves over
    with one INSERT … SELECT, which the table's policy checks row by row."""
    cursor.execute("SELECT row_security_active(%s::regclass)", [columns.db_table])
    if not cursor.fetchone()[0]:
        with cursor.copy(columns.copy_sql()) as copy:
            yield copy
        return
    stage = connection.ops.quote_name(f"bulk_stage_{uuid.uuid4().hex[:16]}")
    with transaction.atomic():
        cursor.execute(
            f"CREATE TEMP TABLE {stage} AS SELECT {columns.names} FROM {columns.table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {stage} ({columns.names}) FROM STDIN") as copy:
            yield copy
        cursor.execute(
            f"INSERT INTO {columns.table} ({columns.names}) SELECT {columns.names} FROM {stage}"
        )
        cursor.execute(f"DROP TABLE {stage}")


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in the order of `fields`, attnames like `factory_id`) into `model`."""
    columns = _Columns(model, fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JSON needs the database's adapter; psycopg adapts every other value itself, in C.
            json_at = [
                i for i, field in enumerate(columns.given) if isinstance(field, models.JSONField)
            ]
            with _copy_into(cursor, columns) as copy:
                for row in rows:
                    copy.write_row(
                        (columns.prepared(row, json_at) if json_at else row) + columns.extra
                    )
                    count += 1
        else:
            every = list(range(len(columns.given)))
            values = [columns.prepared(row, every) + columns.extra for row in rows]
            cursor.executemany(columns.insert_sql(), values)
            count = len(values)
    return count


def insert_lines(model: type[models.Model], fields: Sequence[str], lines: Iterable[str]) -> int:
    """Insert rows given as COPY text lines: the values of `fields`, tab-separated, `\\N` for
    NULL, escaped with `escape_copy_text`, without the line break. Columns not named are
    filled from their defaults as in `insert_rows`."""
    columns = _Columns(model, fields)
    if connection.vendor != "postgresql":
        return insert_rows(model, fields, (columns.parsed(line) for line in lines))
    suffix = columns.text_suffix()
    count = 0
    with connection.cursor() as cursor, _copy_into(cursor, columns) as copy:
        for chunk in _chunks((line + suffix for line in lines), LINES_PER_WRITE):
            copy.write("".join(chunk))
            count += len(chunk)
    return count


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
