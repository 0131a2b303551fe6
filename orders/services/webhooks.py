"""Writes of merchants' webhook endpoints and deliveries."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import Organization, User
from core.roles import OrgKind
from orders.models import WebhookDelivery, WebhookEndpoint
from orders.models.webhooks import new_webhook_secret


@transaction.atomic
def webhook_endpoint_create(
    *, merchant: Organization, url: str, by: User | None
) -> WebhookEndpoint:
    if merchant.kind != OrgKind.MERCHANT:
        raise DomainError(_("Only a merchant has webhooks."))
    if not url.startswith(("https://", "http://")):
        raise DomainError(_("The URL is not valid."), errors={"url": [_("Use http(s)://.")]})
    return WebhookEndpoint.objects.create(merchant=merchant, url=url)


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
    from orders.tasks import webhook_deliver

    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "next_attempt_at"])
    transaction.on_commit(lambda: webhook_deliver.delay(delivery.pk))
    return delivery
