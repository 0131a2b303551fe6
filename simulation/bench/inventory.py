"""`manage.py bench mrp --work-orders 500`: MRP over converted work orders with realistic
stock and open purchase orders. Everything is built in one transaction and rolled back, so the
database is left as it was."""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Organization
from core.roles import OrgKind
from factories.models import Factory
from inventory.models import (
    Bin,
    Lot,
    Material,
    PurchaseOrder,
    PurchaseOrderLine,
    StockBalance,
    SupplierItem,
    Warehouse,
)
from orders.models import Style, StyleVersion
from production.models import MaterialRequirement, WorkOrder
from production.services import mrp_run

MATERIALS = 80
LOTS_PER_MATERIAL = 6
OPEN_PO_LINES = 120


class _Rollback(Exception):
    pass


def add_mrp_arguments(parser) -> None:
    parser.add_argument("--work-orders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)


def run_mrp(options, stdout) -> dict:
    result = {}
    try:
        with transaction.atomic():
            factory = _world(options["work_orders"], random.Random(options["seed"]))
            started = time.perf_counter()
            run = mrp_run(factory=factory)
            seconds = time.perf_counter() - started
            result = {
                "work_orders": run.work_orders,
                "seconds": round(seconds, 3),
                "suggestions": run.suggestions,
                "shortages": run.shortages,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result


def _world(work_order_count: int, rng: random.Random):
    stamp = timezone.now().strftime("%H%M%S%f")
    factory = Factory.objects.create(
        organization=Organization.objects.create(
            kind=OrgKind.FACTORY, code=f"bench-{stamp}", name="MRP bench"
        )
    )
    suppliers = [
        Organization.objects.create(kind=OrgKind.SUPPLIER, code=f"bench-s{n}-{stamp}", name=f"S{n}")
        for n in range(4)
    ]
    materials = Material.objects.bulk_create(
        Material(
            factory=factory,
            code=f"M{n:03d}",
            name=f"Material {n}",
            kind=Material.Kind.FABRIC if n < 40 else Material.Kind.TRIM,
            unit=Material.Unit.METRE if n < 40 else Material.Unit.PIECE,
            average_cost=Decimal("12.5"),
        )
        for n in range(MATERIALS)
    )
    SupplierItem.objects.bulk_create(
        SupplierItem(
            factory=factory,
            material=m,
            supplier=suppliers[i % len(suppliers)],
            unit_price=Decimal("12.5"),
            minimum_quantity=Decimal(rng.choice([100, 300, 1000])),
            lead_time_days=rng.randint(5, 20),
        )
        for i, m in enumerate(materials)
    )
    warehouse = Warehouse.objects.create(factory=factory, code="RAW", name="Raw")
    bins = Bin.objects.bulk_create(
        Bin(factory=factory, warehouse=warehouse, code=f"B{n:02d}") for n in range(20)
    )
    lots = Lot.objects.bulk_create(
        Lot(
            factory=factory,
            material=m,
            code=f"L{m.code}-{k}",
            dye_lot=f"D{k % 3}",
            received_quantity=Decimal(rng.randint(50, 400)),
            inspection=Lot.Inspection.PASSED,
        )
        for m in materials
        for k in range(LOTS_PER_MATERIAL)
    )
    # Balances straight from the lots: a fixture for the benchmark, not a way to post stock.
    StockBalance.objects.bulk_create(
        StockBalance(
            factory=factory,
            material_id=lot.material_id,
            lot=lot,
            bin=rng.choice(bins),
            quantity=lot.received_quantity,
        )
        for lot in lots
    )
    today = timezone.localdate()
    orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(
            factory=factory,
            number=f"PO-{n:04d}",
            supplier=suppliers[n % len(suppliers)],
            status=PurchaseOrder.Status.CONFIRMED,
        )
        for n in range(OPEN_PO_LINES // 4)
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            factory=factory,
            purchase_order=orders[n % len(orders)],
            material=rng.choice(materials),
            quantity=Decimal(rng.randint(100, 2000)),
            unit_price=Decimal("12.5"),
            need_date=today + timedelta(days=rng.randint(1, 40)),
        )
        for n in range(OPEN_PO_LINES)
    )
    style = Style.objects.create(factory=factory, number="BENCH", name="Bench", category="woven")
    version = StyleVersion.objects.create(
        factory=factory, style=style, version=1, status=StyleVersion.Status.RELEASED
    )
    work_orders = WorkOrder.objects.bulk_create(
        WorkOrder(
            factory=factory,
            number=f"WO{n:05d}",
            version=version,
            quantity=300,
            cut_quantity=306,
            due_date=today + timedelta(days=rng.randint(10, 60)),
        )
        for n in range(work_order_count)
    )
    requirements = []
    for wo in work_orders:
        for material in rng.sample(materials, 6):  # main fabric, lining, thread, trims…
            requirements.append(
                MaterialRequirement(
                    factory=factory,
                    work_order=wo,
                    material_code=material.code,
                    unit=material.unit,
                    quantity=Decimal(rng.randint(20, 600)),
                    need_date=wo.due_date - timedelta(days=rng.randint(5, 9)),
                )
            )
    MaterialRequirement.objects.bulk_create(requirements, batch_size=2000)
    return factory
