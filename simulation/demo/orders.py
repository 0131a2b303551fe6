"""Demo data of orders/: released tech packs (one plus-size run 1X–6X for the plus-size
merchant), merchant orders in several states, converted work orders with bundles for the demo
factory, a rejected one. (The delivered and partly shipped orders go through the whole chain:
simulation.demo.journey.) Idempotent: keyed by style numbers and merchants' order references."""

import datetime as dt
from decimal import Decimal

from core.models import User
from factories.clock import factory_today
from orders.models import DailySale, Order, Style
from orders.services import (
    order_accept,
    order_cancel,
    order_create,
    order_reject,
    style_create,
    style_version_create,
    style_version_release,
)
from production.services import order_convert

SHIRT_OPS = [
    ("做领", "平车", "0.90", 3),
    ("做袖克夫", "平车", "0.75", 2),
    ("拼肩", "拷边机", "0.40", 2),
    ("上领", "平车", "1.10", 4),
    ("装袖", "平车", "1.00", 3),
    ("锁边", "拷边机", "0.60", 1),
    ("合侧缝", "拷边机", "0.70", 2),
    ("上袖克夫", "平车", "0.85", 3),
    ("卷底边", "平车", "0.55", 2),
    ("锁眼钉扣", "手工", "0.65", 1),
    ("剪线头", "手工", "0.45", 1),
    ("整烫", "整烫", "0.80", 2),
]
DRESS_OPS = [
    ("拼前后片", "拷边机", "0.80", 2),
    ("做腰省", "平车", "0.60", 2),
    ("装拉链", "平车", "1.20", 4),
    ("上领贴", "平车", "0.90", 3),
    ("装袖", "平车", "1.10", 3),
    ("合侧缝", "拷边机", "0.90", 2),
    ("绱腰", "平车", "1.00", 3),
    ("卷底边", "绷缝机", "0.70", 2),
    ("钉标", "平车", "0.30", 1),
    ("剪线头", "手工", "0.50", 1),
    ("整烫", "整烫", "0.90", 2),
]
TEE_OPS = [
    ("拼肩", "拷边机", "0.35", 1),
    ("上领", "拷边机", "0.55", 2),
    ("压领", "绷缝机", "0.50", 2),
    ("上袖", "拷边机", "0.60", 2),
    ("合侧缝", "拷边机", "0.70", 1),
    ("袖口", "绷缝机", "0.45", 1),
    ("下摆", "绷缝机", "0.50", 1),
    ("剪线头", "手工", "0.30", 1),
    ("整烫", "整烫", "0.40", 1),
]


def _ops(rows):
    return [
        {
            "sequence": i,
            "code": f"OP{i:02d}",
            "name": n,
            "machine_type": m,
            "sam": s,
            "skill_grade": g,
        }
        for i, (n, m, s, g) in enumerate(rows, start=1)
    ]


def _graded(sizes, base, step):
    return {size: str(Decimal(base) + Decimal(step) * i) for i, size in enumerate(sizes)}


STYLES = [
    # number, name, category, merchant code (None = open catalogue), sizes, colours, ops, BOM
    (
        "LS-2601",
        "女士府绸衬衫",
        "woven",
        None,
        ["XS", "S", "M", "L", "XL", "2XL", "3XL"],
        ["白色", "雾蓝", "燕麦"],
        SHIRT_OPS,
        [
            ("FAB-POP-140", "全棉府绸 140cm", "m", "1.35", "0.05", True),
            ("LIN-NW-30", "无纺衬", "m", "0.20", "0.01", False),
            ("BTN-11", "11mm 贝壳扣", "pcs", "9", "0", False),
            ("THR-402", "402 涤纶线", "cone", "0.04", "0", False),
            ("LBL-MAIN", "主唛", "pcs", "1", "0", False),
            ("PLY-BAG", "胶袋", "pcs", "1", "0", False),
        ],
    ),
    (
        "LS-2602",
        "大码收腰连衣裙",
        "plus_size",
        "m-curve",
        ["1X", "2X", "3X", "4X", "5X", "6X"],
        ["黑色", "酒红"],
        DRESS_OPS,
        [
            ("FAB-CRP-150", "弹力绉布 150cm", "m", "2.10", "0.12", True),
            ("ZIP-55", "55cm 隐形拉链", "pcs", "1", "0", False),
            ("THR-402", "402 涤纶线", "cone", "0.05", "0", False),
            ("LBL-MAIN", "主唛", "pcs", "1", "0", False),
            ("PLY-BAG", "胶袋", "pcs", "1", "0", False),
        ],
    ),
    (
        "LS-2603",
        "精梳棉圆领T恤",
        "knit",
        None,
        ["S", "M", "L", "XL", "2XL"],
        ["黑色", "白色", "藏青", "卡其"],
        TEE_OPS,
        [
            ("FAB-JER-180", "精梳棉汗布 180g", "kg", "0.22", "0.01", True),
            ("RIB-1X1", "1x1 罗纹领", "m", "0.45", "0.01", False),
            ("THR-402", "402 涤纶线", "cone", "0.03", "0", False),
            ("LBL-MAIN", "主唛", "pcs", "1", "0", False),
        ],
    ),
]


def _style(world, factory, spec):
    number, name, category, merchant_code, sizes, colours, ops, bom = spec
    style = Style.objects.filter(factory=factory, number=number).first()
    if style is not None:
        return style.versions.order_by("-version").first()
    merchant = next((m for m in world.merchants if m.code == merchant_code), None)
    planner = User.objects.get(username=f"{factory.code}-owner")
    style = style_create(
        factory=factory,
        number=number,
        name=name,
        category=category,
        merchant=merchant,
        season="2027SS",
        by=planner,
    )
    version = style_version_create(
        style=style,
        sizes=sizes,
        colours=colours,
        operations=_ops(ops),
        bom=[
            {
                "material_code": code,
                "description": desc,
                "unit": unit,
                "consumption": _graded(sizes, base, step),
                "wastage_pct": "3",
                "placement": "",
                "is_main_fabric": main,
            }
            for code, desc, unit, base, step, main in bom
        ],
        size_chart=[
            {
                "code": "A",
                "name": "胸围",
                "tolerance_cm": "1.0",
                "values": _graded(sizes, "88", "4"),
            },
            {
                "code": "B",
                "name": "衣长",
                "tolerance_cm": "1.0",
                "values": _graded(sizes, "62", "1.5"),
            },
        ],
        by=planner,
    )
    return style_version_release(version=version, by=planner)


def _grid(version, per_cell):
    return [
        {"colour": c, "size": s, "quantity": per_cell + 10 * ((i + j) % 3)}
        for i, c in enumerate(version.colours)
        for j, s in enumerate(version.sizes)
    ]


def seed(world) -> None:
    factory = world.factory
    shirt, dress, tee = (_style(world, factory, spec) for spec in STYLES)
    curve, city = world.merchants[0], world.merchants[1]
    planner = User.objects.get(username=f"{factory.code}-planner")
    today = factory_today(factory)
    plan = [
        # merchant, version, reference, per cell, days to delivery, final state
        (curve, dress, "CURVE-1001", 50, 35, "in_production"),
        (city, shirt, "CITY-5001", 40, 30, "in_production"),
        (city, tee, "CITY-5002", 30, 40, "in_production"),
        (curve, dress, "CURVE-1002", 40, 50, "accepted"),
        (city, shirt, "CITY-5003", 20, 45, "placed"),
        (city, tee, "CITY-5004", 25, 60, "draft"),
        (curve, dress, "CURVE-1003", 30, 40, "cancelled"),
        (curve, dress, "CURVE-0901", 20, 10, "rejected"),
    ]
    for merchant, version, ref, per_cell, days, state in plan:
        if Order.objects.filter(factory=factory, merchant=merchant, external_ref=ref).exists():
            continue
        buyer = User.objects.get(username=f"{merchant.code}-buyer")
        order = order_create(
            merchant=merchant,
            factory=factory,
            version=version,
            quantities=_grid(version, per_cell),
            requested_date=today + dt.timedelta(days=days),
            ship_to="浙江省杭州市余杭区仓前街道 电商仓 3 号库"
            if merchant == city
            else "广州市白云区大码女装仓",
            unit_price="68.00" if version == dress else "42.50",
            external_ref=ref,
            place=state != "draft",
            by=buyer,
        )
        if state == "cancelled":
            order_cancel(order=order, reason="面料颜色调整", by=buyer, acting=merchant)
            continue
        if state in ("draft", "placed"):
            continue
        if state == "rejected":
            order_reject(
                order=order,
                reason="交期 10 天赶不出，大码连衣裙产能已排满",
                by=planner,
                acting=factory.organization,
            )
            continue
        order_accept(order=order, by=planner, acting=factory.organization)
        if state == "accepted":
            continue
        order_convert(order=order, by=planner, acting=factory.organization)


def sales_seed(order, today) -> None:
    """Two weeks of the e-commerce merchant's sales of a delivered order's garments."""
    rows = []
    for day in range(14):
        for i, line in enumerate(order.lines.all()):
            sold = (line.quantity // 30) + (i + day) % 3
            rows.append(
                DailySale(
                    factory_id=order.factory_id,
                    merchant_id=order.merchant_id,
                    style_id=order.version.style_id,
                    date=today - dt.timedelta(days=day + 1),
                    colour=line.colour,
                    size=line.size,
                    quantity_sold=sold,
                    stock_on_hand=max(0, line.quantity - sold * (day + 5)) if day == 0 else None,
                )
            )
    DailySale.objects.bulk_create(rows, ignore_conflicts=True)
