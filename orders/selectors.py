"""Reads of orders/: the merchant's view of an order's production (built from production's
figures, which production passes in), order intake and on-time delivery, sell-through, re-order
suggestions, factory matching.

Capable-to-promise and an order's production progress are production's
(`production.selectors.capable_to_promise`, `order_progress`); where a figure here needs a
promise, the caller passes it in (a lead time, or a function giving a factory's earliest date).
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from factories.clock import days_late, factory_today, local_date
from factories.models import Factory, Partnership
from orders import conf
from orders.models import (
    DailySale,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    Quotation,
    Style,
    StyleVersion,
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


# The statuses in which the factory has said yes to an order (its promise date stands).
PROMISED = frozenset(
    {
        Order.Status.ACCEPTED,
        Order.Status.IN_PRODUCTION,
        Order.Status.PARTLY_SHIPPED,
        Order.Status.SHIPPED,
        Order.Status.DELIVERED,
    }
)


def promise_is_given(order: Order) -> bool:
    """Whether the factory has accepted the order, so that its promised date may be shown."""
    return order.status in PROMISED


def order_axes(order: Order, lines=None) -> tuple[list[str], list[str]]:
    """The sizes and colours of an order as its pages draw them: sizes in the style's size run
    (S, M, L, XL — not alphabetical), colours in the order the order lists them (its lines
    as entered); a size or colour outside the tech pack follows, as entered."""
    lines = sorted(order.lines.all() if lines is None else lines, key=lambda line: line.pk)
    entered_sizes = list(dict.fromkeys(line.size for line in lines))
    run = [size for size in order.version.sizes if size in entered_sizes]
    sizes = run + [size for size in entered_sizes if size not in run]
    colours = list(dict.fromkeys(line.colour for line in lines))
    return sizes, colours


# An order still to ship: its delivery date can go by.
UNSHIPPED = {"draft", "placed", "accepted", "in_production", "partly_shipped"}


def order_late_days(order: Order) -> int:
    """Days the order's delivery date (the promise once given, else the requested date) has
    gone by the factory's today, for an order not yet fully shipped; else 0."""
    if order.status not in UNSHIPPED:
        return 0
    due = order.promised_date if order.promise_given and order.promised_date else None
    return days_late(due or order.requested_date, factory_today(order.factory))


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
    lines = list(order.lines.all())
    for line in lines:
        ordered[(line.size, line.colour)] += line.quantity
    sizes, colours = order_axes(order, lines)
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
    # The date the factory promises is its word only once it has accepted the order: before,
    # it is production's estimate, and the merchant is shown no date of the factory's.
    given = order.promise_given
    promised = order.promised_date if given else None
    expected = (promised or first_due or order.requested_date) if given else None
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
        "promised_date": promised,
        "expected_ship_date": expected,
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


def _in_window(queryset, field: str, start, end):
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def orders_placed(
    factory: Factory, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> list[dict]:
    """Order intake: the orders placed with the factory in [start, end), newest first, each
    once (when it was first placed), with its merchant and pieces."""
    rows = (
        _in_window(OrderEvent.objects.filter(factory=factory), "at", start, end)
        .filter(to_status=Order.Status.PLACED)
        .order_by("order_id", "at", "pk")
        .values("order_id", "at", "order__number", "order__merchant__name", "order__total_quantity")
    )
    placed: dict[int, dict] = {}
    for row in rows:
        placed.setdefault(
            row["order_id"],
            {
                "id": row["order_id"],
                "number": row["order__number"],
                "merchant": row["order__merchant__name"],
                "pieces": row["order__total_quantity"],
                "placed_at": row["at"],
            },
        )
    return sorted(placed.values(), key=lambda r: (r["placed_at"], r["id"]), reverse=True)


def orders_delivered(
    factory: Factory, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> list[dict]:
    """The orders fully shipped in [start, end), each with its due date (promised, else
    requested) and whether it was on time (`delivered_on_time`), newest first."""
    rows = (
        _in_window(OrderEvent.objects.filter(factory=factory), "at", start, end)
        .filter(to_status=Order.Status.SHIPPED)
        .order_by("at", "pk")
        .values("order_id", "at", "order__number", "order__promised_date", "order__requested_date")
    )
    delivered = {row["order_id"]: row for row in rows}  # the last time it became shipped
    return sorted(
        (
            {
                "id": order_id,
                "number": row["order__number"],
                "shipped_at": row["at"],
                "due": row["order__promised_date"] or row["order__requested_date"],
                "on_time": delivered_on_time(factory, row["at"], row),
            }
            for order_id, row in delivered.items()
        ),
        key=lambda r: (r["shipped_at"], r["id"]),
        reverse=True,
    )


def shipments_in(
    factory: Factory, start: dt.datetime | None = None, end: dt.datetime | None = None
):
    """The shipments that left the factory in [start, end), newest first."""
    return (
        _in_window(OrderShipment.objects.filter(factory=factory), "shipped_at", start, end)
        .select_related("order")
        .order_by("-shipped_at", "-pk")
    )


# --- the order and quotation lists, and the home's counts of them ---------------------------
LATE_STATES = (Order.Status.ACCEPTED, Order.Status.IN_PRODUCTION, Order.Status.PARTLY_SHIPPED)


def orders_for(organization, *, status: str = "", late_on: dt.date | None = None):
    """The order list of an organization (a factory's or a merchant's), newest first: in one
    status, or late on `late_on` (accepted and not fully shipped past its promised date, else its
    requested date). The home counts the same queryset."""
    orders = Order.objects.visible_to(organization)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if late_on is not None:
        orders = orders.annotate(due=Coalesce("promised_date", "requested_date")).filter(
            status__in=LATE_STATES, due__lt=late_on
        )
    return orders.order_by("-created_at", "-pk")


def quotations_for(organization, *, status: str = ""):
    """The quotation list of an organization (a factory's, or those sent to a merchant), newest
    first, optionally in one status."""
    quotations = Quotation.objects.visible_to(organization)
    if status in Quotation.Status.values:
        quotations = quotations.filter(status=status)
    return quotations.order_by("-created_at", "-pk")


def orders_waiting(factory: Factory):
    """Orders placed with the factory and waiting for its acceptance (or rejection), oldest
    first."""
    return (
        Order.objects.filter(factory=factory, status=Order.Status.PLACED)
        .select_related("merchant", "version__style")
        .order_by("created_at", "pk")
    )


def order_flow(
    factory: Factory, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict:
    """Order intake and delivery in [start, end) (all time without bounds): orders placed and
    their pieces, orders fully shipped and how many of them on time, pieces shipped."""
    placed = orders_placed(factory, start, end)
    delivered = orders_delivered(factory, start, end)
    return {
        "orders_received": len(placed),
        "pieces_ordered": sum(row["pieces"] for row in placed),
        "orders_delivered": len(delivered),
        "orders_delivered_on_time": sum(1 for row in delivered if row["on_time"]),
        "pieces_shipped": shipments_in(factory, start, end).aggregate(n=Sum("quantity"))["n"] or 0,
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


def _ordered(merchant, style: Style):
    return Order.objects.filter(merchant=merchant, version__style=style).exclude(
        status__in=[Order.Status.DRAFT, Order.Status.REJECTED, Order.Status.CANCELLED]
    )


def sell_through_version(*, merchant, style: Style) -> StyleVersion | None:
    """The tech-pack version a re-order of the style would use: the merchant's latest order's,
    else the style's released one."""
    latest = _ordered(merchant, style).order_by("-created_at").select_related("version").first()
    return latest.version if latest else style.versions.filter(status="released").first()


def sell_through(
    *, merchant, style: Style, lead_days: int, today: dt.date | None = None
) -> SellThrough:
    """Sell-through per size × colour of a style for a merchant, and a re-order suggestion.

    Suggested = daily sales rate over the window × (the factory's lead time + days to cover)
    − stock on hand − pieces ordered and not yet received, never below zero. `lead_days` is the
    factory's lead time now for `sell_through_version` (production's capable-to-promise).
    """
    today = today or factory_today(style.factory)
    window = int(conf.get("SALES_WINDOW_DAYS"))
    orders = _ordered(merchant, style)
    version = sell_through_version(merchant=merchant, style=style)
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
    lead_days = lead_days if version is not None else 0
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
    earliest_date: dt.date
    reasons: list[str]
    on_time_pct: float | None
    first_pass_yield_pct: int | None


def on_time_delivery_pct(factory: Factory) -> float | None:
    """The factory's on-time delivery over all its fully shipped orders (see `order_flow`)."""
    flow = order_flow(factory)
    return on_time_rate(flow["orders_delivered_on_time"], flow["orders_delivered"])


def factory_matches(
    *,
    merchant,
    earliest_date_at: Callable[[Factory], dt.date],
    first_pass_yield_at: Callable[[Factory], int | None] | None = None,
    category: str = "",
    sizes: list[str] = (),
    quantity: int = 0,
    requested_date: dt.date | None = None,
) -> list[FactoryMatch]:
    """The merchant's partner factories ranked for an order, with the reasons shown.

    `earliest_date_at(factory)` is the date the factory can promise for this order and
    `first_pass_yield_at(factory)` its first-pass yield in percent: production's figures, which
    the caller passes in.
    """
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
        earliest = earliest_date_at(factory)
        if requested_date is not None:
            if earliest <= requested_date:
                score += 25
                reasons.append(_("free capacity before the date (%(date)s)") % {"date": earliest})
            else:
                reasons.append(_("earliest date %(date)s is late") % {"date": earliest})
        on_time = on_time_delivery_pct(factory)
        if on_time is not None:
            score += round(10 * on_time / 100)
            reasons.append(_("%(pct)s%% delivered on time") % {"pct": on_time})
        fpy = first_pass_yield_at(factory) if first_pass_yield_at is not None else None
        if fpy is not None:
            score += round(5 * fpy / 100)
            reasons.append(_("%(pct)s%% first-pass yield") % {"pct": fpy})
        matches.append(FactoryMatch(factory, score, earliest, reasons, on_time, fpy))
    return sorted(matches, key=lambda m: (-m.score, m.earliest_date, m.factory.pk))


# --- Set-up checklist (registered from OrdersConfig.ready) ----------------------------------
def styles_with_tech_pack_count(factory_id: int) -> int:
    """The factory's styles with a released tech pack (what an order can be placed on)."""
    return (
        Style.objects.filter(factory_id=factory_id, versions__status=StyleVersion.Status.RELEASED)
        .distinct()
        .count()
    )
