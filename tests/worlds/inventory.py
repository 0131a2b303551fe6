"""Inventory rows of a tenant world, made through the services as a factory would make them."""

import datetime as dt
from decimal import Decimal

from inventory import services
from inventory.models import PurchaseOrder
from production.services import mrp_run
from production.services.release import material_requirements
from tests.factories import BinFactory, MaterialFactory, SupplierItemFactory, WarehouseFactory


def populate(world) -> None:
    requirement = world.work_order.material_requirements.first()
    fabric = MaterialFactory(factory=world.factory, code=requirement.material_code)
    SupplierItemFactory(factory=world.factory, material=fabric, supplier=world.supplier)
    warehouse = WarehouseFactory(factory=world.factory, code="RAW")
    world.bin = BinFactory(warehouse=warehouse, code=f"{world.tag.upper()}-A01")
    counted_bin = BinFactory(warehouse=warehouse, code=f"{world.tag.upper()}-A02")

    order = services.purchase_order_create(
        factory=world.factory,
        supplier=world.supplier,
        lines=[{"material": fabric, "quantity": Decimal("100"), "need_date": dt.date.today()}],
        by=world.owner,
    )
    services.purchase_order_send(order=order, by=world.owner)
    line = order.lines.get()
    services.purchase_order_confirm(
        order=order,
        organization=world.supplier,
        lines=[{"line": line.pk, "quantity": "100", "ship_date": dt.date.today()}],
        by=world.users["supplier_sales"],
    )
    roll, spare = services.purchase_line_receive(
        line=line,
        bin=world.bin,
        lots=[
            {"code": f"{world.tag}-R1", "quantity": "60", "dye_lot": "D1"},
            {"code": f"{world.tag}-R2", "quantity": "40", "dye_lot": "D1"},
        ],
        by=world.owner,
    )
    for lot in (roll, spare):
        services.fabric_inspection_record(
            lot=lot, inspected_metres="40", width_cm="145", defects={"1": 2}, by=world.owner
        )
    services.stock_transfer(
        lot=spare, from_bin=world.bin, to_bin=counted_bin, quantity="40", by=world.owner
    )
    services.reservation_create(
        lot=roll, work_order=world.work_order, quantity="30", by=world.owner
    )
    services.stock_issue(
        lot=roll, bin=world.bin, quantity="20", work_order=world.work_order, by=world.owner
    )
    count = services.cycle_count_start(
        factory=world.factory, barcode=f"BIN:{counted_bin.code}", by=world.owner
    )
    services.cycle_count_record(
        count=count, entries=[{"lot": spare.code, "quantity": "39"}], by=world.owner
    )
    mrp_run(factory=world.factory, by=world.owner)
    services.material_release_guard(
        work_order=world.work_order,
        requirements=material_requirements(world.work_order),
        by=world.owner,
        override_reason="Cutting the first colour",
    )
    # A second order, still a draft, is the factory's own business.
    services.purchase_order_create(
        factory=world.factory,
        supplier=world.supplier,
        lines=[{"material": fabric, "quantity": "200", "need_date": dt.date.today()}],
        by=world.owner,
    )
    assert PurchaseOrder.objects.filter(factory=world.factory).count() == 2
