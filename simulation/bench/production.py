"""`manage.py bench schedule --orders 500 --lines 12`: plan N work orders on M lines.

Builds a throw-away factory (lines with shifts, styles, work orders with routings) inside a
transaction that is rolled back, then times `schedule_replan` — reading the orders and the
calendar, planning, and writing the plan — and prints orders, lines, seconds, late_orders.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import transaction

from core.models import Organization
from core.roles import OrgKind
from factories.models import Factory, SewingLine, Shift
from orders.models import Style, StyleVersion
from production.models import WorkOrder, WorkOrderOperation
from production.services import schedule_replan


def add_schedule_arguments(parser) -> None:
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--lines", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)


class _Rollback(Exception):
    pass


def run_schedule(options, stdout) -> dict:
    rng = random.Random(options["seed"])
    result: dict = {}
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                kind=OrgKind.FACTORY, code=f"bench-schedule-{time.time_ns()}", name="Bench"
            )
            factory = Factory.objects.create(organization=org)
            shift = Shift.objects.create(
                factory=factory,
                code="D",
                name="Day",
                starts_at=dt.time(8),
                ends_at=dt.time(17, 30),
                break_minutes=90,
                is_default=True,
            )
            SewingLine.objects.bulk_create(
                SewingLine(
                    factory=factory,
                    code=f"L{n:02d}",
                    name=f"Line {n}",
                    shift=shift,
                    planned_headcount=rng.randint(20, 40),
                    efficiency=Decimal(rng.choice(["0.65", "0.70", "0.75", "0.80"])),
                )
                for n in range(1, options["lines"] + 1)
            )
            styles = Style.objects.bulk_create(
                Style(factory=factory, number=f"B{n:03d}", name=f"Style {n}", category="woven")
                for n in range(40)
            )
            versions = StyleVersion.objects.bulk_create(
                StyleVersion(
                    factory=factory,
                    style=style,
                    version=1,
                    status=StyleVersion.Status.RELEASED,
                    sizes=["M"],
                    colours=["黑"],
                )
                for style in styles
            )
            today = dt.date.today()
            work_orders = WorkOrder.objects.bulk_create(
                WorkOrder(
                    factory=factory,
                    number=f"BWO{n:05d}",
                    version=rng.choice(versions),
                    quantity=(q := rng.randint(100, 2000)),
                    cut_quantity=q,
                    due_date=today + dt.timedelta(days=rng.randint(5, 180)),
                    priority=1 if rng.random() < 0.05 else 0,
                    sam_per_garment=Decimal(rng.randint(8, 30)),
                )
                for n in range(options["orders"])
            )
            WorkOrderOperation.objects.bulk_create(
                WorkOrderOperation(
                    factory=factory,
                    work_order=wo,
                    sequence=s,
                    code=f"OP{s}",
                    name=f"Op {s}",
                    sam=wo.sam_per_garment / 4,
                    piece_rate=Decimal("0.1"),
                )
                for wo in work_orders
                for s in range(1, 5)
            )
            started = time.perf_counter()
            plan = schedule_replan(factory=factory, today=today)
            seconds = time.perf_counter() - started
            result = {
                "orders": options["orders"],
                "lines": options["lines"],
                "seconds": round(seconds, 3),
                "late_orders": len(plan.late),
                "unplaced": len(plan.unplaced),
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
