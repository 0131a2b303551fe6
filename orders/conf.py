"""Knobs of orders/, read from Django settings with these defaults.

Override any of them in settings as `ORDERS_<NAME>` (e.g. `ORDERS_WEBHOOK_MAX_ATTEMPTS = 8`).
Cutting and capable-to-promise knobs live in production/conf.py.
"""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Capable-to-promise: a working day's minutes, the share of them that is productive,
    # and days for materials, finishing and shipping on top of the sewing load.
    "SHIFT_MINUTES": 480,
    "DEFAULT_EFFICIENCY": Decimal("0.70"),
    "CTP_BUFFER_DAYS": 7,
    # Webhooks: attempts, first back-off (doubled each time), request timeout, clock skew.
    "WEBHOOK_MAX_ATTEMPTS": 6,
    "WEBHOOK_RETRY_BASE_SECONDS": 30,
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "WEBHOOK_TOLERANCE_SECONDS": 300,
    # Re-orders: the sales window the rate is taken from, and the days of sales to cover.
    "SALES_WINDOW_DAYS": 14,
    "REORDER_COVER_DAYS": 21,
}


def get(name: str):
    return getattr(settings, f"ORDERS_{name}", DEFAULTS[name])
