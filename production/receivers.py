"""production's answers to the announcements of lower apps (core.signals), connected in
ProductionConfig.ready(). Each runs inside the sender's transaction and calls services."""

from orders.models import Order
from orders.services import order_promise_set
from production.selectors import capable_to_promise


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
