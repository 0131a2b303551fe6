"""Order conversion: an accepted order becomes a production-ready work order in one transaction.

`orders_convert` plans every order in memory (cut plan, bundles, frozen operations, material
requirements) and writes all of them with one bulk insert per table, so converting a thousand
orders costs a few dozen statements, never one INSERT per bundle. It is deterministic and
idempotent: an order that already has a work order gets that work order back, unchanged.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import partial

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import insert_rows
from core.errors import NotAllowed
from core.models import Organization, User
from core.realtime import notify_many
from factories.clock import factory_today
from factories.models import Factory
from orders.models import Order, OrderLine, RoutingOperation
from orders.services import orders_production_start
from production import conf
from production.cutplan import CutLimits, CutPlanResult, cut_target, efficiency_pct, plan_cuts
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
from production.services.planning import work_orders_place

BATCH = 2000
METRES = Decimal("0.001")


def default_limits() -> CutLimits:
    return CutLimits(
        over_cut_pct=Decimal(str(conf.get("OVER_CUT_PCT"))),
        max_plies=int(conf.get("MAX_PLIES")),
        max_garments_per_marker=int(conf.get("MAX_GARMENTS_PER_MARKER")),
        bundle_size=int(conf.get("BUNDLE_SIZE")),
    )


@dataclass
class ConversionResult:
    order_id: int
    work_order_id: int
    created: bool
    report: dict = field(default_factory=dict)


@dataclass
class _Plan:
    order: Order
    cells: list[tuple[str, str, int]]  # the order's lines: (colour, size, quantity)
    work_order: WorkOrder
    plan: CutPlanResult
    cut_plan: CutPlan
    markers: list[dict]  # Marker columns, written as plain rows
    lays: list[dict]  # Lay columns
    report: dict


def order_convert(
    *, order: Order, by: User | None, acting: Organization | None = None, limits=None
) -> ConversionResult:
    """Convert one accepted order (see `orders_convert`)."""
    return orders_convert(orders=[order], by=by, acting=acting, limits=limits)[0]


@transaction.atomic
def orders_convert(
    *,
    orders: Sequence[Order],
    by: User | None,
    acting: Organization | None = None,
    limits: CutLimits | None = None,
) -> list[ConversionResult]:
    """Convert accepted orders into work orders, all or none; converted ones come back as they are.

    Creates per order: the work order and its size × colour lines, the operations with SAM and
    piece rate frozen, the cut plan (markers, lays per colour, fabric length), numbered bundles
    and the material requirements; the order moves to "in production".
    """
    limits = limits or default_limits()
    ids = [order.pk for order in orders]
    locked = {
        order.pk: order
        for order in Order.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=ids)
        .select_related("version", "version__style", "reorder_of")
        .prefetch_related(
            "version__bom",
            Prefetch("version__operations", queryset=RoutingOperation.objects.order_by("sequence")),
        )
    }
    existing = {
        wo.order_id: wo for wo in WorkOrder.objects.filter(order_id__in=ids).only("pk", "order_id")
    }
    for order in locked.values():
        if acting is not None and acting.pk != order.factory_id:
            raise NotAllowed(_("Your organization cannot convert this order."), code="forbidden")
        if order.pk not in existing and order.status != Order.Status.ACCEPTED:
            raise NotAllowed(
                _("Order %(number)s is %(state)s; only an accepted order can be converted.")
                % {"number": order.number, "state": Order.Status(order.status).label},
                code="not_accepted",
            )
    todo = [locked[pk] for pk in dict.fromkeys(ids) if pk in locked and pk not in existing]
    reusable = _reusable_markers(todo)
    cells = _cells(todo)
    plans = [
        _plan(order, cells[order.pk], limits, reusable.get(order.reorder_of_id, []))
        for order in todo
    ]
    _write(plans, limits, by)
    if todo:
        orders_production_start(orders=todo, by=by, acting=acting)
        notify_many(
            (item.order.factory_id, "work_order.created", {"work_order": item.work_order.pk})
            for item in plans
        )
        _place_after_commit(plans)
    results = []
    created = {item.order.pk: item for item in plans}
    for pk in ids:
        if pk in created:
            item = created[pk]
            results.append(ConversionResult(pk, item.work_order.pk, True, item.report))
        else:
            wo = WorkOrder.objects.get(pk=existing[pk].pk)
            results.append(ConversionResult(pk, wo.pk, False, wo.conversion_report))
    return results


def _place_after_commit(plans: list[_Plan]) -> None:
    """Once the conversion commits, put the new work orders on the plan (a task: eager in the
    embedded default, a worker's with Celery). Robust: a placement that fails leaves the
    conversion done, and the next re-plan places them."""
    by_factory: dict[int, list[int]] = {}
    for item in plans:
        by_factory.setdefault(item.work_order.factory_id, []).append(item.work_order.pk)
    for factory_id, ids in by_factory.items():
        transaction.on_commit(partial(work_orders_place.delay, factory_id, ids), robust=True)


def _cells(orders: Sequence[Order]) -> dict[int, list[tuple[str, str, int]]]:
    """Each order's lines as (colour, size, quantity), in the lines' own order: plain rows, no
    model instance per line (a thousand orders have tens of thousands of lines)."""
    cells: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for order_id, colour, size, quantity in OrderLine.objects.filter(
        order_id__in=[order.pk for order in orders]
    ).values_list("order_id", "colour", "size", "quantity"):
        cells[order_id].append((colour, size, quantity))
    return cells


def _reusable_markers(orders: Sequence[Order]) -> dict[int, list[tuple[dict, int]]]:
    """The first orders' markers, offered to their re-orders' cut plans."""
    first_ids = {order.reorder_of_id for order in orders if order.reorder_of_id}
    reusable: dict[int, list[tuple[dict, int]]] = defaultdict(list)
    if first_ids:
        for marker in (
            Marker.objects.filter(cut_plan__work_order__order_id__in=first_ids)
            .values("pk", "size_ratios", "cut_plan__work_order__order_id", "number")
            .order_by("cut_plan__work_order__order_id", "number")
        ):
            reusable[marker["cut_plan__work_order__order_id"]].append(
                (marker["size_ratios"], marker["pk"])
            )
    return reusable


def _plan(order: Order, cells: list[tuple[str, str, int]], limits: CutLimits, reusable) -> _Plan:
    version = order.version
    sizes = list(version.sizes)
    ordered = {(colour, size): quantity for colour, size, quantity in cells}
    plan = plan_cuts(ordered, sizes, limits, reusable)
    bom = list(version.bom.all())
    main = next((line for line in bom if line.is_main_fabric), None)
    warnings = []
    if main is None:
        warnings.append(_("The BOM has no main fabric: markers have no length."))
    ordered_sizes = {size for (_colour, size) in ordered}
    for line in bom:
        for size in sizes:
            if size in ordered_sizes and line.consumption_for(size) == 0:
                warnings.append(
                    _("%(material)s has no consumption for size %(size)s.")
                    % {"material": line.material_code, "size": size}
                )
    max_length = Decimal(str(conf.get("MAX_MARKER_LENGTH_M")))
    allowance = Decimal(str(conf.get("LAY_END_ALLOWANCE_M")))
    factory_id = order.factory_id
    number = f"WO-{order.number}"
    quantity = sum(ordered.values())
    cut_total = sum(plan.cut.values())
    sam = sum((op.sam for op in version.operations.all()), Decimal("0"))
    work_order = WorkOrder(
        factory_id=factory_id,
        number=number,
        order=order,
        version=version,
        quantity=quantity,
        cut_quantity=cut_total,
        due_date=order.promised_date or order.requested_date,
        sam_per_garment=sam,
    )
    markers = []
    for index, planned in enumerate(plan.markers, start=1):
        length = (
            sum(
                (main.consumption_for(size) * count for size, count in planned.ratios), Decimal("0")
            )
            if main
            else Decimal("0")
        )
        length = length.quantize(METRES)
        if length > max_length:
            warnings.append(
                _("Marker %(number)s is %(length)s m, longer than the %(limit)s m table.")
                % {"number": index, "length": length, "limit": max_length}
            )
        markers.append(
            {
                "number": index,
                "size_ratios": dict(planned.ratios),
                "garments": planned.garments,
                "length_m": length,
                "reused_from_id": planned.reused_from,
            }
        )
    lays = [
        {
            "number": index,
            "marker": lay.marker,
            "colour": lay.colour,
            "plies": lay.plies,
            "fabric_length_m": ((markers[lay.marker]["length_m"] + allowance) * lay.plies).quantize(
                Decimal("0.01")
            ),
        }
        for index, lay in enumerate(plan.lays, start=1)
    ]
    fabric = sum((lay["fabric_length_m"] for lay in lays), Decimal("0"))
    efficiency = efficiency_pct(quantity, cut_total)
    cut_plan = CutPlan(
        factory_id=factory_id,
        over_cut_pct=limits.over_cut_pct,
        max_plies=limits.max_plies,
        max_garments_per_marker=limits.max_garments_per_marker,
        bundle_size=limits.bundle_size,
        ordered_quantity=quantity,
        cut_quantity=cut_total,
        fabric_length_m=fabric,
        efficiency_pct=efficiency,
        warnings=warnings,
    )
    bundles = sum(
        math.ceil(r * lay.plies / limits.bundle_size)
        for lay in plan.lays
        for _s, r in plan.markers[lay.marker].ratios
    )
    report = {
        "work_order": number,
        "ordered": quantity,
        "cut": cut_total,
        "cut_efficiency_pct": str(efficiency),
        "markers": len(markers),
        "reused_markers": sum(1 for m in plan.markers if m.reused_from),
        "lays": len(lays),
        "bundles": bundles,
        "operations": len(version.operations.all()),
        "materials": len(bom),
        "fabric_m": str(fabric),
        "warnings": [str(w) for w in warnings],
    }
    work_order.conversion_report = report
    return _Plan(order, cells, work_order, plan, cut_plan, markers, lays, report)


def _write(plans: list[_Plan], limits: CutLimits, by: User | None) -> None:
    if not plans:
        return
    for item in plans:
        item.work_order.created_by = by
    WorkOrder.objects.bulk_create([item.work_order for item in plans], batch_size=BATCH)
    for item in plans:
        item.cut_plan.work_order = item.work_order
    CutPlan.objects.bulk_create([item.cut_plan for item in plans], batch_size=BATCH)
    cut_plan_ids = [item.cut_plan.pk for item in plans]
    insert_rows(
        Marker,
        ["factory_id", "cut_plan_id", "number", "size_ratios", "garments", "length_m"]
        + ["reused_from_id"],
        (
            (item.cut_plan.factory_id, item.cut_plan.pk, m["number"], m["size_ratios"])
            + (m["garments"], m["length_m"], m["reused_from_id"])
            for item in plans
            for m in item.markers
        ),
    )
    marker_ids = _ids_by_number(Marker, cut_plan_ids)
    insert_rows(
        Lay,
        ["factory_id", "cut_plan_id", "marker_id", "number", "colour", "plies", "fabric_length_m"],
        (
            (
                item.cut_plan.factory_id,
                item.cut_plan.pk,
                marker_ids[(item.cut_plan.pk, item.markers[lay["marker"]]["number"])],
                lay["number"],
                lay["colour"],
                lay["plies"],
                lay["fabric_length_m"],
            )
            for item in plans
            for lay in item.lays
        ),
    )
    lay_ids_by_number = _ids_by_number(Lay, cut_plan_ids)

    factories = Factory.objects.in_bulk({item.work_order.factory_id for item in plans})
    today_of = {pk: factory_today(factory) for pk, factory in factories.items()}
    need_before = dt.timedelta(days=int(conf.get("MATERIAL_NEED_DAYS_BEFORE_DUE")))
    bundles, lines, operations, materials = [], [], [], []
    for item in plans:
        wo_id, factory_id = item.work_order.pk, item.work_order.factory_id
        lay_ids = [lay_ids_by_number[(item.cut_plan.pk, lay["number"])] for lay in item.lays]
        colours = [lay["colour"] for lay in item.lays]
        for number, (lay_index, size, pieces) in enumerate(
            item.plan.bundles(limits.bundle_size), start=1
        ):
            bundles.append(
                (factory_id, wo_id, lay_ids[lay_index], number, size, colours[lay_index], pieces)
            )
        cut_by_size: dict[str, int] = defaultdict(int)
        for colour, size, quantity in item.cells:
            cut = item.plan.cut.get((colour, size), 0)
            cut_by_size[size] += cut
            lines.append((factory_id, wo_id, size, colour, quantity, cut))
        for op in item.order.version.operations.all():
            operations.append(
                (
                    factory_id,
                    wo_id,
                    op.sequence,
                    op.code,
                    op.name,
                    op.machine_type,
                    op.sam,
                    op.skill_grade,
                    op.piece_rate,
                    op.is_scanned,
                )
            )
        need_date = max(today_of[factory_id], item.work_order.due_date - need_before)
        for bom_line in item.order.version.bom.all():
            net = sum(
                (bom_line.consumption_for(size) * cut for size, cut in cut_by_size.items()),
                Decimal("0"),
            )
            # Rounded up: a requirement a thousandth short is a shortage on the cutting table.
            gross = (net * (Decimal(100) + bom_line.wastage_pct) / Decimal(100)).quantize(
                METRES, rounding=ROUND_CEILING
            )
            materials.append(
                (
                    factory_id,
                    wo_id,
                    bom_line.material_code,
                    bom_line.description,
                    bom_line.unit,
                    gross,
                    bom_line.wastage_pct,
                    need_date,
                )
            )
    # The big tables go in as plain rows (COPY on PostgreSQL): no model instance per bundle.
    insert_rows(
        Bundle,
        ["factory_id", "work_order_id", "lay_id", "number", "size", "colour", "quantity"],
        bundles,
    )
    insert_rows(
        WorkOrderLine,
        ["factory_id", "work_order_id", "size", "colour", "ordered_quantity", "cut_quantity"],
        lines,
    )
    insert_rows(
        WorkOrderOperation,
        [
            "factory_id",
            "work_order_id",
            "sequence",
            "code",
            "name",
            "machine_type",
            "sam",
            "skill_grade",
            "piece_rate",
            "is_scanned",
        ],
        operations,
    )
    insert_rows(
        MaterialRequirement,
        [
            "factory_id",
            "work_order_id",
            "material_code",
            "description",
            "unit",
            "quantity",
            "wastage_pct",
            "need_date",
        ],
        materials,
    )
    # The cut plan, bundles (the tickets print from them) and requirements are written: the
    # orders are ready for the floor now, the end of their conversion lead time.
    ready = timezone.now()
    WorkOrder.objects.filter(pk__in=[item.work_order.pk for item in plans]).update(
        converted_at=ready
    )
    for item in plans:
        item.work_order.converted_at = ready


def _ids_by_number(model, cut_plan_ids) -> dict[tuple[int, int], int]:
    """Ids of rows just inserted without ids coming back, by (cut plan, number)."""
    return {
        (cut_plan_id, number): pk
        for cut_plan_id, number, pk in model.objects.filter(cut_plan_id__in=cut_plan_ids)
        .values_list("cut_plan_id", "number", "pk")
        .iterator(chunk_size=5000)
    }


def cut_targets(order: Order, limits: CutLimits | None = None) -> dict[tuple[str, str], int]:
    """What each cell of an order will be cut to (ordered + over-cut, rounded up)."""
    limits = limits or default_limits()
    return {
        (line.colour, line.size): cut_target(line.quantity, limits.over_cut_pct)
        for line in order.lines.all()
    }
