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
    "PROFILE_LINK_DAYS": 30,
    # A screen's data is shared by all its viewers until a change, at most this long.
    "DATA_CACHE_SECONDS": 20,
    # Wages earned in an open pay period are payroll's calculation of its days so far, too
    # heavy to repeat on every change of a busy floor: the screen reuses it this long.
    "WAGES_CACHE_SECONDS": 60,
    # How many factories a total must cover before non-consenting factories may count in it.
    "DISTRICT_MIN_AGGREGATE": 3,
}


def get(name: str):
    return getattr(settings, "DASHBOARDS", {}).get(name, DEFAULTS[name])
