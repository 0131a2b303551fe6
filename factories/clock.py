"""The factory clock: the one way to ask what day and hour it is for a factory.

A factory lives in its own time zone (`Factory.time_zone`, Asia/Shanghai by default). Times are
stored in UTC; every date a factory sees — its today, a day's or month's bounds, an hour on a
chart — is computed here from the factory's zone, never from the server's date
(`date.today()`, `timezone.localdate()` without a zone). tests/test_architecture.py keeps the
server's date out of the domain apps.

Working days, holidays and shift windows come from `factories.calendar`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_ZONE)


def factory_zone(factory) -> ZoneInfo:
    """The factory's time zone."""
    return _zone(getattr(factory, "time_zone", "") or DEFAULT_ZONE)


def factory_now(factory, now: datetime | None = None) -> datetime:
    """The current instant as the factory's wall clock shows it (aware, in its zone)."""
    return (now or timezone.now()).astimezone(factory_zone(factory))


def factory_today(factory, now: datetime | None = None) -> date:
    """The factory's date now: after midnight in Shanghai it is the next day, whatever UTC says."""
    return factory_now(factory, now).date()


def local_date(factory, moment: datetime) -> date:
    """The factory's date of an instant."""
    return moment.astimezone(factory_zone(factory)).date()


def local_midnight(factory, day: date) -> datetime:
    """The instant (UTC) the factory's local `day` begins."""
    start = datetime(day.year, day.month, day.day, tzinfo=factory_zone(factory))
    return start.astimezone(UTC)


def day_bounds(factory, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the factory's local `day` starts and the next day starts."""
    return local_midnight(factory, day), local_midnight(factory, day + timedelta(days=1))


def days_bounds(factory, first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of `first` to the end of `last` (local days)."""
    return local_midnight(factory, first), local_midnight(factory, last + timedelta(days=1))


def week_first(day: date) -> date:
    """The Monday of the week of `day` (weeks run Monday to Sunday in China)."""
    return day - timedelta(days=day.weekday())


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_last(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def month_bounds(factory, day: date) -> tuple[datetime, datetime]:
    """The UTC instants of the local month that contains `day`."""
    return days_bounds(factory, month_first(day), month_last(day))


def hour_floor(factory, moment: datetime) -> datetime:
    """The start (UTC) of the factory's local clock hour that contains `moment`.

    The same as the UTC hour in zones a whole number of hours from UTC; correct in the others
    (e.g. Asia/Kolkata) too, because the hour is cut on the local clock.
    """
    local = moment.astimezone(factory_zone(factory))
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def hours_back(factory, count: int, now: datetime | None = None) -> list[datetime]:
    """The starts (UTC) of the last `count` local clock hours, the current one last."""
    current = hour_floor(factory, now or timezone.now())
    return [current - timedelta(hours=n) for n in range(count - 1, -1, -1)]


@dataclass(frozen=True)
class Period:
    """A named span of local days, for screens that show "today", "this week", "this month"."""

    first: date
    last: date
    start: datetime  # UTC, the local midnight starting `first`
    end: datetime  # UTC, the local midnight after `last`


def period_of(factory, name: str, now: datetime | None = None) -> Period:
    """Today, this week (from Monday) or this month, up to and including the factory's today."""
    today = factory_today(factory, now)
    first = {"day": today, "week": week_first(today), "month": month_first(today)}[name]
    start, end = days_bounds(factory, first, today)
    return Period(first=first, last=today, start=start, end=end)


SCREEN_WINDOWS = ("12h", "week", "month")


def screen_window(factory, name: str, now: datetime | None = None) -> Period:
    """The span a screen's window names: the last 12 local clock hours up to now (the current
    hour last), or this week or this month up to and including the factory's today. The
    dashboard and every list its figures link to cut their window here, so both count the
    same rows at any hour. An unknown name is the 12-hour window."""
    now = now or timezone.now()
    if name not in ("week", "month"):
        start = hours_back(factory, 12, now)[0]
        return Period(
            first=local_date(factory, start), last=factory_today(factory, now), start=start, end=now
        )
    return period_of(factory, name, now)


def days_late(due: date | None, today: date) -> int:
    """How many days `due` has already gone by `today` (the factory's, `factory_today`): 0 when
    it is today or later, or there is none."""
    return max(0, (today - due).days) if due else 0
