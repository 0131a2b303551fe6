"""production's answers to the announcements of lower apps (core.signals), connected in
ProductionConfig.ready(). Each receiver only calls a service or selector, inside the sender's
transaction: a refusal raised here rolls the sender back."""

from orders.models import Order
from orders.services import order_promise_set
from production.selectors import capable_to_promise
from production.services import order_work_orders_cancel


def order_placed_promise(sender, *, order: Order, **kwargs) -> None:
    """A placed order gets the capable-to-promise date, estimated before the order itself
    counts as booked load."""
    promise = capable_to_promise(
        factory=order.factory,
        version=order.version,
        quantity=order.total_quantity,
        excluding_order=order,
    )
    order_promise_set(order=order, promised_date=promise.date)


def order_cancelling_received(sender, *, order: Order, reason: str, by, **kwargs) -> None:
    """A merchant order is being cancelled: cancel its work orders, or refuse after cutting."""
    order_work_orders_cancel(order=order, reason=reason, by=by)
