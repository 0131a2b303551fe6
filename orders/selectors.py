"""Reads of orders/: capable-to-promise, the merchant's view of an order's production (built
from production's figures, which production passes in), order intake and on-time delivery,
sell-through, re-order suggestions, factory matching."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from factories.clock import local_date
from factories.models import Factory, Partnership, SewingLine
from orders import conf
from orders.models import (
    DailySale,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    RoutingOperation,
    Style,
    StyleVersion,
)

OPEN_ORDER_STATES = (Order.Status.PLACED, Order.Status.ACCEPTED)


# --- capable-to-promise ----------------------------------------------------------------------
@dataclass(frozen=True)
class Promise:
    date: dt.date
    booked_minutes: int
    order_minutes: int
    daily_capacity_minutes: int
    working_days: int
    method: str = "booked-sam"


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday–Saturday) after `start`."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() != 6:
            days -= 1
    return current


def daily_capacity_minutes(factory: Factory) -> int:
    """Productive sewing minutes a day: operators × shift minutes × efficiency of active lines."""
    shift = int(conf.get("SHIFT_MINUTES"))
    lines = SewingLine.objects.filter(factory=factory, is_active=True)
    total = sum(
        (Decimal(line.planned_headcount) * shift * line.efficiency for line in lines), Decimal(0)
    )
    if total <= 0:
        total = Decimal(factory.headcount) * shift * Decimal(str(conf.get("DEFAULT_EFFICIENCY")))
    return max(1, int(total))


def booked_minutes(factory: Factory) -> int:
    """SAM minutes already committed: open work orders and accepted or placed orders."""
    from production.models import WorkOrder

    work = (
        WorkOrder.objects.filter(factory=factory)
        .exclude(status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED])
        .aggregate(minutes=Sum(F("sam_per_garment") * F("cut_quantity")))["minutes"]
        or 0
    )
    open_orders = Order.objects.filter(factory=factory, status__in=OPEN_ORDER_STATES)
    sam_by_version = dict(
        RoutingOperation.objects.filter(
            factory=factory, version_id__in=open_orders.values("version_id")
        )
        .values("version")
        .annotate(sam=Sum("sam"))
        .values_list("version", "sam")
    )
    unconverted = sum(
        (
            sam_by_version.get(row["version"], 0) * row["quantity"]
            for row in open_orders.values("version").annotate(quantity=Sum("total_quantity"))
        ),
        Decimal(0),
    )
    return int(Decimal(work) + unconverted)


def capable_to_promise(
    *, factory: Factory, version: StyleVersion | None, quantity: int, sam: Decimal | None = None
) -> Promise:
    """The earliest date the factory can deliver `quantity` of `version` given its booked load.

    Reads production's finite-capacity plan: the order goes into the free capacity the plan
    leaves on each line, day by day (calendar, shifts, headcount and overtime included), after
    the committed work that is not in the plan yet (orders not converted, work orders not
    planned); then a buffer for materials, finishing and shipping.
    """
    from production.selectors import planned_work_minutes, promise_from_plan

    if sam is None:
        sam = version.sam_per_garment if version is not None else Decimal("15")
    booked = booked_minutes(factory)
    order_minutes = int(Decimal(sam) * quantity)
    outside_plan = max(0, booked - planned_work_minutes(factory))
    plan = promise_from_plan(
        factory=factory,
        order_minutes=order_minutes + outside_plan,
        style=str(version.style_id) if version is not None else "",
    )
    buffer = int(conf.get("CTP_BUFFER_DAYS"))
    today = timezone.localdate()
    date = working_days_after(max(plan.finish, today), buffer)
    working_days = sum(
        1 for n in range(1, (date - today).days + 1) if (today + dt.timedelta(n)).weekday() != 6
    )
    return Promise(
        date=date,
        booked_minutes=booked,
        order_minutes=order_minutes,
        daily_capacity_minutes=daily_capacity_minutes(factory),
        working_days=working_days,
        method="finite-capacity-plan",
    )


# --- merchant progress ----------------------------------------------------------------------
UNTRACKED_STATES = (Order.Status.DRAFT, Order.Status.CANCELLED, Order.Status.REJECTED)


def tracked_orders(merchant):
    """The merchant's orders at every factory that have been placed and are still live."""
    return (
        Order.objects.visible_to(merchant)
        .exclude(status__in=UNTRACKED_STATES)
        .select_related("factory__organization", "version__style")
        .prefetch_related("lines", "shipments")
        .order_by("-created_at")[:100]
    )


def merchant_progress(order: Order, *, work_orders: list[dict]) -> dict:
    """What the merchant may know of an order's production — no operations, operators or
    lines. `work_orders` are production's figures of the order's work orders
    (`production.selectors.order_progress` reads them and calls this): pieces cut, garments
    finished per size × colour (never more than ordered) and in all, pieces shipped, and the
    shipments with their tracking numbers."""
    finished_by_cell: dict[tuple[str, str], int] = defaultdict(int)
    for work_order in work_orders:
        for cell in work_order["cells"]:
            finished_by_cell[(cell["size"], cell["colour"])] += cell["finished"]
    ordered: dict[tuple[str, str], int] = defaultdict(int)
    for line in order.lines.all():
        ordered[(line.size, line.colour)] += line.quantity
    sizes = list(dict.fromkeys(size for size, _colour in ordered))
    colours = list(dict.fromkeys(colour for _size, colour in ordered))
    matrix = [
        {
            "colour": colour,
            "cells": [
                {
                    "ordered": ordered.get((size, colour), 0),
                    "done": min(finished_by_cell[(size, colour)], ordered.get((size, colour), 0)),
                }
                for size in sizes
            ],
        }
        for colour in colours
    ]
    finished = sum(cell["done"] for row in matrix for cell in row["cells"])
    total = order.total_quantity
    first_due = min((work_order["due_date"] for work_order in work_orders), default=None)
    return {
        "id": order.pk,
        "number": order.number,
        "factory": str(order.factory),
        "style": order.version.style.name,
        "status": order.status,
        "status_display": str(order.get_status_display()),
        "ordered": total,
        "cut": sum(work_order["cut"] for work_order in work_orders),
        "finished": finished,
        "shipped": order.shipped_quantity,
        "percent_finished": round(100 * finished / total) if total else 0,
        "percent_shipped": round(100 * order.shipped_quantity / total) if total else 0,
        "requested_date": order.requested_date,
        "promised_date": order.promised_date,
        "expected_ship_date": order.promised_date or first_due or order.requested_date,
        "sizes": sizes,
        "matrix": matrix,
        "shipments": [
            {
                "shipped_at": shipment.shipped_at,
                "quantity": shipment.quantity,
                "carrier": shipment.carrier,
                "tracking_number": shipment.tracking_no,
            }
            for shipment in order.shipments.all()
        ],
    }


# --- order intake and delivery ---------------------------------------------------------------
def delivered_on_time(factory: Factory, shipped_at: dt.datetime, order_row: dict) -> bool:
    """An order is delivered on time when it was fully shipped on or before its promised date
    (else its requested date), by the factory's calendar date."""
    due = order_row["order__promised_date"] or order_row["order__requested_date"]
    return local_date(factory, shipped_at) <= due


def on_time_rate(on_time: int, delivered: int) -> float | None:
    """On-time delivery: orders delivered on time ÷ orders delivered, in percent."""
    return round(100.0 * on_time / delivered, 1) if delivered else None


def order_flow(
    factory: Factory, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict:
    """Order intake and delivery in [start, end) (all time without bounds): orders placed and
    their pieces, orders fully shipped and how many of them on time, pieces shipped."""
    events = OrderEvent.objects.filter(factory=factory)
    shipments = OrderShipment.objects.filter(factory=factory)
    if start is not None:
        events, shipments = events.filter(at__gte=start), shipments.filter(shipped_at__gte=start)
    if end is not None:
        events, shipments = events.filter(at__lt=end), shipments.filter(shipped_at__lt=end)
    placed = dict(
        events.filter(to_status=Order.Status.PLACED).values_list(
            "order_id", "order__total_quantity"
        )
    )
    delivered = {
        row["order_id"]: row
        for row in events.filter(to_status=Order.Status.SHIPPED)
        .order_by("at", "pk")
        .values("order_id", "at", "order__promised_date", "order__requested_date")
    }
    return {
        "orders_received": len(placed),
        "pieces_ordered": sum(placed.values()),
        "orders_delivered": len(delivered),
        "orders_delivered_on_time": sum(
            1 for row in delivered.values() if delivered_on_time(factory, row["at"], row)
        ),
        "pieces_shipped": shipments.aggregate(n=Sum("quantity"))["n"] or 0,
    }


# --- sell-through and re-orders --------------------------------------------------------------
@dataclass
class SkuFigures:
    colour: str
    size: str
    received: int = 0
    sold: int = 0
    recent_sold: int = 0
    stock: int | None = None
    open_quantity: int = 0
    suggested: int = 0

    @property
    def sell_through_pct(self) -> int | None:
        return round(100 * self.sold / self.received) if self.received else None


@dataclass
class SellThrough:
    style: Style
    version: StyleVersion | None
    rows: list[SkuFigures] = field(default_factory=list)
    lead_days: int = 0
    window_days: int = 0

    @property
    def received(self) -> int:
        return sum(row.received for row in self.rows)

    @property
    def sold(self) -> int:
        return sum(row.sold for row in self.rows)

    @property
    def sell_through_pct(self) -> int | None:
        return round(100 * self.sold / self.received) if self.received else None

    @property
    def suggested_total(self) -> int:
        return sum(row.suggested for row in self.rows)


def sell_through(*, merchant, style: Style, today: dt.date | None = None) -> SellThrough:
    """Sell-through per size × colour of a style for a merchant, and a re-order suggestion.

    Suggested = daily sales rate over the window × (the factory's lead time + days to cover)
    − stock on hand − pieces ordered and not yet received, never below zero.
    """
    today = today or timezone.localdate()
    window = int(conf.get("SALES_WINDOW_DAYS"))
    orders = Order.objects.filter(merchant=merchant, version__style=style).exclude(
        status__in=[Order.Status.DRAFT, Order.Status.REJECTED, Order.Status.CANCELLED]
    )
    latest = orders.order_by("-created_at").select_related("version").first()
    version = latest.version if latest else style.versions.filter(status="released").first()
    figures: dict[tuple[str, str], SkuFigures] = {}

    def row(colour, size):
        return figures.setdefault((colour, size), SkuFigures(colour, size))

    for line in OrderLine.objects.filter(order__in=orders).values(
        "colour", "size", "quantity", "shipped_quantity", "order__status"
    ):
        cell = row(line["colour"], line["size"])
        if line["order__status"] == Order.Status.DELIVERED:
            cell.received += line["quantity"]
        else:
            cell.received += line["shipped_quantity"]
            cell.open_quantity += line["quantity"] - line["shipped_quantity"]
    sales = DailySale.objects.filter(merchant=merchant, style=style)
    for sale in sales.values("colour", "size").annotate(
        sold=Sum("quantity_sold"),
        recent=Sum("quantity_sold", filter=Q(date__gt=today - dt.timedelta(days=window))),
    ):
        cell = row(sale["colour"], sale["size"])
        cell.sold = sale["sold"] or 0
        cell.recent_sold = sale["recent"] or 0
    for sale in sales.order_by("colour", "size", "-date").distinct():
        cell = row(sale.colour, sale.size)
        if cell.stock is None and sale.stock_on_hand is not None:
            cell.stock = sale.stock_on_hand
    lead_days = 0
    if version is not None:
        promise = capable_to_promise(factory=style.factory, version=version, quantity=0)
        lead_days = (promise.date - today).days
    cover = lead_days + int(conf.get("REORDER_COVER_DAYS"))
    for cell in figures.values():
        rate = cell.recent_sold / window
        stock = cell.stock if cell.stock is not None else max(0, cell.received - cell.sold)
        cell.suggested = max(0, math.ceil(rate * cover) - stock - cell.open_quantity)
    order_of = {s: i for i, s in enumerate(version.sizes)} if version else {}
    rows = sorted(figures.values(), key=lambda r: (r.colour, order_of.get(r.size, 99), r.size))
    return SellThrough(style, version, rows, lead_days, window)


# --- factory matching ------------------------------------------------------------------------
@dataclass
class FactoryMatch:
    factory: Factory
    score: int
    promise: Promise
    reasons: list[str]
    on_time_pct: float | None
    first_pass_yield_pct: int | None


def on_time_delivery_pct(factory: Factory) -> float | None:
    """The factory's on-time delivery over all its fully shipped orders (see `order_flow`)."""
    flow = order_flow(factory)
    return on_time_rate(flow["orders_delivered_on_time"], flow["orders_delivered"])


def first_pass_yield_pct(factory: Factory) -> int | None:
    """The factory's first-pass yield when production measures it (None until it does)."""
    try:
        from production import selectors as production_selectors
    except ImportError:
        return None
    measure = getattr(production_selectors, "first_pass_yield_pct", None)
    return measure(factory=factory) if measure else None


def factory_matches(
    *,
    merchant,
    category: str = "",
    sizes: list[str] = (),
    quantity: int = 0,
    requested_date: dt.date | None = None,
    sam: Decimal | None = None,
) -> list[FactoryMatch]:
    """The merchant's partner factories ranked for an order, with the reasons shown."""
    factory_ids = Partnership.objects.filter(
        partner=merchant, status=Partnership.Status.ACCEPTED
    ).values("factory_id")
    matches = []
    for factory in Factory.objects.filter(pk__in=factory_ids).select_related("organization"):
        reasons, score = [], 0
        if category:
            if category in factory.categories:
                score += 30
                reasons.append(_("makes this category"))
            else:
                reasons.append(_("does not list this category"))
        if sizes:
            made = set()
            for run in StyleVersion.objects.filter(
                factory=factory, status=StyleVersion.Status.RELEASED
            ).values_list("sizes", flat=True):
                made.update(run)
            if set(sizes) <= made:
                score += 15
                reasons.append(_("has made this size range"))
            else:
                reasons.append(_("has not made all these sizes"))
        if quantity:
            if quantity >= factory.minimum_order_quantity:
                score += 15
                reasons.append(
                    _("minimum order %(moq)s met") % {"moq": factory.minimum_order_quantity}
                )
            else:
                reasons.append(
                    _("minimum order is %(moq)s") % {"moq": factory.minimum_order_quantity}
                )
        promise = capable_to_promise(factory=factory, version=None, quantity=quantity, sam=sam)
        if requested_date is not None:
            if promise.date <= requested_date:
                score += 25
                reasons.append(
                    _("free capacity before the date (%(date)s)") % {"date": promise.date}
                )
            else:
                reasons.append(_("earliest date %(date)s is late") % {"date": promise.date})
        on_time = on_time_delivery_pct(factory)
        if on_time is not None:
            score += round(10 * on_time / 100)
            reasons.append(_("%(pct)s%% delivered on time") % {"pct": on_time})
        fpy = first_pass_yield_pct(factory)
        if fpy is not None:
            score += round(5 * fpy / 100)
            reasons.append(_("%(pct)s%% first-pass yield") % {"pct": fpy})
        matches.append(FactoryMatch(factory, score, promise, reasons, on_time, fpy))
    return sorted(matches, key=lambda m: (-m.score, m.promise.date, m.factory.pk))
