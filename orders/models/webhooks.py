"""Outgoing webhooks of a merchant: endpoints with their secret, and the delivery log."""

import secrets as token_secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from core.tenancy import NOTHING, TenantModel


def new_webhook_secret() -> str:
    return "whsec_" + token_secrets.token_urlsafe(32)


def merchant_only(org) -> Q:
    return Q(merchant=org) if org.kind == OrgKind.MERCHANT else NOTHING


class WebhookEndpoint(TenantModel):
    """A URL of a merchant's shop system that receives order events, signed with its secret."""

    merchant = models.ForeignKey(
        "core.Organization",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("merchant"),
        limit_choices_to={"kind": OrgKind.MERCHANT},
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=80, default=new_webhook_secret)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["merchant", "pk"]

    def __str__(self) -> str:
        return self.url

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_only(org)


class WebhookDelivery(TenantModel):
    """One event sent to one endpoint: the exact body signed, and every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    merchant = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event"), max_length=40)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempt_log = models.JSONField(_("attempt log"), default=list)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_only(org)
