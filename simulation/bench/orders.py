"""`manage.py bench convert --orders 1000`: build accepted orders of realistic styles, convert
them with `orders_convert` as the factory would (its row-level security scope), committed, and
time until the work after commit is done too.

Each `orders_convert` call (one per --chunk orders) is its own transaction: it returns after its
commit and after everything registered with `transaction.on_commit` ran in this process: the
live notifications (core.realtime: rollup scheduling, cache version, push request), the
merchant's webhook deliveries being enqueued (the bench merchant has an active endpoint) and the
placement task being enqueued. With REDIS_URL set Celery is real and sending those tasks to
Redis is timed; the tasks themselves run later in workers and are not timed. Without it Celery
is eager and the tasks run inside the timing.

The bench's organizations (code `bench-convert-…`) are deleted at the end, or, after a crash or
with --keep, at the start of the next run.
"""

import random
import time
from collections import Counter
from decimal import Decimal

from celery import current_app
from celery.signals import after_task_publish
from django.db import connection, transaction
from django.utils import timezone

from core import rls
from core.models import Organization
from core.roles import OrgKind
from factories.models import Factory, Partnership
from orders.models import (
    BomLine,
    Order,
    OrderLine,
    RoutingOperation,
    Style,
    StyleVersion,
    WebhookDelivery,
)
from orders.services.webhooks import webhook_endpoint_create
from production.models import (
    Bundle,
    CutPlan,
    Lay,
    Marker,
    MaterialRequirement,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)
from production.services import orders_convert
from simulation.bench.cpu import CpuClock
from simulation.bench.teardown import organizations_drop

SIZE_RUNS = [
    ["XS", "S", "M", "L", "XL", "2XL", "3XL", "4XL"],
    ["S", "M", "L", "XL", "2XL", "3XL"],
    ["1X", "2X", "3X", "4X", "5X", "6X"],
    ["90", "100", "110", "120", "130", "140", "150", "160", "170", "180"],
    ["XS", "S", "M", "L", "XL", "2XL", "3XL"],
]
TAG = "bench-convert-"
COLOURS = ["黑色", "白色", "藏青", "卡其", "酒红", "雾蓝", "燕麦", "墨绿"]


def add_arguments(parser):
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--styles", type=int, default=40)
    parser.add_argument("--chunk", type=int, default=250, help="orders per orders_convert call")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="leave the bench's organizations until the next run"
    )


def _build(count: int, styles: int, rng: random.Random):
    tag = f"{TAG}{int(time.time() * 1000)}"
    factory = Factory.objects.create(
        organization=Organization.objects.create(kind=OrgKind.FACTORY, code=tag, name=tag),
        minimum_order_quantity=50,
        headcount=300,
    )
    merchant = Organization.objects.create(kind=OrgKind.MERCHANT, code=f"{tag}-m", name=tag)
    Partnership.objects.create(factory=factory, partner=merchant, status="accepted")
    versions = []
    for index in range(styles):
        style = Style.objects.create(
            factory=factory, number=f"B{index:04d}", name=f"Bench {index}", category="woven"
        )
        sizes = rng.choice(SIZE_RUNS)[: rng.randint(6, 10)]
        colours = rng.sample(COLOURS, rng.randint(2, 5))
        version = StyleVersion.objects.create(
            factory=factory, style=style, version=1, status="released", sizes=sizes, colours=colours
        )
        BomLine.objects.bulk_create(
            BomLine(
                factory=factory,
                version=version,
                sequence=n,
                material_code=f"M{index:03d}-{n:02d}",
                unit="m" if n == 1 else "pcs",
                consumption={
                    s: str(Decimal("1.1") + Decimal("0.06") * i if n == 1 else Decimal(1))
                    for i, s in enumerate(sizes)
                },
                is_main_fabric=n == 1,
            )
            for n in range(1, rng.randint(5, 12) + 1)
        )
        RoutingOperation.objects.bulk_create(
            RoutingOperation(
                factory=factory,
                version=version,
                sequence=n,
                code=f"OP{n:02d}",
                name=f"工序 {n}",
                sam=Decimal(rng.randint(150, 1500)) / 1000,
                piece_rate=Decimal("0.1000"),
            )
            for n in range(1, rng.randint(30, 60) + 1)
        )
        versions.append(version)
    due = timezone.localdate() + timezone.timedelta(days=40)
    orders = Order.objects.bulk_create(
        Order(
            factory=factory,
            merchant=merchant,
            version=rng.choice(versions),
            number=f"BO{n:06d}",
            status=Order.Status.ACCEPTED,
            requested_date=due,
            ship_to="bench",
            unit_price=Decimal("50.00"),
        )
        for n in range(count)
    )
    lines = []
    for order in orders:
        target = rng.randint(100, 3000)
        cells = [(c, s) for c in order.version.colours for s in order.version.sizes]
        weights = [rng.random() + 0.2 for _ in cells]
        scale = target / sum(weights)
        quantities = [max(1, round(w * scale)) for w in weights]
        order.total_quantity = sum(quantities)
        lines += [
            OrderLine(factory=factory, order=order, colour=c, size=s, quantity=q)
            for (c, s), q in zip(cells, quantities, strict=True)
        ]
    OrderLine.objects.bulk_create(lines, batch_size=2000)
    Order.objects.bulk_update(orders, ["total_quantity"], batch_size=2000)
    return factory, merchant, orders


def run(options, stdout) -> dict:
    rng = random.Random(options["seed"])
    organizations_drop(Organization.objects.filter(code__startswith=TAG))
    with transaction.atomic():
        factory, merchant, orders = _build(options["orders"], options["styles"], rng)
        webhook_endpoint_create(merchant=merchant, url="https://bench.invalid/hooks", by=None)
    stdout.write(f"built {len(orders)} accepted orders on {connection.vendor}")
    try:
        published: Counter[str] = Counter()

        def count(sender=None, **_kwargs):
            published[str(sender)] += 1

        after_task_publish.connect(count, weak=False)
        chunk = options["chunk"]
        # As the factory converting its orders: its scope, its organization acting.
        with rls.scope(rls.for_factory(factory.pk)):
            clock = CpuClock().start()
            for start in range(0, len(orders), chunk):
                # Commits, then runs the on_commit work, before it returns.
                orders_convert(
                    orders=orders[start : start + chunk], by=None, acting=factory.organization
                )
            timed = clock.stop()
        after_task_publish.disconnect(count)
        result = _figures(factory, merchant, orders, timed)
        result["tasks_enqueued"] = dict(sorted(published.items()))
    finally:
        if not options["keep"]:
            organizations_drop([factory.organization, merchant])
    return result


def _figures(factory, merchant, orders, timed: dict) -> dict:
    counts = {
        model.__name__: model.objects.filter(factory=factory).count()
        for model in (
            WorkOrder,
            WorkOrderLine,
            WorkOrderOperation,
            MaterialRequirement,
            CutPlan,
            Marker,
            Lay,
            Bundle,
        )
    }
    # Each order also gets its status update and an order event.
    rows = sum(counts.values()) + 2 * len(orders)
    return {
        "orders": len(orders),
        "seconds": round(timed["seconds"], 2),
        "cpu_seconds": timed["cpu_seconds"],
        "database_cpu_seconds": timed["database_cpu_seconds"],
        "orders_per_s": round(len(orders) / timed["seconds"], 1),
        "converted": Order.objects.filter(
            factory=factory, status=Order.Status.IN_PRODUCTION
        ).count(),
        "work_orders": counts["WorkOrder"],
        "bundles": counts["Bundle"],
        "rows_written": rows,
        "webhook_deliveries": WebhookDelivery.objects.filter(merchant=merchant).count(),
        "celery": "eager" if current_app.conf.task_always_eager else "broker",
        "target_seconds": 3.0,
        "database": connection.vendor,
    }
