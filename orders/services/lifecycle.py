"""Merchant orders: creation from a size × colour grid and every lifecycle transition.

draft → placed → accepted | rejected → in production → partly shipped → shipped → delivered,
and cancelled before cutting. Each transition is a service that refuses with a clear message
when the order's state (or the acting organization) does not allow it, and records who and when
in an `OrderEvent`; the merchant's webhooks fire after the transaction commits.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.limits import MAX_MONEY, MAX_QUANTITY, OUT_OF_RANGE, money_message, quantity_message
from core.models import Organization, User
from core.realtime import notify_many
from core.roles import OrgKind
from core.signals import order_cancelling, order_placed
from core.transitions import TransitionTable, transitions_apply
from factories.clock import factory_today
from factories.models import Factory
from orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    Quotation,
    StyleVersion,
)
from orders.services.numbers import next_number
from orders.services.quotations import quotation_unit_price
from orders.services.techpacks import merchant_version_errors
from orders.services.webhooks import webhooks_publish

S = Order.Status
ORDER_TRANSITIONS = TransitionTable(
    Order,
    {
        S.DRAFT: {S.PLACED, S.CANCELLED},
        S.PLACED: {S.ACCEPTED, S.REJECTED, S.CANCELLED},
        S.ACCEPTED: {S.IN_PRODUCTION, S.CANCELLED},
        S.IN_PRODUCTION: {S.PARTLY_SHIPPED, S.SHIPPED, S.CANCELLED},
        S.PARTLY_SHIPPED: {S.PARTLY_SHIPPED, S.SHIPPED},
        S.SHIPPED: {S.DELIVERED},
        S.DELIVERED: set(),
        S.REJECTED: set(),
        S.CANCELLED: set(),
    },
)
Grid = Mapping[tuple[str, str], int]  # (colour, size) → pieces


def _require_side(order: Order, acting: Organization | None, kind: str) -> None:
    """Merchant transitions belong to the order's merchant, factory ones to its factory."""
    if acting is None:
        return  # a task or the platform acting on the factory's behalf
    owner_id = order.merchant_id if kind == OrgKind.MERCHANT else order.factory_id
    if acting.pk != owner_id:
        raise NotAllowed(_("Your organization cannot do this to this order."), code="forbidden")


def record_transitions(
    orders: Sequence[Order],
    to: str,
    *,
    by: User | None,
    acting: Organization | None,
    note: str = "",
) -> None:
    """Move locked orders to `to` through the order's transition table (audited), and log,
    announce and publish it."""
    events = [
        OrderEvent(
            factory_id=order.factory_id,
            order=order,
            from_status=order.status,
            to_status=to,
            by=by,
            by_organization=acting,
            note=note,
        )
        for order in orders
    ]
    transitions_apply(
        table=ORDER_TRANSITIONS,
        instances=orders,
        to=to,
        by=by,
        reason=note,
        values={"updated_at": timezone.now()},
    )
    OrderEvent.objects.bulk_create(events)
    notify_many(
        (order.factory_id, "order.status", {"order": order.pk, "status": to}) for order in orders
    )
    webhooks_publish(orders=orders, event_type="order.status_changed")


def _transition(
    order: Order, to: str, *, by: User | None, acting: Organization | None, note: str = ""
) -> Order:
    order = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    ORDER_TRANSITIONS.check(order, to)
    record_transitions([order], to, by=by, acting=acting, note=note)
    return order


def parse_grid(version: StyleVersion, quantities: Iterable[Mapping]) -> dict[tuple[str, str], int]:
    """Validate grid cells ({colour, size, quantity}) against the tech pack; zero cells drop."""
    errors: dict[str, list] = {}
    grid: dict[tuple[str, str], int] = {}
    out_of_range: list[int] = []
    for index, cell in enumerate(quantities):
        colour, size = str(cell.get("colour", "")), str(cell.get("size", ""))
        try:
            quantity = int(cell.get("quantity"))
            if str(cell.get("quantity")).strip() != str(quantity):
                raise ValueError
        except (TypeError, ValueError):
            errors[f"quantities[{index}]"] = [_("A quantity is a whole number of pieces.")]
            continue
        if quantity < 0:
            errors[f"quantities[{index}]"] = [_("A quantity cannot be negative.")]
        elif quantity > MAX_QUANTITY:
            out_of_range.append(index)
            errors[f"quantities[{index}]"] = [quantity_message()]
            continue
        if colour not in version.colours:
            errors[f"quantities[{index}]"] = [
                _("The style has no colour %(colour)s.") % {"colour": colour}
            ]
        if size not in version.sizes:
            errors[f"quantities[{index}]"] = [_("The style has no size %(size)s.") % {"size": size}]
        if (colour, size) in grid:
            errors[f"quantities[{index}]"] = [_("This colour and size appear twice.")]
        grid[(colour, size)] = quantity
    if errors:
        raise DomainError(
            _("Some quantities are not valid."),
            code=OUT_OF_RANGE if out_of_range else None,
            errors=errors,
        )
    if sum(grid.values()) > MAX_QUANTITY:
        raise DomainError(
            _("Some quantities are not valid."),
            code=OUT_OF_RANGE,
            errors={
                "quantities": [
                    _("An order has at most %(max)s pieces.") % {"max": f"{MAX_QUANTITY:,}"}
                ]
            },
        )
    grid = {cell: quantity for cell, quantity in grid.items() if quantity > 0}
    if not grid:
        raise DomainError(
            _("An order needs at least one piece."),
            errors={"quantities": [_("All quantities are zero.")]},
        )
    return grid


@transaction.atomic
def order_create(
    *,
    merchant: Organization,
    factory: Factory,
    version: StyleVersion,
    quantities: Iterable[Mapping],
    requested_date: dt.date,
    ship_to: str,
    unit_price: Decimal | None = None,
    notes: str = "",
    external_ref: str = "",
    place: bool = True,
    reorder_of: Order | None = None,
    quotation: Quotation | None = None,
    by: User | None = None,
) -> Order:
    """A merchant's order of a released tech pack, placed at once unless `place` is False.

    With an accepted `quotation` of the merchant for this version the unit price is the
    quotation's (its sizes' prices weighted by the grid); a `unit_price` given too must equal it.
    """
    if merchant.kind != OrgKind.MERCHANT:
        raise DomainError(
            _("Only a merchant can order."), errors={"merchant": [_("Not a merchant.")]}
        )
    errors = merchant_version_errors(
        factory=factory,
        merchant=merchant,
        version=version,
        unreleased=_("Only a released tech pack can be ordered."),
    )
    if errors:
        raise DomainError(_("This tech pack cannot be ordered."), errors=errors)
    grid = parse_grid(version, quantities)
    total = sum(grid.values())
    if quotation is not None:
        quoted = _quoted_price(quotation, merchant=merchant, version=version, grid=grid)
        if unit_price not in (None, ""):
            try:
                differs = Decimal(str(unit_price)) != quoted
            except InvalidOperation:
                differs = True
            if differs:
                raise DomainError(
                    _("The quoted unit price is %(price)s.") % {"price": quoted},
                    errors={"unit_price": [_("Leave it empty to take the quotation's price.")]},
                )
        unit_price = quoted
    elif unit_price in (None, ""):
        raise DomainError(
            _("The order is not valid."), errors={"unit_price": [_("A unit price is required.")]}
        )
    today = factory_today(factory)
    if requested_date <= today:
        errors["requested_date"] = [_("The delivery date must be in the future.")]
    if total < factory.minimum_order_quantity:
        errors["quantities"] = [
            _("The factory's minimum order is %(moq)s pieces; this order has %(total)s.")
            % {"moq": factory.minimum_order_quantity, "total": total}
        ]
    try:
        unit_price = Decimal(str(unit_price))
        if unit_price < 0:
            errors["unit_price"] = [_("The unit price cannot be negative.")]
        elif unit_price > MAX_MONEY or not unit_price.is_finite():
            raise DomainError(
                _("A number is out of range."),
                code=OUT_OF_RANGE,
                errors={"unit_price": [money_message()]},
            )
        else:
            unit_price = unit_price.quantize(Decimal("0.01"))
    except InvalidOperation:
        errors["unit_price"] = [_("Not a price.")]
    if not ship_to.strip():
        errors["ship_to"] = [_("A ship-to address is required.")]
    if (
        external_ref
        and Order.objects.filter(
            factory=factory, merchant=merchant, external_ref=external_ref
        ).exists()
    ):
        errors["external_ref"] = [_("An order with this reference already exists.")]
    if errors:
        raise DomainError(_("The order is not valid."), errors=errors)

    number = next_number(Order, factory=factory, prefix=f"SO{today:%y%m}-", digits=5)
    order = Order.objects.create(
        factory=factory,
        merchant=merchant,
        version=version,
        number=number,
        requested_date=requested_date,
        ship_to=ship_to.strip(),
        unit_price=unit_price,
        notes=notes,
        external_ref=external_ref,
        total_quantity=total,
        reorder_of=reorder_of,
        quotation=quotation,
        created_by=by,
    )
    OrderLine.objects.bulk_create(
        OrderLine(factory=factory, order=order, colour=colour, size=size, quantity=quantity)
        for (colour, size), quantity in grid.items()
    )
    OrderEvent.objects.create(
        factory=factory, order=order, to_status=S.DRAFT, by=by, by_organization=merchant
    )
    if place:
        order = order_place(order=order, by=by, acting=merchant)
    return order


def _quoted_price(
    quotation: Quotation, *, merchant: Organization, version: StyleVersion, grid
) -> Decimal:
    if (
        quotation.merchant_id != merchant.pk
        or quotation.version_id != version.pk
        or quotation.status != Quotation.Status.ACCEPTED
    ):
        raise DomainError(
            _("Only the merchant's accepted quotation of this tech pack can price the order."),
            errors={"quotation": [_("Not an accepted quotation of this tech pack.")]},
        )
    return quotation_unit_price(quotation=quotation, grid=grid)


@transaction.atomic
def order_place(*, order: Order, by: User | None, acting: Organization | None = None) -> Order:
    """The merchant sends its draft to the factory; production answers with the promised date
    (core.signals.order_placed → order_promise_set) in the same transaction."""
    _require_side(order, acting, OrgKind.MERCHANT)
    order = _transition(order, S.PLACED, by=by, acting=acting)
    order_placed.send(sender=Order, order=order)
    order.refresh_from_db(fields=["promised_date"])
    return order


@transaction.atomic
def order_promise_set(*, order: Order, promised_date: dt.date) -> Order:
    """Record the date the factory promises for a placed order (production's capable-to-promise,
    estimated before the order itself counted as booked load)."""
    Order.objects.filter(pk=order.pk).update(promised_date=promised_date, updated_at=timezone.now())
    order.promised_date = promised_date
    return order


@transaction.atomic
def orders_production_start(
    *, orders: Sequence[Order], by: User | None, acting: Organization | None = None
) -> None:
    """Accepted orders go into production: production's conversion calls this with the orders
    it has locked and turned into work orders."""
    for order in orders:
        _require_side(order, acting, OrgKind.FACTORY)
    record_transitions(orders, S.IN_PRODUCTION, by=by, acting=acting)


@transaction.atomic
def order_accept(*, order: Order, by: User | None, acting: Organization | None = None) -> Order:
    _require_side(order, acting, OrgKind.FACTORY)
    return _transition(order, S.ACCEPTED, by=by, acting=acting)


@transaction.atomic
def order_reject(
    *, order: Order, reason: str, by: User | None, acting: Organization | None = None
) -> Order:
    _require_side(order, acting, OrgKind.FACTORY)
    if not reason.strip():
        raise DomainError(
            _("Say why the order is rejected."), errors={"reason": [_("A reason is required.")]}
        )
    return _transition(order, S.REJECTED, by=by, acting=acting, note=reason)


@transaction.atomic
def order_cancel(
    *, order: Order, reason: str, by: User | None, acting: Organization | None = None
) -> Order:
    """Cancel before cutting: the merchant until it is accepted, the factory until a lay is cut.

    Production hears `order_cancelling` first and cancels the order's work orders (releasing
    their stock reservations), or refuses once cutting has started; then nothing is written.
    """
    locked = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    if acting is not None and acting.pk == locked.merchant_id:
        if locked.status not in (S.DRAFT, S.PLACED):
            raise NotAllowed(
                _("The factory has accepted this order; ask the factory to cancel it."),
                code="invalid_transition",
            )
    else:
        _require_side(locked, acting, OrgKind.FACTORY)
    ORDER_TRANSITIONS.check(locked, S.CANCELLED)
    order_cancelling.send(sender=Order, order=locked, reason=reason, by=by)
    return _transition(locked, S.CANCELLED, by=by, acting=acting, note=reason)


@transaction.atomic
def order_shipment_record(
    *,
    order: Order,
    carrier: str,
    lines: Grid,
    tracking_no: str = "",
    reference: str = "",
    shipped_at: dt.datetime | None = None,
    by: User | None = None,
    acting: Organization | None = None,
) -> OrderShipment:
    """Tell the merchant about a shipment; the order becomes partly shipped or shipped.

    Production's packing and shipment service calls this with pieces per (colour, size).
    """
    order = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    _require_side(order, acting, OrgKind.FACTORY)
    ORDER_TRANSITIONS.check(order, S.SHIPPED)
    cells = {(line.colour, line.size): line for line in order.lines.all()}
    errors = {}
    for (colour, size), pieces in lines.items():
        line = cells.get((colour, size))
        if line is None:
            errors[f"{colour}/{size}"] = [_("Not in the order.")]
        elif pieces <= 0:
            errors[f"{colour}/{size}"] = [_("A shipment carries at least one piece.")]
    if not lines:
        errors["lines"] = [_("A shipment carries at least one piece.")]
    if not carrier.strip():
        errors["carrier"] = [_("A carrier is required.")]
    if errors:
        raise DomainError(_("The shipment is not valid."), errors=errors)
    quantity = sum(lines.values())
    shipment = OrderShipment.objects.create(
        factory_id=order.factory_id,
        order=order,
        carrier=carrier.strip(),
        tracking_no=tracking_no,
        reference=reference,
        quantity=quantity,
        lines=[{"colour": c, "size": s, "quantity": q} for (c, s), q in lines.items()],
        shipped_at=shipped_at or timezone.now(),
    )
    for (colour, size), pieces in lines.items():
        OrderLine.objects.filter(pk=cells[(colour, size)].pk).update(
            shipped_quantity=F("shipped_quantity") + pieces
        )
    Order.objects.filter(pk=order.pk).update(shipped_quantity=F("shipped_quantity") + quantity)
    order.refresh_from_db()
    everything_shipped = all(line.shipped_quantity >= line.quantity for line in order.lines.all())
    target = S.SHIPPED if everything_shipped else S.PARTLY_SHIPPED
    record_transitions([order], target, by=by, acting=acting, note=str(shipment))
    return shipment


@transaction.atomic
def order_deliver(*, order: Order, by: User | None, acting: Organization | None = None) -> Order:
    """The merchant (or the factory, on proof of delivery) confirms the goods arrived."""
    return _transition(order, S.DELIVERED, by=by, acting=acting)
