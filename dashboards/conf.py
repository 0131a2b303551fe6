"""Knobs of dashboards/, read from `settings.DASHBOARDS` with these defaults."""

from django.conf import settings

DEFAULTS = {
    # At most one push per factory per interval: a busy floor sends a few updates a second.
    "PUSH_INTERVAL_SECONDS": 0.25,
    # Rollup rebuilds of one bucket wait this long so a burst of events costs one rebuild.
    "ROLLUP_COALESCE_SECONDS": 1.0,
    # The periodic catch-up rebuilds this many recent hours of every factory.
    "CATCH_UP_HOURS": 3,
    "CATCH_UP_EVERY_SECONDS": 300,
    # A working day's minutes per operator present (capacity); one 8-hour shift by default.
    "SHIFT_MINUTES": 480,
    # Standard minutes of a garment when no output says otherwise (plan per line).
    "DEFAULT_GARMENT_SAM": 12,
    "PROFILE_LINK_DAYS": 30,
    # A screen's data is shared by all its viewers until a change, at most this long.
    "DATA_CACHE_SECONDS": 20,
    # How many factories a total must cover before non-consenting factories may count in it.
    "DISTRICT_MIN_AGGREGATE": 3,
}


def get(name: str):
    return getattr(settings, "DASHBOARDS", {}).get(name, DEFAULTS[name])
