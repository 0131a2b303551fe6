"""Reads of orders/: capable-to-promise, order progress, sell-through, re-order suggestions,
factory matching."""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q, Sum
from django.utils.translation import gettext as _

from factories import calendar
from factories.clock import factory_today, local_date
from factories.models import Factory, Partnership
from orders import conf
from orders.models import DailySale, Order, OrderLine, RoutingOperation, Style, StyleVersion

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


def daily_capacity_minutes(factory: Factory, *, day: dt.date | None = None) -> int:
    """Productive sewing minutes of the factory's next working day (or of `day`): the
    calendar's line capacity (headcount × shift minutes × efficiency); a factory without lines
    counts its headcount on its default shift."""
    day = day or calendar.working_days_after(factory, factory_today(factory), 1)
    capacity = calendar.line_capacity(factory=factory, start=day, end=day)
    total = sum(per_day.get(day, 0) for per_day in capacity.values())
    if total <= 0:
        shift = calendar.default_shift(factory)
        minutes = shift.minutes if shift else calendar.DEFAULT_SHIFT_MINUTES
        efficiency = Decimal(str(conf.get("DEFAULT_EFFICIENCY")))
        total = int(Decimal(factory.headcount) * minutes * efficiency)
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
    planned); then a buffer, in working days of the factory's calendar, for materials,
    finishing and shipping.
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
    today = factory_today(factory)
    date = calendar.working_days_after(factory, max(plan.finish, today), buffer)
    return Promise(
        date=date,
        booked_minutes=booked,
        order_minutes=order_minutes,
        daily_capacity_minutes=daily_capacity_minutes(factory),
        working_days=calendar.working_days_between(factory, today, date),
        method="finite-capacity-plan",
    )


# --- progress --------------------------------------------------------------------------------
def order_progress(order: Order) -> dict:
    """What the merchant may know of production: cut, finished and shipped pieces, no internals."""
    from production.models import Bundle, Lay, WorkOrder

    work_order = WorkOrder.objects.filter(factory_id=order.factory_id, order=order).first()
    cut = finished = 0
    if work_order is not None:
        # A bundle exists from conversion on; its pieces count as cut once its lay is cut or
        # the bundle has moved on to sewing.
        bundles = Bundle.objects.filter(factory_id=order.factory_id, work_order=work_order)
        done = [Bundle.Status.FINISHED, Bundle.Status.PACKED]
        totals = bundles.aggregate(
            cut=Sum(
                "quantity", filter=Q(lay__status=Lay.Status.CUT) | ~Q(status=Bundle.Status.CUT)
            ),
            finished=Sum("quantity", filter=Q(status__in=done)),
        )
        cut, finished = totals["cut"] or 0, totals["finished"] or 0
    total = order.total_quantity or 1
    return {
        "status": order.status,
        "ordered": order.total_quantity,
        "cut": cut,
        "finished": finished,
        "shipped": order.shipped_quantity,
        "percent_shipped": round(100 * order.shipped_quantity / total),
        "promised_date": order.promised_date,
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
    today = today or factory_today(style.factory)
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
