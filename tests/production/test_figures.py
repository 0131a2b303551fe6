"""production's figures on the factory's calendar: the expected finish counts working days, the
plan curve comes from the schedule or the lines' capacity, available minutes from the shifts."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from factories.clock import day_bounds, days_bounds
from production import selectors
from production.services import operation_record_create
from tests.factories import (
    CalendarDayFactory,
    FactoryFactory,
    SewingLineFactory,
    ShiftFactory,
    WorkOrderFactory,
)
from tests.factories.shopfloor import ScheduleEntryFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def factory():
    return FactoryFactory()  # Monday to Saturday, China's statutory calendar


def test_expected_finish_skips_the_national_day_holidays(factory):
    # 40 SAM minutes left at 20 a day: two working days after Wed 09-30 — 10-01 to 10-07 are
    # holidays, so Thu 10-08 and Fri 10-09.
    finish = selectors.expected_finish(
        factory, remaining_sam=40, pace=20, planned_finish=None, today=date(2026, 9, 30)
    )

    assert finish == date(2026, 10, 9)


def test_expected_finish_works_on_an_adjusted_saturday_and_rests_on_sunday():
    factory = FactoryFactory(working_weekdays=[0, 1, 2, 3, 4])
    # Two working days after Fri 10-09: Sat 10-10 (worked for the holiday; Sundays are not) and
    # Mon 10-12.
    finish = selectors.expected_finish(
        factory, remaining_sam=20, pace=10, planned_finish=None, today=date(2026, 10, 9)
    )

    assert finish == date(2026, 10, 12)


def test_without_a_pace_the_expected_finish_is_the_plans(factory):
    planned = date(2026, 3, 20)

    assert (
        selectors.expected_finish(
            factory, remaining_sam=10, pace=None, planned_finish=planned, today=date(2026, 3, 2)
        ),
        selectors.expected_finish(
            factory, remaining_sam=0, pace=None, planned_finish=planned, today=date(2026, 3, 2)
        ),
    ) == (planned, date(2026, 3, 2))


@pytest.fixture
def line(factory):
    shift = ShiftFactory(factory=factory, starts_at=time(8), ends_at=time(16), break_minutes=0)
    return SewingLineFactory(
        factory=factory, shift=shift, planned_headcount=10, efficiency=Decimal("1.00")
    )


def test_an_unscheduled_line_plans_its_capacity_over_the_garment_sam(factory, line):
    WorkOrderFactory(version__factory=factory, line=line, sam_per_garment=Decimal("12.000"))

    # Mon 03-02 worked, Sun 03-08 not: 10 operators × 480 minutes ÷ 12 SAM.
    plan = selectors.planned_output(factory, date(2026, 3, 2), date(2026, 3, 8))

    assert plan[line.pk][date(2026, 3, 2)] == 400
    assert date(2026, 3, 8) not in plan[line.pk]


def test_the_schedules_work_sets_the_garment_sam_of_its_days(factory, line):
    WorkOrderFactory(version__factory=factory, line=line, sam_per_garment=Decimal("12.000"))
    scheduled = WorkOrderFactory(
        version__factory=factory, line=line, sam_per_garment=Decimal("16.000")
    )
    ScheduleEntryFactory(
        work_order=scheduled,
        line=line,
        start_date=date(2026, 3, 2),
        finish_date=date(2026, 3, 2),
        daily_minutes={"2026-03-02": 600},
    )

    plan = selectors.planned_output(factory, date(2026, 3, 2), date(2026, 3, 3))

    # 4,800 minutes of capacity: of the scheduled work on 03-02, of both open work orders
    # (14 SAM on average) on 03-03.
    assert plan[line.pk] == {date(2026, 3, 2): 300.0, date(2026, 3, 3): 4800 / 14}


def test_the_hourly_plan_spreads_the_day_over_the_shift(factory, line):
    WorkOrderFactory(version__factory=factory, line=line, sam_per_garment=Decimal("12.000"))
    hours = [datetime(2026, 3, 2, h, tzinfo=SHANGHAI).astimezone(UTC) for h in (7, 8, 15, 16)]

    assert selectors.planned_output_by_hour(factory, hours) == [0.0, 50.0, 50.0, 0.0]


def test_available_minutes_are_the_shift_and_the_days_overtime(factory, line):
    from tests.dashboards.floor import build_floor

    CalendarDayFactory(factory=factory, date=date(2026, 3, 2), kind="workday", overtime_minutes=60)
    floor = build_floor(factory, line)
    operation_record_create(
        factory=factory,
        bundle=floor.bundles[0],
        operation=floor.last,
        worker=floor.worker,
        source="scan",
        recorded_at=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI),
    )
    operation_record_create(
        factory=factory,
        bundle=floor.bundles[1],
        operation=floor.last,
        worker=floor.worker,
        source="scan",
        recorded_at=datetime(2026, 3, 3, 10, tzinfo=SHANGHAI),
    )

    # Two operator-days: 480 + 60 overtime on 03-02, 480 on 03-03.
    assert selectors.available_minutes(
        factory, *days_bounds(factory, date(2026, 3, 2), date(2026, 3, 3))
    ) == Decimal(1020)
    assert selectors.person_days(factory, *day_bounds(factory, date(2026, 3, 2))) == 1
