"""Line capacity from shifts, the calendar and day plans (factories.calendar)."""

import datetime
from decimal import Decimal

import pytest

from factories.calendar import line_capacity
from factories.models import CalendarDay
from tests.factories import (
    CalendarDayFactory,
    FactoryFactory,
    LineDayPlanFactory,
    SewingLineFactory,
    ShiftFactory,
)

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def line():
    factory = FactoryFactory()
    shift = ShiftFactory(factory=factory, starts_at=datetime.time(8), ends_at=datetime.time(17))
    return SewingLineFactory(
        factory=factory, shift=shift, planned_headcount=20, efficiency=Decimal("0.75")
    )


def test_capacity_is_headcount_times_shift_minutes_times_efficiency(line):
    capacity = line_capacity(factory=line.factory, start=MONDAY, end=MONDAY)
    assert capacity == {line.pk: {MONDAY: 20 * 480 * 3 // 4}}


def test_sunday_is_off_and_a_holiday_too(line):
    CalendarDayFactory(factory=line.factory, date=MONDAY, kind=CalendarDay.Kind.HOLIDAY)
    sunday = MONDAY + datetime.timedelta(days=6)
    capacity = line_capacity(factory=line.factory, start=MONDAY, end=sunday)[line.pk]
    assert (capacity[MONDAY], capacity[sunday], capacity[MONDAY + datetime.timedelta(1)]) == (
        0,
        0,
        7200,
    )


def test_overtime_and_a_day_plan_change_that_day_only(line):
    CalendarDayFactory(
        factory=line.factory, date=MONDAY, kind=CalendarDay.Kind.WORKDAY, overtime_minutes=120
    )
    LineDayPlanFactory(factory=line.factory, line=line, date=MONDAY, headcount=10)
    capacity = line_capacity(
        factory=line.factory, start=MONDAY, end=MONDAY + datetime.timedelta(days=1)
    )[line.pk]
    assert capacity == {MONDAY: 10 * 600 * 3 // 4, MONDAY + datetime.timedelta(days=1): 7200}
