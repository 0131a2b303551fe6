"""production's answers to the announcements of lower apps (core.signals), connected in
ProductionConfig.ready(). Each receiver only calls a service, inside the sender's transaction:
a refusal raised here rolls the sender back."""

from production.services import order_work_orders_cancel


def order_cancelling_received(sender, *, order, reason: str, by, **kwargs) -> None:
    """A merchant order is being cancelled: cancel its work orders, or refuse after cutting."""
    order_work_orders_cancel(order=order, reason=reason, by=by)
