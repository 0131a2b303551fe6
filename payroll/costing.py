"""Actual cost per work order and margin per merchant order: the factory's own figures, never a
partner's. payroll sits above production, inventory and devices, so it composes their figures.

Actual cost of a work order (docs/costing.md):
  material  what inventory issued to it less returns, each move at the moving-average cost it
            was posted at (inventory.selectors.material_issued_value, as the finished goods'
            `material_cost_per_garment` reads it)
  wages     piece pay less rework deductions of its live operation records, by payroll's one
            formula (`calculation.piece_lines`: frozen piece rate × grade and difficulty
            multipliers). Efficiency bonuses, overtime premiums and minimum-wage top-ups belong
            to an operator's day, not to a work order, and are not attributed.
  machine   running hours × the factory's machine-hour rate. Rollups know a line and a minute,
            not a work order: each (line, factory day)'s running seconds are split among the
            work orders recorded on that line that day, pro rata to their earned minutes (good
            pieces × SAM). Records on no line, and lines with no records that day, attribute
            nothing.
  total     material + wages + machine; per garment: total ÷ pieces to cut.
Its pre-cost: Σ pieces to cut per size × that size's pre-cost (orders.costing, current prices).

Margin of a merchant order: revenue − the actual cost of its work orders. Revenue is the unit
price × shipped pieces once anything has shipped (what the merchant pays for; a partly shipped
order's margin therefore grows as it ships), else × ordered pieces (expected, marked so).
Margin % = margin ÷ revenue. Amounts are rounded to the fen (half up) once, at the end.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from core.tabular import Sheet, rows_to_xlsx
from devices.selectors import running_seconds_by_line_day
from inventory.selectors import material_current_prices, material_issued_value
from orders.costing import PreCost, bom_material_codes, style_pre_cost
from orders.models import Order, StyleVersion
from payroll.calculation import piece_lines, policy_for, work_order_records
from production.models import OperationRecord, WorkOrder, WorkOrderLine, WorkOrderOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HOUR = Decimal("3600")
HUNDRED = Decimal("100")


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ActualCost:
    """What one work order cost, against its pre-cost."""

    work_order: WorkOrder
    pieces: int
    material: Decimal
    wages: Decimal
    machine_hours: Decimal
    machine: Decimal
    total: Decimal
    per_garment: Decimal
    pre_cost: Decimal | None  # None: the pre-cost misses prices

    @property
    def variance(self) -> Decimal | None:
        return None if self.pre_cost is None else self.total - self.pre_cost


@dataclass
class OrderMargin:
    """A merchant order's revenue, actual cost and margin."""

    order: Order
    revenue: Decimal
    revenue_basis: str  # "shipped" (final) or "expected"
    cost: Decimal
    margin: Decimal
    margin_pct: Decimal | None
    work_orders: list[ActualCost]


def version_pre_cost(version: StyleVersion) -> PreCost:
    """A tech pack's pre-cost at the materials' current prices (inventory's: the preferred
    supplier offer, else the moving-average cost)."""
    return style_pre_cost(version, prices=version_prices(version))


def version_prices(version: StyleVersion) -> dict:
    """The current prices a quotation of `version` is built with."""
    return material_current_prices(version.factory, bom_material_codes(version))


def _machine_seconds(factory, work_order_ids: list[int]) -> dict[int, Decimal]:
    """Running seconds attributed to each work order (see the module's rule)."""
    own = list(
        OperationRecord.objects.filter(
            factory=factory,
            work_order_id__in=work_order_ids,
            voided_at__isnull=True,
            line__isnull=False,
        )
        .order_by()
        .values_list("work_order_id", "line_id", "work_date", "operation_id")
        .annotate(good=Sum("good_pieces"))
    )
    if not own:
        return {}
    days = [row[2] for row in own]
    first, last = min(days), max(days)
    line_ids = {row[1] for row in own}
    everyone = list(
        OperationRecord.objects.filter(
            factory=factory,
            line_id__in=line_ids,
            work_date__gte=first,
            work_date__lte=last,
            voided_at__isnull=True,
        )
        .order_by()
        .values_list("line_id", "work_date", "operation_id")
        .annotate(good=Sum("good_pieces"))
    )
    sam = dict(
        WorkOrderOperation.objects.filter(
            factory=factory, pk__in={row[2] for row in everyone}
        ).values_list("pk", "sam")
    )
    earned_on_line_day: dict[tuple, Decimal] = defaultdict(Decimal)
    for line_id, day, operation_id, good in everyone:
        earned_on_line_day[(line_id, day)] += (good or 0) * sam[operation_id]
    running = running_seconds_by_line_day(factory, first, last)
    seconds: dict[int, Decimal] = defaultdict(Decimal)
    for work_order_id, line_id, day, operation_id, good in own:
        total = earned_on_line_day[(line_id, day)]
        if total:
            earned = (good or 0) * sam[operation_id]
            seconds[work_order_id] += Decimal(running.get((line_id, day), 0)) * earned / total
    return seconds


def _pre_costs(factory, work_orders: list[WorkOrder]) -> dict[int, Decimal | None]:
    by_version = {}
    cut: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for work_order_id, size, pieces in WorkOrderLine.objects.filter(
        factory=factory, work_order_id__in=[wo.pk for wo in work_orders]
    ).values_list("work_order_id", "size", "cut_quantity"):
        cut[work_order_id].append((size, pieces))
    result = {}
    for work_order in work_orders:
        if work_order.version_id not in by_version:
            by_version[work_order.version_id] = version_pre_cost(work_order.version)
        pre_cost = by_version[work_order.version_id]
        if not pre_cost.is_complete:
            result[work_order.pk] = None
            continue
        total = ZERO
        for size, pieces in cut[work_order.pk]:
            entry = pre_cost.for_size(size)
            total += (entry.total if entry else ZERO) * pieces
        result[work_order.pk] = total
    return result


def work_order_actual_costs(factory, work_orders) -> dict[int, ActualCost]:
    """The actual cost of each work order (of one factory), by the module's rules."""
    work_orders = list(work_orders)
    ids = [wo.pk for wo in work_orders]
    material = material_issued_value(factory, ids)
    operation_work_order = dict(
        WorkOrderOperation.objects.filter(factory=factory, work_order_id__in=ids).values_list(
            "pk", "work_order_id"
        )
    )
    wages: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in piece_lines(factory, work_order_records(factory, ids), policy_for(factory)):
        wages[operation_work_order[line.operation_id]] += line.amount - line.deduction
    seconds = _machine_seconds(factory, ids)
    pre_costs = _pre_costs(factory, work_orders)
    rate = factory.machine_hour_rate
    costs = {}
    for work_order in work_orders:
        hours = seconds.get(work_order.pk, Decimal(0)) / HOUR
        material_cost = q2(material.get(work_order.pk, ZERO))
        machine = q2(hours * rate)
        total = material_cost + wages[work_order.pk] + machine
        pieces = work_order.cut_quantity or work_order.quantity or 1
        costs[work_order.pk] = ActualCost(
            work_order=work_order,
            pieces=pieces,
            material=material_cost,
            wages=wages[work_order.pk],
            machine_hours=q2(hours),
            machine=machine,
            total=total,
            per_garment=q2(total / pieces),
            pre_cost=pre_costs[work_order.pk],
        )
    return costs


def work_order_actual_cost(work_order: WorkOrder) -> ActualCost:
    return work_order_actual_costs(work_order.factory, [work_order])[work_order.pk]


SHIPPED = (Order.Status.SHIPPED, Order.Status.DELIVERED)


def expected_cost(cost: ActualCost) -> Decimal:
    """What a work order still in production will have cost: the larger of what it has cost
    so far and its pre-cost (an estimate at completion; the pre-cost alone once it is known)."""
    return cost.total if cost.pre_cost is None else max(cost.total, cost.pre_cost)


def order_margins(factory, orders) -> list[OrderMargin]:
    """Revenue, cost and margin of each merchant order (of one factory). Final once the order
    has shipped in full (shipped pieces × price against the actual cost); before that expected
    (ordered pieces × price against each work order's `expected_cost`), so an order half made
    shows neither the margin of its cheap first days nor the loss of a part shipment."""
    orders = list(orders)
    work_orders = list(
        WorkOrder.objects.filter(factory=factory, order__in=orders).select_related(
            "version", "factory"
        )
    )
    costs = work_order_actual_costs(factory, work_orders)
    by_order: dict[int, list[ActualCost]] = defaultdict(list)
    for work_order in work_orders:
        by_order[work_order.order_id].append(costs[work_order.pk])
    margins = []
    for order in orders:
        final = order.status in SHIPPED
        pieces = order.shipped_quantity if final else order.total_quantity
        revenue = q2(order.unit_price * pieces)
        if final:
            cost = sum((c.total for c in by_order[order.pk]), ZERO)
        else:
            cost = sum((expected_cost(c) for c in by_order[order.pk]), ZERO)
        margin = revenue - cost
        margins.append(
            OrderMargin(
                order=order,
                revenue=revenue,
                revenue_basis="shipped" if final else "expected",
                cost=cost,
                margin=margin,
                margin_pct=q2(margin / revenue * HUNDRED) if revenue else None,
                work_orders=by_order[order.pk],
            )
        )
    return margins


def costing_orders(factory):
    """The orders the costing page lists: those that went into production (they have cost)."""
    return (
        Order.objects.filter(factory=factory, work_orders__isnull=False)
        .select_related("merchant", "version__style")
        .distinct()
        .order_by("-created_at", "-pk")
    )


def costing_export_xlsx(factory) -> bytes:
    """The costing list as a workbook: one row per order and work order."""
    header = [
        "order",
        "merchant",
        "style",
        "work_order",
        "pieces",
        "material",
        "wages",
        "machine_hours",
        "machine",
        "actual_cost",
        "pre_cost",
        "revenue",
        "revenue_basis",
        "margin",
        "margin_pct",
    ]
    rows = []
    for margin in order_margins(factory, costing_orders(factory)[:1000]):
        for cost in margin.work_orders:
            rows.append(
                [
                    margin.order.number,
                    margin.order.merchant.name,
                    margin.order.version.style.number,
                    cost.work_order.number,
                    cost.pieces,
                    cost.material,
                    cost.wages,
                    cost.machine_hours,
                    cost.machine,
                    cost.total,
                    cost.pre_cost,
                    margin.revenue,
                    margin.revenue_basis,
                    margin.margin,
                    margin.margin_pct,
                ]
            )
    return rows_to_xlsx([Sheet(title="costing", rows=[header, *rows], bold_rows=(1,))])
