"""The one factory calendar: the factory's own days, then China's statutory calendar (调休
included), then the factory's working week."""

from datetime import UTC, date, datetime, time

import pytest

from factories import calendar
from factories.models import CalendarDay, StatutoryCalendar
from tests.factories import FactoryFactory, ShiftFactory

pytestmark = pytest.mark.django_db
Kind = CalendarDay.Kind


def test_statutory_holiday_is_a_holiday():
    factory = FactoryFactory()
    entry = calendar.calendar_day(factory, date(2026, 10, 1))
    assert (entry.kind, entry.source, entry.note) == (Kind.HOLIDAY, "statutory", "National Day")
    assert not entry.is_working


def test_adjusted_working_sunday_is_a_working_day():
    factory = FactoryFactory()
    entry = calendar.calendar_day(factory, date(2026, 9, 20))  # Sunday, 调休 for National Day
    assert (entry.kind, entry.source) == (Kind.WORKDAY, "statutory")


def test_day_off_in_lieu_is_a_rest_day_not_a_holiday():
    factory = FactoryFactory()
    assert calendar.calendar_day(factory, date(2026, 10, 7)).kind == Kind.REST


def test_ordinary_sunday_is_a_rest_day_in_a_six_day_week():
    factory = FactoryFactory()
    assert calendar.calendar_day(factory, date(2026, 11, 29)).kind == Kind.REST
    assert calendar.calendar_day(factory, date(2026, 11, 28)).kind == Kind.WORKDAY  # Saturday


def test_factory_override_beats_the_statutory_calendar():
    factory = FactoryFactory()
    CalendarDay.objects.create(
        factory=factory, date=date(2026, 10, 1), kind=Kind.WORKDAY, overtime_minutes=60
    )
    entry = calendar.calendar_day(factory, date(2026, 10, 1))
    assert (entry.kind, entry.overtime_minutes, entry.source) == (Kind.WORKDAY, 60, "factory")


def test_factory_without_statutory_calendar_follows_its_week_only():
    factory = FactoryFactory(
        time_zone="Asia/Ho_Chi_Minh",
        statutory_calendar=StatutoryCalendar.NONE,
        working_weekdays=[0, 1, 2, 3, 4],
    )
    assert calendar.calendar_day(factory, date(2026, 10, 1)).kind == Kind.WORKDAY
    assert calendar.calendar_day(factory, date(2026, 9, 20)).kind == Kind.REST
    assert calendar.calendar_day(factory, date(2026, 11, 28)).kind == Kind.REST  # Saturday


def test_year_unknown_to_the_statutory_calendar_falls_back_to_the_week():
    factory = FactoryFactory()
    assert calendar.calendar_day(factory, date(2031, 1, 6)).source == "week"


def test_working_days_after_skips_the_national_day_week():
    factory = FactoryFactory()
    # From Wed 30 Sep 2026: Oct 1-7 off; Sat 10 Oct is 调休 work; Sun 11 Oct off.
    assert calendar.working_days_after(factory, date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.working_days_after(factory, date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert calendar.working_days_after(factory, date(2026, 9, 30), 4) == date(2026, 10, 12)


def test_working_days_between_counts_the_days_after_start_through_end():
    factory = FactoryFactory()
    assert calendar.working_days_between(factory, date(2026, 11, 29), date(2026, 12, 5)) == 6


def test_shift_window_of_the_default_shift_in_the_factorys_zone():
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    ShiftFactory(factory=factory, starts_at=time(8), ends_at=time(17, 30), break_minutes=90)
    window = calendar.shift_window(factory, date(2026, 12, 1))
    assert (window.start, window.end) == (
        datetime(2026, 12, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )
    assert window.minutes == 480


def test_shift_windows_only_on_working_days():
    factory = FactoryFactory()
    windows = calendar.shift_windows(factory, date(2026, 11, 28), date(2026, 11, 30))
    assert [w.day for w in windows] == [date(2026, 11, 28), date(2026, 11, 30)]


def test_weekend_inside_a_holiday_block_is_a_rest_day_not_a_statutory_holiday():
    factory = FactoryFactory()
    entry = calendar.calendar_day(factory, date(2026, 10, 4))  # Sunday of the National Day block
    assert (entry.kind, entry.statutory_holiday) == (Kind.REST, False)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 16),  # lunar New Year's Eve (statutory from 2025)
        date(2026, 2, 19),  # 3rd day of the first lunar month
        date(2026, 4, 5),  # Qingming, the solar term
        date(2026, 5, 2),  # Labour Day's second day (from 2025)
        date(2026, 6, 19),  # Dragon Boat, 5th of the 5th lunar month
        date(2026, 9, 25),  # Mid-Autumn, 15th of the 8th lunar month
        date(2026, 10, 3),
    ],
)
def test_statutory_holidays_named_by_law(day):
    entry = calendar.calendar_day(FactoryFactory(), day)
    assert (entry.kind, entry.statutory_holiday) == (Kind.HOLIDAY, True)


def test_statutory_holidays_are_known_before_the_yearly_arrangement_is_published():
    factory = FactoryFactory()
    eve = calendar.calendar_day(factory, date(2027, 2, 5))  # lunar New Year's Eve 2027
    assert (eve.kind, eve.statutory_holiday, eve.source) == (Kind.HOLIDAY, True, "statutory")
    assert calendar.calendar_day(factory, date(2027, 2, 10)).source == "week"


def test_a_statutory_holiday_the_factory_works_stays_a_statutory_holiday_for_wages():
    factory = FactoryFactory()
    CalendarDay.objects.create(factory=factory, date=date(2026, 10, 1), kind=Kind.WORKDAY)
    entry = calendar.calendar_day(factory, date(2026, 10, 1))
    assert (entry.is_working, entry.statutory_holiday) == (True, True)
