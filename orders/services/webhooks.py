"""Writes of merchants' webhook endpoints and deliveries: queueing events, replaying them."""

import json
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import Organization, User
from core.roles import OrgKind
from orders.models import Order, WebhookDelivery, WebhookEndpoint
from orders.models.webhooks import new_webhook_secret
from orders.tasks import webhook_deliver, webhook_deliveries_send
from orders.webhooks import order_payload, validate_webhook_url


def webhooks_publish(*, orders: Sequence[Order], event_type: str) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint of each order's merchant, sent after commit."""
    return webhook_events_publish(
        # The payload is built only for merchants with an endpoint (most orders have none).
        events=[
            (order.merchant_id, lambda order=order: {"order": order_payload(order)})
            for order in orders
        ],
        event_type=event_type,
    )


def webhook_events_publish(
    *, events: Sequence[tuple[int, dict | Callable[[], dict]]], event_type: str
) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint of each event's merchant (events are
    (merchant id, data or a function making it)), sent after commit."""
    merchant_ids = {merchant_id for merchant_id, _data in events}
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(merchant_id__in=merchant_ids, is_active=True):
        endpoints.setdefault(endpoint.merchant_id, []).append(endpoint)
    if not endpoints:
        return []
    created_at = timezone.now().isoformat()
    deliveries = []
    for merchant_id, data in events:
        if merchant_id not in endpoints:
            continue
        data = data() if callable(data) else data
        for endpoint in endpoints[merchant_id]:
            delivery = WebhookDelivery(merchant_id=merchant_id, endpoint=endpoint)
            delivery.event_type = event_type
            delivery.body = json.dumps(
                {
                    "id": str(delivery.event_id),
                    "type": event_type,
                    "created": created_at,
                    "data": data,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids: list[int]) -> None:
    """One message per commit, however many deliveries: a worker queues each one's task."""
    if len(ids) == 1:
        webhook_deliver.delay(ids[0])
    elif ids:
        webhook_deliveries_send.delay(ids)


@transaction.atomic
def webhook_endpoint_create(
    *, merchant: Organization, url: str, by: User | None
) -> WebhookEndpoint:
    if merchant.kind != OrgKind.MERCHANT:
        raise DomainError(_("Only a merchant has webhooks."))
    _check_url(url)
    return WebhookEndpoint.objects.create(merchant=merchant, url=url)


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str | None = None, is_active: bool | None = None, by
) -> WebhookEndpoint:
    """Change an endpoint's URL or switch it on or off; the URL obeys the same rule as on
    create."""
    if url is not None:
        _check_url(url)
        endpoint.url = url
    if is_active is not None:
        endpoint.is_active = is_active
    endpoint.save(update_fields=["url", "is_active"])
    return endpoint


def _check_url(url: str) -> None:
    try:
        validate_webhook_url(url)
    except ValidationError as error:
        raise DomainError(_("The URL is not allowed."), errors={"url": list(error.messages)})


@transaction.atomic
def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, by: User | None
) -> WebhookEndpoint:
    endpoint.secret = new_webhook_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, by: User | None) -> WebhookDelivery:
    """Send a logged event again: the same body and event id, a fresh timestamp and signature."""
    delivery = WebhookDelivery.objects.select_for_update(no_key=True).get(pk=delivery.pk)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "next_attempt_at"])
    transaction.on_commit(lambda: webhook_deliver.delay(delivery.pk))
    return delivery
