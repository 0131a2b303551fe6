"""Inventory knobs, read from `settings.INVENTORY` with defaults that suit a small factory."""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Receiving may exceed or fall short of the ordered quantity by this share.
    "RECEIVING_TOLERANCE_PCT": Decimal("5"),
    # A count whose variance is worth more than this (yuan) needs a manager's approval.
    "COUNT_APPROVAL_THRESHOLD_YUAN": Decimal("200.00"),
    # Four-point system: a roll passes at or below this many points per 100 square yards.
    "FOUR_POINT_PASS_LIMIT": Decimal("40"),
    # Days of safety between a purchase arriving and the cutting it feeds.
    "MRP_SAFETY_DAYS": 0,
}


def get(name: str):
    return getattr(settings, "INVENTORY", {}).get(name, DEFAULTS[name])
