"""Reads of orders/: sell-through, re-order suggestions, factory matching.

Capable-to-promise and an order's production progress are production's
(`production.selectors.capable_to_promise`, `order_progress`); where a figure here needs a
promise, the caller passes it in (a lead time, or a function giving a factory's earliest date).
"""

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from factories.clock import factory_today, local_date
from factories.models import Factory, Partnership
from orders import conf
from orders.models import DailySale, Order, OrderLine, Style, StyleVersion


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
    on_time_pct: int | None
    first_pass_yield_pct: int | None


def on_time_delivery_pct(factory: Factory) -> int | None:
    """Shipped orders whose last shipment left by the requested date, in percent."""
    shipped = [
        order
        for order in Order.objects.filter(
            factory=factory, status__in=[Order.Status.SHIPPED, Order.Status.DELIVERED]
        ).annotate(last_shipped=Max("shipments__shipped_at"))
        if order.last_shipped
    ]
    if not shipped:
        return None
    on_time = sum(1 for o in shipped if local_date(factory, o.last_shipped) <= o.requested_date)
    return round(100 * on_time / len(shipped))


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
