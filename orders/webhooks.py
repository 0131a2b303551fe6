"""Outgoing webhooks: event bodies, the signature, one delivery attempt.

Queueing deliveries is a service (`orders.services.webhooks.webhooks_publish`); the delivery
task calls `attempt` here.

Signature (documented for merchants in docs/api.md): with the endpoint's secret as the key,
`v1 = hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))`, sent as
`Seamline-Signature: t=<timestamp>,v1=<hex>` where the timestamp is Unix seconds. The receiver
recomputes it over the raw bytes it received and rejects old timestamps.
"""

import datetime as dt
import hashlib
import hmac
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from orders import conf
from orders.models import Order, WebhookDelivery

SIGNATURE_HEADER = "Seamline-Signature"
EVENT_HEADER = "Seamline-Event"
DELIVERY_HEADER = "Seamline-Delivery"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def order_payload(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "external_ref": order.external_ref,
        "status": order.status,
        "total_quantity": order.total_quantity,
        "shipped_quantity": order.shipped_quantity,
        "requested_date": order.requested_date.isoformat(),
        "promised_date": order.promised_date.isoformat() if order.promised_date else None,
    }


def backoff_seconds(attempt: int) -> int:
    """Seconds to wait after the `attempt`-th failure: the base, doubled each time."""
    return conf.get("WEBHOOK_RETRY_BASE_SECONDS") * 2 ** (attempt - 1)


@transaction.atomic
def attempt(delivery_id: int) -> WebhookDelivery | None:
    """POST the stored body once, signed with a fresh timestamp, and log the outcome.

    The row stays locked while sending, so a retry and the sweep never send it twice at once;
    None when another process is sending it right now.
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    body = delivery.body.encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Seamline-Webhooks/1",
            EVENT_HEADER: delivery.event_type,
            DELIVERY_HEADER: str(delivery.event_id),
            SIGNATURE_HEADER: signature_header(delivery.endpoint.secret, timestamp, body),
        },
    )
    status_code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=conf.get("WEBHOOK_TIMEOUT_SECONDS")) as reply:
            status_code = reply.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, exc.reason
    except (urllib.error.URLError, OSError) as exc:
        error = str(getattr(exc, "reason", exc))[:200]
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.attempt_log = [
        *delivery.attempt_log,
        {"at": now.isoformat(), "status": status_code, "error": str(error)},
    ]
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= conf.get("WEBHOOK_MAX_ATTEMPTS"):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "attempt_log",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery
