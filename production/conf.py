"""Knobs of production/, read from Django settings with these defaults.

Override any of them in settings as `PRODUCTION_<NAME>` (e.g. `PRODUCTION_OVER_CUT_PCT = "3"`).
Conversion and capable-to-promise moved here from orders/; their old `ORDERS_<NAME>` settings
are still read, so a deployment that set them keeps its values.
"""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Cutting: cut quantities cover the order plus this share, within the cutting room's limits.
    "OVER_CUT_PCT": Decimal("2"),
    "MAX_PLIES": 80,
    "MAX_GARMENTS_PER_MARKER": 6,
    "MAX_MARKER_LENGTH_M": Decimal("12"),
    "LAY_END_ALLOWANCE_M": Decimal("0.04"),
    "BUNDLE_SIZE": 20,
    # Materials must be in the factory this many days before the work order is due.
    "MATERIAL_NEED_DAYS_BEFORE_DUE": 10,
    # Capable-to-promise: the productive share of a factory's shift when it has no lines yet,
    # and working days (of the factory's calendar) for materials, finishing and shipping on
    # top of the sewing load. Shift minutes come from the factory's shifts.
    "DEFAULT_EFFICIENCY": Decimal("0.70"),
    "CTP_BUFFER_DAYS": 7,
}


def get(name: str):
    default = DEFAULTS[name]
    return getattr(settings, f"PRODUCTION_{name}", getattr(settings, f"ORDERS_{name}", default))
