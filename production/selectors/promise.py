"""Capable-to-promise: the date a factory can promise for an order, from its finite-capacity
plan, the committed work the plan does not hold yet, and a buffer of working days of its
calendar; and the lead time a merchant's re-order of a style needs."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from factories import calendar
from factories.calendar import line_capacity
from factories.clock import factory_today
from factories.models import Factory
from orders.models import Order, RoutingOperation, Style, StyleVersion
from orders.selectors import sell_through_version
from production import conf
from production.models import WorkOrder
from production.selectors.plan import planned_work_minutes, promise_from_plan

# Only an order the factory has accepted books capacity: a placed order is still a request,
# and counting it let one merchant's unaccepted order of 10**9 pieces push every other
# merchant's promised date years ahead.
OPEN_ORDER_STATES = (Order.Status.ACCEPTED,)


@dataclass(frozen=True)
class Promise:
    date: date
    booked_minutes: int
    order_minutes: int
    daily_capacity_minutes: int
    working_days: int
    method: str = "booked-sam"


def daily_capacity_minutes(factory: Factory, *, day: date | None = None) -> int:
    """Productive sewing minutes of the factory's next working day (or of `day`): the
    calendar's line capacity (headcount × shift minutes × efficiency); a factory without lines
    counts its headcount on its default shift."""
    day = day or calendar.working_days_after(factory, factory_today(factory), 1)
    capacity = line_capacity(factory=factory, start=day, end=day)
    total = sum(per_day.get(day, 0) for per_day in capacity.values())
    if total <= 0:
        shift = calendar.default_shift(factory)
        minutes = shift.minutes if shift else calendar.DEFAULT_SHIFT_MINUTES
        efficiency = Decimal(str(conf.get("DEFAULT_EFFICIENCY")))
        total = int(Decimal(factory.headcount) * minutes * efficiency)
    return max(1, int(total))


def booked_minutes(factory: Factory, *, excluding_order: Order | None = None) -> int:
    """SAM minutes already committed: open work orders and accepted orders (all but
    `excluding_order`, the one being promised). Placed orders the factory has not accepted
    book nothing."""
    work = (
        WorkOrder.objects.filter(factory=factory)
        .exclude(status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED])
        .aggregate(minutes=Sum(F("sam_per_garment") * F("cut_quantity")))["minutes"]
        or 0
    )
    open_orders = Order.objects.filter(factory=factory, status__in=OPEN_ORDER_STATES)
    if excluding_order is not None:
        open_orders = open_orders.exclude(pk=excluding_order.pk)
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
    *,
    factory: Factory,
    version: StyleVersion | None,
    quantity: int,
    sam: Decimal | None = None,
    excluding_order: Order | None = None,
) -> Promise:
    """The earliest date the factory can deliver `quantity` of `version` given its booked load.

    Reads the finite-capacity plan: the order goes into the free capacity the plan leaves on
    each line, day by day (calendar, shifts, headcount and overtime included), after the
    committed work that is not in the plan yet (orders not converted, work orders not planned);
    then a buffer of working days for materials, finishing and shipping.
    """
    if sam is None:
        sam = version.sam_per_garment if version is not None else Decimal("15")
    booked = booked_minutes(factory, excluding_order=excluding_order)
    order_minutes = int(Decimal(sam) * quantity)
    outside_plan = max(0, booked - planned_work_minutes(factory))
    plan = promise_from_plan(
        factory=factory,
        order_minutes=order_minutes + outside_plan,
        style=str(version.style_id) if version is not None else "",
    )
    today = factory_today(factory)
    start = max(plan.finish, today)
    promised = calendar.working_days_after(factory, start, int(conf.get("CTP_BUFFER_DAYS")))
    return Promise(
        date=promised,
        booked_minutes=booked,
        order_minutes=order_minutes,
        daily_capacity_minutes=daily_capacity_minutes(factory),
        working_days=calendar.working_days_between(factory, today, promised),
        method="finite-capacity-plan",
    )


def reorder_lead_days(*, merchant, style: Style) -> int:
    """Days from today until the style's factory could deliver a merchant's re-order of it (the
    lead time orders' sell-through suggestion covers); 0 without a version to re-order."""
    version = sell_through_version(merchant=merchant, style=style)
    if version is None:
        return 0
    promise = capable_to_promise(factory=style.factory, version=version, quantity=0)
    return (promise.date - factory_today(style.factory)).days
