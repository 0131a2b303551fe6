"""A platform of many small factories, generated with COPY for `bench tenants`.

Each factory is a small one as the lists and main pages read it: LINES lines, WORKERS workers,
a year of orders (one work order each, with its operations, cut plan, marker, lay and bundles),
the last RECORD_DAYS days of operation records, a year of daily rollups (FactoryDay, LineDay)
and yesterday's hourly output per operator (OutputHour). `VOLUMES` says how many rows that is.

Ids are allocated in blocks (one sequence jump per table and batch of factories) so that rows
can point at each other without reading anything back; every table of a batch is one COPY
(core.bulk). Runs as the owner (core.rls.owner), inside the caller's transaction.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from core.bulk import insert_lines, insert_rows
from core.models import Organization
from core.roles import OrgKind
from dashboards.models import FactoryDay, LineDay, OutputHour
from factories.models import Factory, SewingLine, Worker
from factories.services import DEFAULT_TIME_ZONE
from orders.models import Order, Style, StyleVersion
from production.models import (
    Bundle,
    CutPlan,
    Lay,
    Marker,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)

LINES = 3
WORKERS = 100
STYLES = 10
ORDERS = 104  # two a week for a year
OPERATIONS = 10
BUNDLES = 20
BUNDLE_SIZE = 50
RECORD_DAYS = 3  # the work orders of the last days carry operation records
RECORD_ORDERS = 12
SHIFT_HOURS = 8
ROLLUP_DAYS = 365

VOLUMES = {
    "lines": LINES,
    "workers": WORKERS,
    "styles": STYLES,
    "orders": ORDERS,
    "work_orders": ORDERS,
    "work_order_operations": ORDERS * OPERATIONS,
    "bundles": ORDERS * BUNDLES,
    "operation_records": RECORD_ORDERS * BUNDLES * OPERATIONS,
    "operation_record_days": RECORD_DAYS,
    "factory_days": ROLLUP_DAYS,
    "line_days": ROLLUP_DAYS * LINES,
    "output_hours": WORKERS * SHIFT_HOURS,
}
ROWS_PER_FACTORY = (
    2
    + STYLES * 2
    + ORDERS * 5
    + sum(
        VOLUMES[k]
        for k in ("lines", "workers", "work_order_operations", "bundles", "operation_records")
    )
    + VOLUMES["factory_days"]
    + VOLUMES["line_days"]
    + VOLUMES["output_hours"]
)


def block(model, count: int) -> int:
    """Reserve `count` consecutive ids of `model`'s sequence; returns the first."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), "
            "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [table, column, table, column, count],
        )
        last = cursor.fetchone()[0]
    return last - count + 1


def generate(codes: list[str], merchant_id: int, today: date) -> list[int]:
    """Organizations, factories and everything listed in the module doc for each code; returns
    the factories' ids in the order of `codes`."""
    n = len(codes)
    first_org = block(Organization, n)
    org_ids = list(range(first_org, first_org + n))
    insert_rows(
        Organization,
        ["id", "kind", "code", "name"],
        ((pk, OrgKind.FACTORY, code, code) for pk, code in zip(org_ids, codes, strict=True)),
    )
    insert_rows(Factory, ["organization_id", "headcount"], ((pk, WORKERS) for pk in org_ids))
    ids = {
        model: block(model, n * per)
        for model, per in (
            (SewingLine, LINES),
            (Worker, WORKERS),
            (Style, STYLES),
            (StyleVersion, STYLES),
            (Order, ORDERS),
            (WorkOrder, ORDERS),
            (WorkOrderOperation, ORDERS * OPERATIONS),
            (CutPlan, ORDERS),
            (Marker, ORDERS),
            (Lay, ORDERS),
            (Bundle, ORDERS * BUNDLES),
        )
    }
    factories = [(i, pk) for i, pk in enumerate(org_ids)]
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    for model, columns, rows in _tables(ids, factories, merchant_id, today, zone):
        insert_lines(model, columns, rows)
    return org_ids


def _columns(names: str) -> list[str]:
    return names.split()


def _tables(ids, factories, merchant_id, today, zone):
    def at(model, i, per, k=0):
        return ids[model] + i * per + k

    yield (
        SewingLine,
        ["id", "factory_id", "code", "name"],
        (
            f"{at(SewingLine, i, LINES, k)}\t{f}\tL{k + 1}\t{k + 1}号线"
            for i, f in factories
            for k in range(LINES)
        ),
    )
    yield (
        Worker,
        ["id", "factory_id", "employee_no", "badge_id", "name", "line_id", "grade"],
        (
            f"{at(Worker, i, WORKERS, k)}\t{f}\tW{k:04d}\tB{k:06d}\t工人{k}\t"
            f"{at(SewingLine, i, LINES, k % LINES)}\t{1 + k % 4}"
            for i, f in factories
            for k in range(WORKERS)
        ),
    )
    yield (
        Style,
        ["id", "factory_id", "number", "name", "category"],
        (
            f"{at(Style, i, STYLES, k)}\t{f}\tS{k:03d}\t款式{k}\twoven"
            for i, f in factories
            for k in range(STYLES)
        ),
    )
    yield (
        StyleVersion,
        ["id", "factory_id", "style_id", "version", "status", "sizes", "colours"],
        (
            f"{at(StyleVersion, i, STYLES, k)}\t{f}\t{at(Style, i, STYLES, k)}\t1\treleased\t"
            '["M"]\t["black"]'
            for i, f in factories
            for k in range(STYLES)
        ),
    )
    # Two orders a week: order k was placed (ORDERS - k) × 3.5 days ago; the older are delivered.
    placed = [today - timedelta(days=(ORDERS - k) * 365 // ORDERS) for k in range(ORDERS)]
    stamps = [datetime(d.year, d.month, d.day, 9, tzinfo=zone).isoformat() for d in placed]
    requested = [day + timedelta(days=45) for day in placed]
    status = ["delivered" if k < ORDERS - 12 else "in_production" for k in range(ORDERS)]
    quantity = BUNDLES * BUNDLE_SIZE
    yield (
        Order,
        _columns(
            "id factory_id number merchant_id version_id status requested_date "
            "ship_to unit_price total_quantity created_at updated_at"
        ),
        (
            f"{at(Order, i, ORDERS, k)}\t{f}\tPO-{k:04d}\t{merchant_id}\t"
            f"{at(StyleVersion, i, STYLES, k % STYLES)}\t{status[k]}\t"
            f"{requested[k]}\tShanghai\t12.50\t{quantity}\t{stamps[k]}\t{stamps[k]}"
            for i, f in factories
            for k in range(ORDERS)
        ),
    )
    wo_status = ["done" if k < ORDERS - 12 else "sewing" for k in range(ORDERS)]
    yield (
        WorkOrder,
        _columns(
            "id factory_id number order_id version_id quantity cut_quantity "
            "due_date line_id status created_at"
        ),
        (
            f"{at(WorkOrder, i, ORDERS, k)}\t{f}\tWO-{k:04d}\t{at(Order, i, ORDERS, k)}\t"
            f"{at(StyleVersion, i, STYLES, k % STYLES)}\t{quantity}\t{quantity}\t"
            f"{placed[k] + timedelta(days=40)}\t{at(SewingLine, i, LINES, k % LINES)}\t"
            f"{wo_status[k]}\t{stamps[k]}"
            for i, f in factories
            for k in range(ORDERS)
        ),
    )
    per_op = ORDERS * OPERATIONS
    yield (
        WorkOrderOperation,
        _columns("id factory_id work_order_id sequence code name sam piece_rate"),
        (
            f"{at(WorkOrderOperation, i, per_op, k * OPERATIONS + o)}\t{f}\t"
            f"{at(WorkOrder, i, ORDERS, k)}\t{o + 1}\tOP{o + 1:02d}\t工序{o + 1}\t0.{4 + o % 5}00\t"
            f"0.{14 + o % 7}00"
            for i, f in factories
            for k in range(ORDERS)
            for o in range(OPERATIONS)
        ),
    )
    yield (
        CutPlan,
        _columns(
            "id factory_id work_order_id over_cut_pct max_plies "
            "max_garments_per_marker bundle_size ordered_quantity cut_quantity "
            "efficiency_pct created_at"
        ),
        (
            f"{at(CutPlan, i, ORDERS, k)}\t{f}\t{at(WorkOrder, i, ORDERS, k)}\t0\t80\t6\t"
            f"{BUNDLE_SIZE}\t{quantity}\t{quantity}\t100\t{stamps[k]}"
            for i, f in factories
            for k in range(ORDERS)
        ),
    )
    yield (
        Marker,
        _columns("id factory_id cut_plan_id number size_ratios garments length_m"),
        (
            f'{at(Marker, i, ORDERS, k)}\t{f}\t{at(CutPlan, i, ORDERS, k)}\t1\t{{"M": 1}}\t1\t1'
            for i, f in factories
            for k in range(ORDERS)
        ),
    )
    yield (
        Lay,
        _columns("id factory_id cut_plan_id marker_id number colour plies fabric_length_m status"),
        (
            f"{at(Lay, i, ORDERS, k)}\t{f}\t{at(CutPlan, i, ORDERS, k)}\t{at(Marker, i, ORDERS, k)}"
            f"\t1\tblack\t{quantity}\t{quantity}\tcut"
            for i, f in factories
            for k in range(ORDERS)
        ),
    )
    per_bundle = ORDERS * BUNDLES
    yield (
        Bundle,
        _columns("id factory_id work_order_id lay_id number size colour quantity status"),
        (
            f"{at(Bundle, i, per_bundle, k * BUNDLES + b)}\t{f}\t{at(WorkOrder, i, ORDERS, k)}\t"
            f"{at(Lay, i, ORDERS, k)}\t{b + 1}\tM\tblack\t{BUNDLE_SIZE}\t"
            f"{'finished' if k < ORDERS - RECORD_ORDERS else 'in_sewing'}"
            for i, f in factories
            for k in range(ORDERS)
            for b in range(BUNDLES)
        ),
    )
    yield (
        OperationRecord,
        [
            "factory_id",
            "bundle_id",
            "operation_id",
            "work_order_id",
            "worker_id",
            "line_id",
            "recorded_at",
            "work_date",
            "good_pieces",
            "defective_pieces",
            "is_rework",
            "source",
            "external_event_id",
            "created_at",
        ],
        _records(at, factories, today, zone),
    )
    yield (
        FactoryDay,
        _columns(
            "factory_id day finished good defective earned_minutes "
            "available_minutes operators employees"
        ),
        (
            f"{f}\t{today - timedelta(days=d)}\t{4000 + (d * 37 + i) % 900}\t"
            f"{32000 + (d * 53 + i) % 5000}\t{(d + i) % 400}\t{48000 + d % 700}.00\t{WORKERS * 480}"
            f".00\t{WORKERS - d % 7}\t{WORKERS + 10}"
            for i, f in factories
            for d in range(1, ROLLUP_DAYS + 1)
        ),
    )
    yield (
        LineDay,
        _columns("factory_id day line_id finished good defective inspected passed defects"),
        (
            f"{f}\t{today - timedelta(days=d)}\t{at(SewingLine, i, LINES, line)}\t"
            f"{1300 + (d + line) % 200}\t{10400 + (d * 7 + i) % 1600}\t{(d + line) % 120}\t260\t"
            f"{250 + d % 10}\t{10 - d % 10}"
            for i, f in factories
            for d in range(1, ROLLUP_DAYS + 1)
            for line in range(LINES)
        ),
    )
    yesterday = today - timedelta(days=1)
    hours = [
        datetime(yesterday.year, yesterday.month, yesterday.day, 8 + h, tzinfo=zone)
        .astimezone(UTC)
        .isoformat()
        for h in range(SHIFT_HOURS + 1)
        if h != 4  # the lunch hour
    ]
    yield (
        OutputHour,
        _columns("factory_id hour line_id worker_id good defective finished earned_minutes"),
        (
            f"{f}\t{hour}\t{at(SewingLine, i, LINES, w % LINES)}\t{at(Worker, i, WORKERS, w)}\t"
            f"{40 + (w + h) % 30}\t{(w + h) % 3}\t{5 + (w + h) % 4}\t{48 + (w + h) % 12}.00"
            for i, f in factories
            for w in range(WORKERS)
            for h, hour in enumerate(hours)
        ),
    )


def _records(at, factories, today, zone):
    """Every bundle of the last RECORD_ORDERS work orders through every operation, over the
    last RECORD_DAYS days, by the operator of the operation on the work order's line."""
    per_op, per_bundle = ORDERS * OPERATIONS, ORDERS * BUNDLES
    first = ORDERS - RECORD_ORDERS
    for i, f in factories:
        for k in range(first, ORDERS):
            day = today - timedelta(days=1 + (ORDERS - 1 - k) * RECORD_DAYS // RECORD_ORDERS)
            line = k % LINES
            line_id = at(SewingLine, i, LINES, line)
            work_order = at(WorkOrder, i, ORDERS, k)
            for b in range(BUNDLES):
                moment = datetime(day.year, day.month, day.day, 9 + b % 8, b * 7 % 60, tzinfo=zone)
                stamp = moment.isoformat()
                head = f"{f}\t{at(Bundle, i, per_bundle, k * BUNDLES + b)}\t"
                for o in range(OPERATIONS):
                    worker = at(Worker, i, WORKERS, (line + o * LINES) % WORKERS)
                    yield (
                        f"{head}{at(WorkOrderOperation, i, per_op, k * OPERATIONS + o)}\t"
                        f"{work_order}\t{worker}\t{line_id}\t{stamp}\t{day}\t{BUNDLE_SIZE}\t0\t"
                        f"f\tdevice\t\t{stamp}"
                    )
