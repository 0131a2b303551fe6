"""Loading and removing a benchmark's own world in bulk: rows without per-row foreign-key
checks or index upkeep, and its organizations removed with every row they own.

A benchmark builds its world under organizations with a code of its own and removes them with
`organizations_drop` when it ends (or, after a crash, on its next run). Rows are deleted with one
raw DELETE per table (no model instance per row); foreign keys are checked at commit (deferred
on PostgreSQL), or skipped when the connection may (a superuser: the rows are consistent).
"""

from contextlib import contextmanager
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from core.bulk import insert_rows
from core.models import Organization
from core.rls import ORG_COLUMNS
from factories.models import Factory
from production.models import Bundle, CutPlan, Lay, Marker, WorkOrderOperation


def skip_foreign_key_triggers() -> None:
    """Inside a transaction: skip the row-by-row foreign key checks of a bulk write. Needs a
    superuser; without one the checks run (deferred to commit)."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: the checks run
        pass


def organizations_drop(organizations) -> int:
    """Delete the organizations and every factory-owned or organization-keyed row of them."""
    ids = [organization.pk for organization in organizations]
    if not ids:
        return 0
    with transaction.atomic():
        skip_foreign_key_triggers()
        for model in apps.get_models():
            if model._meta.app_label not in settings.PROJECT_APPS:
                continue
            names = {field.name for field in model._meta.concrete_fields}
            for column in ("factory", *ORG_COLUMNS):
                if column in names:
                    rows = model.objects.filter(**{f"{column}_id__in": ids})
                    rows._raw_delete(connection.alias)
        Factory.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        Organization.objects.filter(pk__in=ids).delete()
    return len(ids)


@contextmanager
def indexes_rebuilt_after(table: str):
    """Bulk-load without maintaining the table's secondary indexes row by row: drop them, load,
    build them again (one sort each) — all inside the generating transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def routed_and_cut(
    work_order, *, operations: list[tuple[Decimal, Decimal]], bundles: int, bundle_size: int
) -> tuple[list[int], list[int]]:
    """A benchmark work order's routing — one operation (OPnn, 工序n) per (SAM, piece rate) of
    `operations` — and one cut plan, marker and lay giving `bundles` cut bundles of one size
    and colour. Returns (operation ids, bundle ids), each in order."""
    factory = work_order.factory
    WorkOrderOperation.objects.bulk_create(
        WorkOrderOperation(
            factory=factory,
            work_order=work_order,
            sequence=number,
            code=f"OP{number:02d}",
            name=f"工序{number}",
            sam=sam,
            piece_rate=piece_rate,
        )
        for number, (sam, piece_rate) in enumerate(operations, start=1)
    )
    operation_ids = list(
        WorkOrderOperation.objects.filter(work_order=work_order)
        .order_by("sequence")
        .values_list("pk", flat=True)
    )
    cut_plan = CutPlan.objects.create(
        factory=factory,
        work_order=work_order,
        over_cut_pct=0,
        max_plies=80,
        max_garments_per_marker=6,
        bundle_size=bundle_size,
        ordered_quantity=work_order.quantity,
        cut_quantity=work_order.quantity,
        efficiency_pct=100,
    )
    marker = Marker.objects.create(
        factory=factory, cut_plan=cut_plan, number=1, size_ratios={"M": 1}, garments=1, length_m=1
    )
    lay = Lay.objects.create(
        factory=factory,
        cut_plan=cut_plan,
        marker=marker,
        number=1,
        colour="黑",
        plies=1,
        fabric_length_m=1,
    )
    insert_rows(
        Bundle,
        ["factory_id", "work_order_id", "lay_id", "number", "size", "colour", "quantity"],
        (
            (factory.pk, work_order.pk, lay.pk, number, "M", "黑", bundle_size)
            for number in range(1, bundles + 1)
        ),
    )
    bundle_ids = list(
        Bundle.objects.filter(work_order=work_order).order_by("number").values_list("pk", flat=True)
    )
    return operation_ids, bundle_ids
