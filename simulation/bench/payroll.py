"""`manage.py bench payroll --workers 500 --days 26`: a month of operation records (about 10
million: every bundle of 25 work orders through 40 operations), then the period's calculation.

Prints records, workers, seconds (the whole `pay_period_calculate`: aggregation, every rule,
storing lines, days and payslips), limit_seconds (the bare SQL aggregate the calculation needs:
the same live records, the same `GROUP BY day, operator, operation` with the same sums, under the
same row-level security and settings, rows fetched, nothing applied or stored; timed in the same
run), ratio = seconds ÷ limit_seconds, the CPU seconds of this process and of the database
backend, groups (the limit's rows) = wage_lines (the lines stored) and limit_records = records as
correctness checks, and peak_rss_mb. Measured as the factory, under row-level security.

The generated month is kept (a factory named after the size) so a second run only calculates;
`--fresh` generates it again. On PostgreSQL the rows go in with COPY.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from core import rls
from core.audit import acting_as
from core.bulk import insert_lines
from core.models import Organization
from core.roles import OrgKind
from factories.models import Factory, SewingLine, Worker
from orders.models import Style, StyleVersion
from payroll import services
from payroll.calculation import period_records, tune_for_period_aggregate
from payroll.models import AttendanceDay, PayPeriod, WageLine
from production.models import (
    OperationRecord,
    WorkOrder,
)
from simulation.bench.bulk_load import (
    indexes_rebuilt_after,
    organizations_drop,
    routed_and_cut,
    skip_foreign_key_triggers,
)
from simulation.bench.cpu import CpuClock

OPERATIONS = 40
WORK_ORDERS = 25
BUNDLE_SIZE = 20
MONTH_START = date(2026, 3, 1)


def add_arguments(parser):
    parser.add_argument("--workers", type=int, default=500)
    parser.add_argument("--days", type=int, default=26)
    parser.add_argument(
        "--records", type=int, default=10_000_000, help="about how many operation records"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the month again")


def run(options, stdout) -> dict:
    workers, days, wanted = options["workers"], options["days"], options["records"]
    with acting_as():
        # Generating the month drops and rebuilds indexes: the owner's work.
        with rls.owner():
            factory, period = _month(workers, days, wanted, options["fresh"], stdout)
        # Measured as the factory, under row-level security, like a request of the factory.
        with rls.scope(rls.for_factory(factory.pk)):
            return _measure(factory, period, workers, days)


def _measure(factory, period, workers: int, days: int) -> dict:
    records = _count_records(factory, period)
    _limit_query(factory, period)  # warm the cache for both measurements alike
    started = time.perf_counter()
    groups = _limit_query(factory, period)
    limit_seconds = time.perf_counter() - started
    clock = CpuClock().start()
    period = services.pay_period_calculate(period=period, by=None)
    timed = clock.stop()
    seconds = timed["seconds"]
    return {
        "records": records,
        "workers": workers,
        "days": days,
        "seconds": round(seconds, 3),
        "limit_seconds": round(limit_seconds, 3),
        "ratio": round(seconds / limit_seconds, 2) if limit_seconds else None,
        "target_seconds": 1.0,
        "target_ratio": 1.2,
        # This process and the database's leading backend (its parallel workers not counted).
        "cpu_seconds": timed["cpu_seconds"],
        "database_cpu_seconds": timed["database_cpu_seconds"],
        "groups": len(groups),
        "wage_lines": WageLine.objects.filter(period=period).count(),
        "limit_records": sum(row[3] for row in groups),
        "gross_total": str(period.gross_total),
        "database": connection.vendor,
    }


def _limit_query(factory, period) -> list:
    """The bare aggregation the calculation cannot beat: the same live records of the period,
    the same groups (operator, day, operation) and sums the calculation reads, under the same
    row-level security and the same settings, without any rule applied or row stored."""
    table = OperationRecord._meta.db_table
    with transaction.atomic():
        tune_for_period_aggregate()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT work_date, worker_id, operation_id, COUNT(*), SUM(good_pieces), "
                f"SUM(defective_pieces) FROM {table} "
                "WHERE factory_id = %s AND work_date >= %s AND work_date <= %s "
                "AND voided_at IS NULL GROUP BY work_date, worker_id, operation_id",
                [factory.pk, period.starts_on, period.ends_on],
            )
            return cursor.fetchall()


def _count_records(factory, period) -> int:
    return period_records(factory, period.starts_on, period.ends_on).count()


def _month(workers: int, days: int, wanted: int, fresh: bool, stdout):
    code = f"bench-payroll-{workers}-{days}-{wanted}"
    organization = Organization.objects.filter(code=code).first()
    if organization is not None and not fresh:
        period, _created = PayPeriod.objects.get_or_create(
            factory_id=organization.pk,
            starts_on=MONTH_START,
            defaults={"kind": "monthly", "ends_on": MONTH_START + timedelta(days=30)},
        )
        if period.status == PayPeriod.Status.CALCULATED:
            # Calculate from an open period again, through the period's own transition.
            with transaction.atomic():
                period = PayPeriod.objects.select_for_update().get(pk=period.pk)
                services.pay_period_transition(period=period, to=PayPeriod.Status.OPEN, by=None)
        return organization.factory, period
    if organization is not None:
        organizations_drop([organization])
    started = time.perf_counter()
    with transaction.atomic():
        skip_foreign_key_triggers()
        with indexes_rebuilt_after("production_operationrecord"):
            factory, period = _generate(code, workers, days, wanted)
    stdout.write(f"generated the month in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE production_operationrecord")
    return factory, period


def _generate(code: str, workers: int, days: int, wanted: int):
    organization = Organization.objects.create(kind=OrgKind.FACTORY, code=code, name=code)
    factory = Factory.objects.create(organization=organization, headcount=workers)
    lines = [
        SewingLine.objects.create(factory=factory, code=f"L{n}", name=f"{n}号线")
        for n in range(1, max(1, workers // 40) + 1)
    ]
    Worker.objects.bulk_create(
        Worker(
            factory=factory,
            employee_no=f"W{n:05d}",
            badge_id=f"B{n:06d}",
            name=f"工人{n}",
            line=lines[n % len(lines)],
            grade=1 + n % 4,
            bank_account=f"6217{n:012d}",
        )
        for n in range(workers)
    )
    people = list(Worker.objects.filter(factory=factory).order_by("pk").values_list("pk", "line"))
    style = Style.objects.create(factory=factory, number="BENCH", name="bench", category="woven")
    version = StyleVersion.objects.create(
        factory=factory, style=style, version=1, status="released", sizes=["M"], colours=["黑"]
    )
    bundles_per_order = max(1, wanted // (WORK_ORDERS * OPERATIONS))
    month_start = MONTH_START
    period = PayPeriod.objects.create(
        factory=factory,
        kind="monthly",
        starts_on=month_start,
        ends_on=month_start + timedelta(days=30),
    )
    zone = ZoneInfo(factory.time_zone)
    # Operator w does operation w % OPERATIONS on every work order: a day's output is a few
    # hundred bundles of one or two operations, as on a real hanging line.
    by_operation = [people[o::OPERATIONS] or people for o in range(OPERATIONS)]
    record_columns = [
        "factory_id", "bundle_id", "operation_id", "work_order_id", "worker_id", "line_id",
        "recorded_at", "work_date", "good_pieces", "defective_pieces", "is_rework", "source",
        "external_event_id", "reason", "created_at", "void_reason",
    ]  # fmt: skip
    for order_no in range(WORK_ORDERS):
        work_order = WorkOrder.objects.create(
            factory=factory,
            number=f"WO-{order_no:03d}",
            version=version,
            quantity=bundles_per_order * BUNDLE_SIZE,
            cut_quantity=bundles_per_order * BUNDLE_SIZE,
            due_date=month_start + timedelta(days=40),
        )
        operation_ids, bundle_ids = routed_and_cut(
            work_order,
            operations=[
                (
                    Decimal("0.400") + Decimal(o % 7) / 10,
                    Decimal("0.1400") + Decimal(o % 7) * Decimal("0.0350"),
                )
                for o in range(OPERATIONS)
            ],
            bundles=bundles_per_order,
            bundle_size=BUNDLE_SIZE,
        )
        stamp = datetime(2026, 3, 1, tzinfo=zone).isoformat()

        lines = _record_lines(
            factory_id=factory.pk,
            work_order_id=work_order.pk,
            shift=order_no,
            bundle_ids=bundle_ids,
            operation_ids=operation_ids,
            by_operation=by_operation,
            month_start=month_start,
            days=days,
            stamp=stamp,
            zone=zone,
        )
        insert_lines(OperationRecord, record_columns, lines)
    days_worked = [month_start + timedelta(days=d) for d in range(days)]
    AttendanceDay.objects.bulk_create(
        (
            AttendanceDay(factory=factory, worker_id=worker_id, day=day, minutes=480 + (w % 3) * 60)
            for w, (worker_id, _line) in enumerate(people)
            for day in days_worked
        ),
        batch_size=2000,
    )
    return factory, period


def _record_lines(
    *, factory_id, work_order_id, shift, bundle_ids, operation_ids, by_operation, month_start,
    days, stamp, zone,
):  # fmt: skip
    """Every bundle through every operation, as COPY text lines (formatted once per row)."""
    head = f"{factory_id}\t"
    tail = f"\tf\tdevice\t\t\t{stamp}\t"
    for index, bundle_id in enumerate(bundle_ids):
        # Work orders follow each other through the month: a day sews one or two of them.
        position = shift * len(bundle_ids) + index
        day = month_start + timedelta(days=(position * days) // (WORK_ORDERS * len(bundle_ids)))
        at = datetime.combine(day, clock_time(9, index % 60), tzinfo=zone).isoformat()
        middle = f"\t{at}\t{day}\t"
        for o, operation_id in enumerate(operation_ids):
            crew = by_operation[o]
            worker_id, line_id = crew[(index + shift) % len(crew)]
            defective = 1 if (index + o) % 50 == 0 else 0
            yield (
                f"{head}{bundle_id}\t{operation_id}\t{work_order_id}\t{worker_id}\t"
                f"{line_id}{middle}{BUNDLE_SIZE - defective}\t{defective}{tail}"
            )
