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
    Lot,
    Material,
    MrpRun,
    PurchaseOrder,
    SupplierItem,
    Warehouse,
)

FABRICS = [
    # code, name, colour, composition, width cm, g/m², shrinkage %, price, MOQ, lead days
    ("FAB-POPLIN-WHT", "全棉府绸", "白色", "100% 棉", "145", 120, "3.0", "16.80", "300", 10),
    ("FAB-POPLIN-NVY", "全棉府绸", "藏青", "100% 棉", "145", 120, "3.0", "17.50", "300", 10),
    ("FAB-TWILL-BLK", "弹力斜纹", "黑色", "97% 棉 3% 氨纶", "150", 260, "2.5", "24.00", "200", 12),
    (
        "FAB-DENIM-IND",
        "靛蓝牛仔布 11oz",
        "靛蓝",
        "98% 棉 2% 氨纶",
        "150",
        373,
        "4.0",
        "28.50",
        "500",
        15,
    ),
    (
        "FAB-JERSEY-GRY",
        "精梳棉汗布",
        "麻灰",
        "95% 棉 5% 氨纶",
        "170",
        200,
        "5.0",
        "21.00",
        "200",
        8,
    ),
    ("FAB-LINING-BLK", "涤纶里布", "黑色", "100% 涤纶", "150", 70, "1.0", "6.50", "500", 7),
]
TRIMS = [
    # code, name, trim type, unit, price, MOQ, lead days
    ("BTN-18L-WHT", "18L 四眼树脂扣", "button", "pcs", "0.0800", "5000", 5),
    ("ZIP-YKK-20", "YKK 尼龙拉链 20cm", "zip", "pcs", "1.2000", "1000", 10),
    ("THR-402-WHT", "402 涤纶缝纫线", "thread", "cone", "6.5000", "50", 4),
    ("THR-402-BLK", "402 涤纶缝纫线", "thread", "cone", "6.5000", "50", 4),
    ("LBL-MAIN", "主唛（织唛）", "label", "pcs", "0.1500", "5000", 7),
    ("INT-NW-30", "无纺衬 30g", "interlining", "m", "2.2000", "300", 6),
]
PACKAGING = [("PKG-POLYBAG", "自封袋 35×45", "pcs", "0.1200", "5000", 5)]


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
    for code, name, colour, composition, width, gsm, shrink, price, moq, lead in FABRICS:
        materials[code] = _material(
            factory,
            code,
            name,
            Material.Kind.FABRIC,
            Material.Unit.METRE,
            colour=colour,
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
        services.mrp_run(factory=factory, by=clerk)


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
    from orders.models import BomLine

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
    rolls = {
        "FAB-POPLIN-WHT": [("D2611A", 6, "98")],
        "FAB-POPLIN-NVY": [("D2611B", 4, "95"), ("D2612B", 3, "102")],
        "FAB-TWILL-BLK": [("D2610C", 5, "80")],
        "FAB-DENIM-IND": [("D2609D", 8, "105")],
        "FAB-JERSEY-GRY": [("D2611E", 4, "60")],
        "FAB-LINING-BLK": [("D2608F", 3, "150")],
    }
    roll_no = 1
    for index, (code, dye_lots) in enumerate(rolls.items()):
        material = materials[code]
        lots = []
        for dye_lot, count, metres in dye_lots:
            for _n in range(count):
                lots.append(
                    {"code": f"R{today:%y%m}{roll_no:04d}", "quantity": metres, "dye_lot": dye_lot}
                )
                roll_no += 1
        received = _received_order(
            factory, fabric_supplier, material, lots, fabric_bins[index], clerk
        )
        for position, lot in enumerate(received):
            # One roll of the twill came in with too many defects.
            heavy = code == "FAB-TWILL-BLK" and position == 0
            services.fabric_inspection_record(
                lot=lot,
                inspected_metres=lot.received_quantity,
                width_cm=material.width_cm or 145,
                defects={"1": 6, "2": 2, "4": 40 if heavy else 1},
                by=clerk,
            )
    batches = {
        "BTN-18L-WHT": "12000",
        "ZIP-YKK-20": "800",
        "THR-402-WHT": "60",
        "THR-402-BLK": "35",
        "LBL-MAIN": "9000",
        "INT-NW-30": "240",
        "PKG-POLYBAG": "6000",
    }
    for index, (code, quantity) in enumerate(batches.items()):
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
        note="秋冬款面料",
        lines=[
            {
                "material": materials["FAB-DENIM-IND"],
                "quantity": "1200",
                "need_date": today + dt.timedelta(days=12),
            },
            {
                "material": materials["FAB-TWILL-BLK"],
                "quantity": "600",
                "need_date": today + dt.timedelta(days=9),
            },
        ],
    )
    services.purchase_order_send(
        order=fabric_order, by=clerk
    )  # awaiting the supplier's confirmation
    trims_order = services.purchase_order_create(
        factory=factory,
        supplier=trims_supplier,
        by=clerk,
        lines=[
            {
                "material": materials["ZIP-YKK-20"],
                "quantity": "3000",
                "need_date": today + dt.timedelta(days=6),
            },
            {
                "material": materials["THR-402-BLK"],
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
                "material": materials["FAB-POPLIN-WHT"],
                "quantity": "500",
                "need_date": today + dt.timedelta(days=20),
            }
        ],
    )
