"""Outgoing webhooks: event bodies, the signature, the rules on where they may go, one attempt.

Queueing deliveries is a service (`orders.services.webhooks.webhooks_publish`); the delivery
task calls `attempt` here.

Signature (documented for merchants in docs/api.md): with the endpoint's secret as the key,
`v1 = hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))`, sent as
`Seamline-Signature: t=<timestamp>,v1=<hex>` where the timestamp is Unix seconds. The receiver
recomputes it over the raw bytes it received and rejects old timestamps.

Where a webhook may go (docs/api.md, "Webhook rules"): an http(s) URL, checked when an endpoint
is created or changed (`validate_webhook_url`, shared by the API serializer and the page form)
and again at every delivery. At delivery the host name is resolved and every address it
resolves to must be public (no loopback, private, link-local, shared, multicast or reserved
range, IPv4-mapped IPv6 included); the connection then goes to the address that was checked,
with the name in the Host header and TLS SNI, so a DNS answer that changes between the check
and the connection (rebinding) cannot send the request inside. Redirects are not followed. The
delivery log keeps only a generic reason (FAILURE_*), never the exception text or the reply's
body, which could describe the network behind the endpoint.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import re
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders import conf
from orders.models import Order, WebhookDelivery

SIGNATURE_HEADER = "Seamline-Signature"
EVENT_HEADER = "Seamline-Event"
DELIVERY_HEADER = "Seamline-Delivery"
ALLOWED_SCHEMES = ("http", "https")

# The only texts the merchant's delivery log ever shows for a failed attempt (besides
# "HTTP <status>"): stable, and saying nothing about the network the worker sits in.
FAILURE_NOT_ALLOWED = "refused: URL not allowed"
FAILURE_NOT_PUBLIC = "refused: address not public"
FAILURE_NOT_RESOLVED = "name not resolved"
FAILURE_TIMEOUT = "timed out"
FAILURE_TLS = "TLS handshake failed"
FAILURE_CONNECTION = "connection failed"
FAILURE_REASONS = frozenset(
    {
        FAILURE_NOT_ALLOWED,
        FAILURE_NOT_PUBLIC,
        FAILURE_NOT_RESOLVED,
        FAILURE_TIMEOUT,
        FAILURE_TLS,
        FAILURE_CONNECTION,
    }
)
HTTP_REASON = re.compile(r"HTTP [1-5][0-9][0-9]")


def public_attempt_log(entries: list) -> list[dict]:
    """The attempt log as the merchant may see it: time, status and a generic reason. Entries
    written before the reasons were generic (exception text, a reply's phrase) show as
    "connection failed" or "HTTP <status>"."""
    shown = []
    for entry in entries:
        status, error = entry.get("status"), entry.get("error") or ""
        if error not in FAILURE_REASONS and not HTTP_REASON.fullmatch(error):
            if status is None:
                error = FAILURE_CONNECTION
            else:
                error = "" if 200 <= status < 300 else f"HTTP {status}"
        shown.append({"at": entry.get("at"), "status": status, "error": error})
    return shown


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


# --- where a webhook may go ---------------------------------------------------------------
class RefusedTarget(Exception):
    """The endpoint's URL or address is not one a webhook may be sent to."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _allowed_networks() -> list:
    """Non-public networks an operator lets webhooks reach (a receiver on the same LAN on
    premises, the test receiver on loopback): `ORDERS_WEBHOOK_ALLOWED_NETWORKS`, empty by
    default."""
    return [ipaddress.ip_network(net, strict=False) for net in conf.get("WEBHOOK_ALLOWED_NETWORKS")]


def address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address on the public internet; False for loopback, private, link-local
    (169.254.169.254, the cloud metadata service), shared (100.64/10), multicast, reserved,
    unspecified, and the IPv6 forms that carry such an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address_is_public(address.ipv4_mapped)
        embedded = address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is None and address in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not address_is_public(embedded):
            return False
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_private
        and not address.is_unspecified
    )


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address_is_public(address):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _allowed_networks())


def _literal_address(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def validate_webhook_url(url: str) -> None:
    """The rule for an endpoint's URL, on create and on every change: http(s), a host, and no
    address that could never be delivered to (a literal non-public IP, `localhost`)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationError(_("Enter a valid URL."), code="invalid")
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ValidationError(_("Use an http:// or https:// URL."), code="scheme")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ValidationError(_("Enter a valid URL."), code="invalid")
    literal = _literal_address(host)
    local_name = host == "localhost" or host.endswith(".localhost")
    if (literal is not None and not address_allowed(literal)) or (
        local_name and not _allowed_networks()
    ):
        raise ValidationError(
            _("Webhooks go to public internet addresses only."), code="address_not_public"
        )


def resolve_public(host: str, port: int) -> str:
    """The address to connect to for `host`: every address the name resolves to must be
    allowed (a name with one private address among public ones is refused as a whole)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedTarget(FAILURE_NOT_RESOLVED)
    addresses = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not address_allowed(address):
            raise RefusedTarget(FAILURE_NOT_PUBLIC)
        addresses.append(text)
    if not addresses:
        raise RefusedTarget(FAILURE_NOT_RESOLVED)
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to an address already checked; the Host header still names the endpoint's host."""

    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked; SNI and the certificate check use the host name."""

    def __init__(self, host, port, *, address: str, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url` once, by the rules above; the reply's status (a 3xx is returned, not
    followed). Raises RefusedTarget with a generic reason for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise RefusedTarget(FAILURE_NOT_ALLOWED)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise RefusedTarget(FAILURE_NOT_ALLOWED)
    host = parts.hostname
    address = resolve_public(host, port)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        host, port, address=address, timeout=conf.get("WEBHOOK_TIMEOUT_SECONDS")
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    except TimeoutError:
        raise RefusedTarget(FAILURE_TIMEOUT)
    except ssl.SSLError:
        raise RefusedTarget(FAILURE_TLS)
    except (OSError, http.client.HTTPException):
        raise RefusedTarget(FAILURE_CONNECTION)
    finally:
        connection.close()


# --- one attempt ------------------------------------------------------------------------------
def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for one attempt in a short transaction, or None when it is not due,
    not pending, or another process holds it.

    The claim counts the attempt and moves `next_attempt_at` past the request's timeout (a
    lease): a second worker's claim finds it not due, and if this process dies mid-request,
    the sweep picks the delivery up again once the lease has run out.
    """
    now = timezone.now()
    lease = dt.timedelta(seconds=conf.get("WEBHOOK_TIMEOUT_SECONDS") * 2 + 30)
    with transaction.atomic():
        claimed = (
            WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(attempts=F("attempts") + 1, next_attempt_at=now + lease)
        )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _record(delivery_id: int, status_code: int | None, error: str) -> WebhookDelivery:
    """Write the attempt's outcome in a short transaction of its own."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update(no_key=True).get(pk=delivery_id)
        now = timezone.now()
        delivery.last_status_code = status_code
        delivery.attempt_log = [
            *delivery.attempt_log,
            {"at": now.isoformat(), "status": status_code, "error": error},
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
            delivery.next_attempt_at = now + dt.timedelta(
                seconds=backoff_seconds(delivery.attempts)
            )
        delivery.save(
            update_fields=[
                "last_status_code",
                "attempt_log",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return delivery


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """POST the stored body once, signed with a fresh timestamp, and log the outcome.

    No row lock is held during the request: the delivery is claimed in one short transaction
    and the outcome recorded in another. None when the delivery is not due or another process
    is sending it right now; the delivery unchanged when it is no longer pending.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .exclude(status=WebhookDelivery.Status.PENDING)
            .first()
        )
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Seamline-Webhooks/1",
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.event_id),
        SIGNATURE_HEADER: signature_header(delivery.endpoint.secret, timestamp, body),
    }
    status_code, error = None, ""
    try:
        status_code = post(delivery.endpoint.url, body, headers)
    except RefusedTarget as refused:
        error = refused.reason
    if status_code is not None and not 200 <= status_code < 300:
        error = f"HTTP {status_code}"
    return _record(delivery_id, status_code, error)
