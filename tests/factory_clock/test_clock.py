"""The factory clock: a factory's today and its day, week and month bounds follow its own zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from factories import clock
from tests.factories import FactoryFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2026, 11, 30, 15, 59), date(2026, 11, 30)),  # 23:59 in Shanghai
        (utc(2026, 11, 30, 16, 0), date(2026, 12, 1)),  # 00:00 in Shanghai
        (utc(2026, 11, 30, 16, 30), date(2026, 12, 1)),  # 00:30 in Shanghai
        (utc(2026, 12, 1, 0, 0), date(2026, 12, 1)),  # 08:00 in Shanghai
    ],
)
def test_today_is_the_factorys_date_not_the_servers(instant, expected):
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    with time_machine.travel(instant, tick=False):
        assert clock.factory_today(factory) == expected


def test_a_factory_in_another_zone_has_its_own_today():
    shanghai = FactoryFactory(time_zone="Asia/Shanghai")
    saigon = FactoryFactory(time_zone="Asia/Ho_Chi_Minh")
    with time_machine.travel(utc(2026, 11, 30, 16, 30), tick=False):
        assert clock.factory_today(shanghai) == date(2026, 12, 1)
        assert clock.factory_today(saigon) == date(2026, 11, 30)  # 23:30 in Saigon


def test_day_bounds_are_local_midnights_in_utc():
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    assert clock.day_bounds(factory, date(2026, 12, 1)) == (
        utc(2026, 11, 30, 16),
        utc(2026, 12, 1, 16),
    )


def test_month_period_just_after_midnight_on_the_first_is_one_day_long():
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    period = clock.period_of(factory, "month", now=utc(2026, 11, 30, 16, 30))
    assert (period.first, period.last) == (date(2026, 12, 1), date(2026, 12, 1))
    assert (period.start, period.end) == (utc(2026, 11, 30, 16), utc(2026, 12, 1, 16))


def test_week_period_starts_on_monday():
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    period = clock.period_of(factory, "week", now=utc(2026, 12, 3, 4))  # Thursday noon
    assert (period.first, period.last) == (date(2026, 11, 30), date(2026, 12, 3))


def test_hour_floor_cuts_on_the_local_clock_in_a_half_hour_zone():
    factory = FactoryFactory(time_zone="Asia/Kolkata")  # UTC+05:30
    assert clock.hour_floor(factory, utc(2026, 12, 1, 4, 45)) == utc(2026, 12, 1, 4, 30)


def test_hours_back_ends_with_the_current_local_hour():
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    hours = clock.hours_back(factory, 12, now=utc(2026, 11, 30, 16, 35))
    assert hours[-1] == utc(2026, 11, 30, 16)
    assert hours[0] == utc(2026, 11, 30, 5)
    assert len(hours) == 12


def test_month_last_handles_december_and_february():
    assert clock.month_last(date(2026, 12, 15)) == date(2026, 12, 31)
    assert clock.month_last(date(2028, 2, 3)) == date(2028, 2, 29)
