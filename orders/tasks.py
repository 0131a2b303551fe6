"""Celery tasks of orders/: webhook delivery with back-off.

Tasks take ids, are idempotent (a delivered webhook is not sent again) and acknowledge late, so
a worker lost mid-task leaves the message queued. Bulk conversion's task is production's.
"""

import datetime as dt

from celery import current_app, shared_task
from django.utils import timezone

from orders import webhooks
from orders.models import WebhookDelivery


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def webhook_deliver(self, delivery_id: int) -> str:
    """Send one delivery; on failure retry with exponential back-off until the attempts run out.

    Run eagerly (no broker) a failure is left pending with its next attempt time, and the
    periodic `webhook_retry_due` sweep sends it then, instead of blocking the request.
    """
    delivery = webhooks.attempt(delivery_id)
    if delivery is None:
        return "busy"
    if delivery.status == WebhookDelivery.Status.PENDING and not self.request.is_eager:
        raise self.retry(countdown=webhooks.backoff_seconds(delivery.attempts))
    return delivery.status


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliveries_send(delivery_ids: list[int]) -> int:
    """Queue each delivery's own `webhook_deliver` (its own retries): the committing write
    sends this one message, a worker fans it out. Eager, the deliveries are sent right here."""
    for delivery_id in delivery_ids:
        webhook_deliver.delay(delivery_id)
    return len(delivery_ids)


@shared_task(acks_late=True, ignore_result=True)
def webhook_retry_due() -> int:
    """Send the pending deliveries whose next attempt is due (the sweep behind the back-off).

    With a broker the task's own retry comes first; the sweep only picks up what is overdue by
    a grace period (a retry message that was lost).
    """
    grace = dt.timedelta(seconds=0 if current_app.conf.task_always_eager else 120)
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
        ).values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        webhooks.attempt(delivery_id)
    return len(due)
