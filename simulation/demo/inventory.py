"""The demo factory's stores: warehouses and bins, the materials of the demo styles' BOMs,
the suppliers' catalogue, rolls and batches in stock, and open purchase orders for
's-fabric' and 's-trims'. Idempotent: natural keys, and stock only where none was posted."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.models import User
from inventory import services
from inventory.models import (
    Bin,
    CycleCount,
    Lot,
    Material,
    MrpRun,
    PurchaseOrder,
    SupplierItem,
    Warehouse,
)
from orders.models import BomLine
from production.services import mrp_run

# The codes are the demo styles' BOM codes (simulation/demo/orders.py): LS-2601 shirt,
# LS-2602 dress, LS-2603 tee. A fabric code covers its colours; each roll says its colour.
FABRICS = [
    # code, name, unit, composition, width cm, g/m², shrinkage %, price, MOQ, lead days
    ("FAB-POP-140", "全棉府绸 140cm", "m", "100% 棉", "140", 120, "3.0", "16.80", "300", 10),
    (
        "FAB-CRP-150",
        "弹力绉布 150cm",
        "m",
        "95% 涤纶 5% 氨纶",
        "150",
        180,
        "1.5",
        "22.00",
        "300",
        12,
    ),
    ("FAB-JER-180", "精梳棉汗布 180g", "kg", "100% 精梳棉", "180", 180, "5.0", "58.00", "100", 8),
]
TRIMS = [
    # code, name, trim type, unit, price, MOQ, lead days
    ("LIN-NW-30", "无纺衬 30g", "interlining", "m", "2.2000", "300", 6),
    ("RIB-1X1", "1x1 罗纹领", "other", "m", "4.5000", "200", 7),
    ("BTN-11", "11mm 贝壳扣", "button", "pcs", "0.3500", "5000", 5),
    ("ZIP-55", "55cm 隐形拉链", "zip", "pcs", "1.2000", "1000", 10),
    ("THR-402", "402 涤纶线", "thread", "cone", "6.5000", "50", 4),
    ("LBL-MAIN", "主唛", "label", "pcs", "0.1500", "5000", 7),
]
PACKAGING = [("PLY-BAG", "胶袋", "pcs", "0.1200", "5000", 5)]
# Rolls in stock: code → [(colour, dye lot, rolls, quantity per roll)]
ROLLS = {
    "FAB-POP-140": [
        ("白色", "D2611A", 6, "98"),
        ("雾蓝", "D2611B", 4, "95"),
        ("雾蓝", "D2612B", 3, "102"),
        ("燕麦", "D2610C", 3, "100"),
    ],
    "FAB-CRP-150": [("黑色", "D2609D", 5, "80"), ("酒红", "D2611E", 2, "85")],
    "FAB-JER-180": [
        ("黑色", "K2611A", 4, "25"),
        ("白色", "K2611B", 4, "25"),
        ("藏青", "K2610C", 2, "25"),
    ],
}
BATCHES = {
    "LIN-NW-30": "240",
    "RIB-1X1": "150",
    "BTN-11": "12000",
    "ZIP-55": "400",
    "THR-402": "60",
    "LBL-MAIN": "9000",
    "PLY-BAG": "6000",
}


def seed(world) -> None:
    factory = world.factory
    suppliers = {org.code: org for org in world.suppliers}
    fabric_supplier, trims_supplier = suppliers["s-fabric"], suppliers["s-trims"]
    clerk = User.objects.filter(username=f"{factory.code}-warehouse").first()

    raw, _ = Warehouse.objects.get_or_create(
        factory=factory, code="RAW", defaults={"name": "面料仓"}
    )
    trims, _ = Warehouse.objects.get_or_create(
        factory=factory, code="TRIM", defaults={"name": "辅料仓"}
    )
    Warehouse.objects.get_or_create(factory=factory, code="FG", defaults={"name": "成品仓"})
    fabric_bins = [
        Bin.objects.get_or_create(factory=factory, code=f"A-{n:02d}", defaults={"warehouse": raw})[
            0
        ]
        for n in range(1, 7)
    ]
    trim_bins = [
        Bin.objects.get_or_create(
            factory=factory, code=f"T-{n:02d}", defaults={"warehouse": trims}
        )[0]
        for n in range(1, 5)
    ]

    materials = {}
    for code, name, unit, composition, width, gsm, shrink, price, moq, lead in FABRICS:
        materials[code] = _material(
            factory,
            code,
            name,
            Material.Kind.FABRIC,
            unit,
            composition=composition,
            width_cm=Decimal(width),
            weight_gsm=gsm,
            shrinkage_pct=Decimal(shrink),
        )
        _offer(factory, materials[code], fabric_supplier, price, moq, lead)
    for code, name, trim_type, unit, price, moq, lead in TRIMS:
        materials[code] = _material(
            factory, code, name, Material.Kind.TRIM, unit, trim_type=trim_type
        )
        _offer(factory, materials[code], trims_supplier, price, moq, lead)
    for code, name, unit, price, moq, lead in PACKAGING:
        materials[code] = _material(factory, code, name, Material.Kind.PACKAGING, unit)
        _offer(factory, materials[code], trims_supplier, price, moq, lead)
    _materials_of_demo_boms(factory, materials)

    if not Lot.objects.filter(factory=factory).exists():
        _stock(factory, materials, fabric_supplier, trims_supplier, fabric_bins, trim_bins, clerk)
    if not PurchaseOrder.objects.filter(
        factory=factory, status__in=PurchaseOrder.OPEN_STATUSES
    ).exists():
        _open_orders(factory, materials, fabric_supplier, trims_supplier, clerk)
    if not MrpRun.objects.filter(factory=factory).exists():
        mrp_run(factory=factory, by=clerk)
    if not CycleCount.objects.filter(factory=factory).exists():
        _cycle_count(factory, trim_bins[0], clerk)


def _cycle_count(factory, bin, clerk) -> None:
    """The warehouse counts a trims bin: one batch is 2 short, posted as an adjustment."""
    count = services.cycle_count_start(factory=factory, barcode=f"BIN:{bin.code}", by=clerk)
    entries = []
    for n, line in enumerate(count.lines.select_related("lot").order_by("lot__code")):
        short = Decimal(2) if n == 0 and line.expected_quantity >= 2 else Decimal(0)
        entries.append({"lot": line.lot.code, "quantity": line.expected_quantity - short})
    services.cycle_count_record(count=count, entries=entries, by=clerk)
    count = services.cycle_count_submit(count=count, by=clerk)
    if count.status == CycleCount.Status.PENDING_APPROVAL:
        manager = User.objects.get(username=f"{factory.code}-manager")
        services.cycle_count_approve(count=count, by=manager)


def _material(factory, code, name, kind, unit, **attributes) -> Material:
    material, _ = Material.objects.get_or_create(
        factory=factory,
        code=code,
        defaults={"name": name, "kind": kind, "unit": unit, **attributes},
    )
    return material


def _offer(factory, material, supplier, price, moq, lead) -> None:
    SupplierItem.objects.get_or_create(
        factory=factory,
        material=material,
        supplier=supplier,
        defaults={
            "unit_price": Decimal(price),
            "minimum_quantity": Decimal(moq),
            "lead_time_days": lead,
        },
    )


def _materials_of_demo_boms(factory, materials) -> None:
    """Every material code the demo styles' BOMs name must exist here (codes join the apps)."""
    for code, description, unit in (
        BomLine.objects.filter(factory=factory)
        .values_list("material_code", "description", "unit")
        .distinct()
    ):
        if code in materials:
            continue
        is_fabric = unit == "m" and not code.upper().startswith(("THR", "INT", "ZIP", "LBL"))
        materials[code] = _material(
            factory,
            code,
            description or code,
            Material.Kind.FABRIC if is_fabric else Material.Kind.TRIM,
            unit if unit in Material.Unit.values else Material.Unit.PIECE,
        )


def _stock(factory, materials, fabric_supplier, trims_supplier, fabric_bins, trim_bins, clerk):
    """Stock as it came in: received against (now closed) purchase orders, rolls inspected."""
    today = timezone.localdate()
    roll_no = 1
    for index, (code, colours) in enumerate(ROLLS.items()):
        material = materials[code]
        lots = []
        for colour, dye_lot, count, quantity in colours:
            for _n in range(count):
                lots.append(
                    {
                        "code": f"R{today:%y%m}{roll_no:04d}",
                        "quantity": quantity,
                        "dye_lot": dye_lot,
                        "colour": colour,
                    }
                )
                roll_no += 1
        received = _received_order(
            factory, fabric_supplier, material, lots, fabric_bins[index], clerk
        )
        for position, lot in enumerate(received):
            if lot.inspection != Lot.Inspection.PENDING:
                continue  # knit sold by weight: not inspected by the four-point system
            # One crepe roll came in with too many defects.
            heavy = code == "FAB-CRP-150" and position == 0
            services.fabric_inspection_record(
                lot=lot,
                inspected_metres=lot.received_quantity,
                width_cm=material.width_cm or 145,
                defects={"1": 6, "2": 2, "4": 40 if heavy else 1},
                by=clerk,
            )
    for index, (code, quantity) in enumerate(BATCHES.items()):
        _received_order(
            factory,
            trims_supplier,
            materials[code],
            [{"code": f"B{today:%y%m}{index + 1:03d}", "quantity": quantity}],
            trim_bins[index % len(trim_bins)],
            clerk,
        )


def _received_order(factory, supplier, material, lots, bin, clerk) -> list[Lot]:
    total = sum(Decimal(lot["quantity"]) for lot in lots)
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        by=clerk,
        lines=[
            {
                "material": material,
                "quantity": total,
                "need_date": timezone.localdate() - dt.timedelta(days=7),
            }
        ],
    )
    services.purchase_order_send(order=order, by=clerk)
    line = order.lines.get()
    services.purchase_order_confirm(
        order=order,
        organization=supplier,
        by=clerk,
        lines=[{"line": line.pk, "quantity": total, "ship_date": line.need_date}],
    )
    return services.purchase_line_receive(line=line, bin=bin, lots=lots, by=clerk)


def _open_orders(factory, materials, fabric_supplier, trims_supplier, clerk) -> None:
    today = timezone.localdate()
    fabric_order = services.purchase_order_create(
        factory=factory,
        supplier=fabric_supplier,
        by=clerk,
        note="春夏款面料",
        lines=[
            {
                "material": materials["FAB-CRP-150"],
                "quantity": "1200",
                "need_date": today + dt.timedelta(days=12),
            },
            {
                "material": materials["FAB-POP-140"],
                "quantity": "600",
                "need_date": today + dt.timedelta(days=9),
            },
        ],
    )
    # Sent, awaiting the supplier's confirmation in the portal.
    services.purchase_order_send(order=fabric_order, by=clerk)
    trims_order = services.purchase_order_create(
        factory=factory,
        supplier=trims_supplier,
        by=clerk,
        lines=[
            {
                "material": materials["ZIP-55"],
                "quantity": "3000",
                "need_date": today + dt.timedelta(days=6),
            },
            {
                "material": materials["THR-402"],
                "quantity": "80",
                "need_date": today + dt.timedelta(days=4),
            },
        ],
    )
    services.purchase_order_send(order=trims_order, by=clerk)
    services.purchase_order_confirm(
        order=trims_order,
        organization=trims_supplier,
        by=clerk,
        lines=[
            {
                "line": line.pk,
                "quantity": line.quantity,
                "ship_date": line.need_date - dt.timedelta(days=1),
            }
            for line in trims_order.lines.all()
        ],
    )
    services.purchase_order_create(  # a draft the planner has not sent yet
        factory=factory,
        supplier=fabric_supplier,
        by=clerk,
        lines=[
            {
                "material": materials["FAB-JER-180"],
                "quantity": "500",
                "need_date": today + dt.timedelta(days=20),
            }
        ],
    )
