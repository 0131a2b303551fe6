"""Document numbers: `<prefix><n>` in sequence per organization and prefix, never taken twice.

The counter is a row per series (core.models.DocumentSeries), advanced by one upsert, so two
concurrent writers of the same series queue on that row alone (until the caller's transaction
ends) and writers of other series, or of anything else of the factory, do not wait at all.
"""

from collections.abc import Callable

from django.db import connection

from core.models import DocumentSeries


def _advance(organization_id: int, series: str) -> int:
    table = DocumentSeries._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, series, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (organization_id, series) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [organization_id, series],
        )
        return cursor.fetchone()[0]


def number_next(
    *, organization_id: int, prefix: str, digits: int, taken: Callable[[str], bool]
) -> str:
    """The next number of the series `prefix`, inside the caller's transaction. `taken(number)`
    says whether a document already holds it (numbers given before the series had a counter, or
    typed in by hand): those are passed over."""
    while True:
        number = f"{prefix}{_advance(organization_id, prefix):0{digits}d}"
        if not taken(number):
            return number
