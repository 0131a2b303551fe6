"""Knobs of orders/, read from Django settings with these defaults.

Override any of them in settings as `ORDERS_<NAME>` (e.g. `ORDERS_WEBHOOK_MAX_ATTEMPTS = 8`).
Cutting and capable-to-promise knobs live in production/conf.py.
"""

from django.conf import settings

DEFAULTS = {
    # Webhooks: attempts, first back-off (doubled each time), request timeout, clock skew.
    "WEBHOOK_MAX_ATTEMPTS": 6,
    "WEBHOOK_RETRY_BASE_SECONDS": 30,
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "WEBHOOK_TOLERANCE_SECONDS": 300,
    # Non-public networks webhooks may still reach (CIDRs, e.g. ["10.8.0.0/16"] for a receiver
    # on the factory's LAN on premises). Empty: only public addresses (docs/api.md).
    "WEBHOOK_ALLOWED_NETWORKS": [],
    # Re-orders: the sales window the rate is taken from, and the days of sales to cover.
    "SALES_WINDOW_DAYS": 14,
    "REORDER_COVER_DAYS": 21,
}


def get(name: str):
    return getattr(settings, f"ORDERS_{name}", DEFAULTS[name])
