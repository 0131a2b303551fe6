"""The beat job that expires lapsed quotations (registered by OrdersConfig.ready(); apart from
orders/tasks.py, which the services import for webhook delivery)."""

from celery import shared_task

from factories.models import Factory
from orders.models import Quotation
from orders.services.quotations import quotations_expire


@shared_task(acks_late=True, ignore_result=True, rls="platform")  # every factory
def quotations_expire_due() -> int:
    """Sent quotations past their last valid day (each factory's own today) become expired."""
    factory_ids = Quotation.objects.filter(status=Quotation.Status.SENT).values("factory_id")
    return sum(
        quotations_expire(factory=factory)
        for factory in Factory.objects.filter(pk__in=factory_ids).order_by("pk")
    )
