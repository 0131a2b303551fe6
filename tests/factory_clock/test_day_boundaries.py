"""Day boundaries with the clock frozen: around midnight in the factory's zone, on the first of
a month, on a statutory holiday and on an adjusted working day (调休), the payroll day and the
capable-to-promise date agree with hand-computed fixtures. A factory in Ho Chi Minh City that
follows no statutory calendar keeps its own day.

China's 2026 calendar used below (chinese-calendar): 19 Sep (Sat) an ordinary Saturday; 20 Sep
(Sun) worked for National Day; 25–27 Sep Mid-autumn Festival; 1–5 Oct holidays; 6–7 Oct days
off in lieu; 10 Oct (Sat) worked; 11 Oct (Sun) off. The factories work Monday–Saturday.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from factories.models import Factory, StatutoryCalendar
from payroll import calculation
from payroll.models import AttendanceDay
from payroll.selectors import my_earnings
from payroll.services import attendance_clock
from production.models import OperationRecord
from production.selectors import capable_to_promise
from production.services import operation_record_create
from tests.factories import (
    BundleFactory,
    FactoryFactory,
    SewingLineFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def server_in_utc(settings):
    """The server's clock is in UTC, as on most hosts: a date taken from it shows here."""
    settings.TIME_ZONE = "UTC"


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def shanghai_id(value) -> str | None:
    """Test ids as Shanghai wall-clock times: `2026-10-01 00:30`."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return str(value) if isinstance(value, date | str) else None


# --- the payroll day -------------------------------------------------------------------------
@dataclass
class Floor:
    factory: Factory
    worker: object
    operation: object
    bundle: object


def floor_in(factory: Factory) -> Floor:
    """One operator and one bundle of 400 pieces at an operation paid 0.35 yuan (1 SAM min)."""
    work_order = WorkOrderFactory(version__style__factory=factory, status="sewing")
    operation = WorkOrderOperationFactory(
        work_order=work_order, code="B", sam=Decimal("1.000"), piece_rate=Decimal("0.3500")
    )
    bundle = BundleFactory(lay__marker__cut_plan__work_order=work_order, quantity=400)
    worker = WorkerFactory(line__factory=factory)
    return Floor(factory, worker, operation, bundle)


def work_a_full_day_now(floor: Floor) -> tuple[OperationRecord, AttendanceDay]:
    """At the frozen instant: the operator clocks in and completes the bundle (400 pieces,
    140.00 yuan); the attendance day the clock-in found is then a full 480-minute day."""
    attendance_clock(factory=floor.factory, worker=floor.worker, at=now(), direction="in", by=None)
    record = operation_record_create(
        factory=floor.factory,
        bundle=floor.bundle,
        operation=floor.operation,
        worker=floor.worker,
        source="scan",
    )
    attendance = AttendanceDay.objects.get(worker=floor.worker)
    AttendanceDay.objects.filter(pk=attendance.pk).update(minutes=480)
    return record, attendance


def now() -> datetime:
    return datetime.now(UTC)


# (instant, the factory's day, the day's kind, overtime premium on 140.00 yuan of piece pay)
# workday: 480 minutes, no overtime; rest day: every minute at 2× (+140.00); holiday: 3× (+280.00)
PAYROLL_DAYS = [
    (local(SHANGHAI, 2026, 9, 30, 23, 59), date(2026, 9, 30), "workday", "0.00"),
    (local(SHANGHAI, 2026, 10, 1, 0, 0), date(2026, 10, 1), "holiday", "280.00"),
    (local(SHANGHAI, 2026, 10, 1, 0, 30), date(2026, 10, 1), "holiday", "280.00"),
    (local(SHANGHAI, 2026, 10, 1, 8, 0), date(2026, 10, 1), "holiday", "280.00"),
    (local(SHANGHAI, 2026, 10, 7, 23, 59), date(2026, 10, 7), "rest_day", "140.00"),  # in lieu
    (local(SHANGHAI, 2026, 10, 10, 0, 30), date(2026, 10, 10), "workday", "0.00"),  # 调休
    (local(SHANGHAI, 2026, 10, 11, 0, 0), date(2026, 10, 11), "rest_day", "140.00"),
    (local(SHANGHAI, 2026, 9, 19, 23, 59), date(2026, 9, 19), "workday", "0.00"),
    (local(SHANGHAI, 2026, 9, 20, 0, 30), date(2026, 9, 20), "workday", "0.00"),  # 调休 Sunday
    (local(SHANGHAI, 2026, 11, 29, 8, 0), date(2026, 11, 29), "rest_day", "140.00"),  # Sunday
    (local(SHANGHAI, 2026, 11, 30, 23, 59), date(2026, 11, 30), "workday", "0.00"),
    (local(SHANGHAI, 2026, 12, 1, 0, 0), date(2026, 12, 1), "workday", "0.00"),  # the 1st
    (local(SHANGHAI, 2026, 12, 1, 0, 30), date(2026, 12, 1), "workday", "0.00"),
]


@pytest.mark.parametrize(("instant", "day", "kind", "premium"), PAYROLL_DAYS, ids=shanghai_id)
def test_the_payroll_day_is_the_factorys_day_with_its_calendars_premium(
    instant, day, kind, premium
):
    floor = floor_in(FactoryFactory(time_zone="Asia/Shanghai"))
    with time_machine.travel(instant, tick=False):
        record, attendance = work_a_full_day_now(floor)
        earnings = my_earnings(floor.worker)

    (wage_day,) = calculation.calculate(floor.factory, day, day).days
    assert (record.work_date, attendance.day, earnings.today) == (day, day, day)
    assert (wage_day.day, wage_day.day_kind, wage_day.piece_pay) == (day, kind, Decimal("140.00"))
    assert wage_day.overtime_premium == Decimal(premium)
    assert earnings.today_day.day_kind == kind


# --- the capable-to-promise date -------------------------------------------------------------
def promise_now(factory: Factory):
    """An order of 3 600 SAM minutes: exactly one day of the factory's one line (10 operators ×
    480 min × 0.75). It sews on the first working day after today, then 7 working days of buffer
    follow: the promise is the 8th working day after today."""
    return capable_to_promise(factory=factory, version=None, quantity=360, sam=Decimal("10"))


def one_line_factory(**fields) -> Factory:
    factory = FactoryFactory(**fields)
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    return factory


# (instant, the promise) — counted by hand on the calendar above
PROMISES = [
    # tomorrow is the adjusted working Sunday: sew 20 Sep; 21–24, 28–30 Sep
    (local(SHANGHAI, 2026, 9, 19, 23, 59), date(2026, 9, 30)),
    # sew 21 Sep; 22, 23, 24, 28, 29, 30 Sep, 8 Oct (Mid-autumn and National Day skipped)
    (local(SHANGHAI, 2026, 9, 20, 0, 0), date(2026, 10, 8)),
    (local(SHANGHAI, 2026, 9, 20, 0, 30), date(2026, 10, 8)),
    (local(SHANGHAI, 2026, 9, 20, 8, 0), date(2026, 10, 8)),
    # sew 30 Sep; 8, 9, 10 (worked Saturday), 12, 13, 14, 15 Oct
    (local(SHANGHAI, 2026, 9, 29, 23, 59), date(2026, 10, 15)),
    # tomorrow is National Day: sew 8 Oct; 9, 10, 12, 13, 14, 15, 16 Oct
    (local(SHANGHAI, 2026, 9, 30, 0, 0), date(2026, 10, 16)),
    (local(SHANGHAI, 2026, 9, 30, 0, 30), date(2026, 10, 16)),
    (local(SHANGHAI, 2026, 10, 1, 8, 0), date(2026, 10, 16)),  # on the holiday itself
    # on the worked Saturday: Sunday 11 off; sew 12 Oct; 13–17, 19, 20 Oct
    (local(SHANGHAI, 2026, 10, 10, 8, 0), date(2026, 10, 20)),
    # sew 1 Dec; 2, 3, 4, 5, 7, 8, 9 Dec
    (local(SHANGHAI, 2026, 11, 30, 23, 59), date(2026, 12, 9)),
    # on the first of the month: sew 2 Dec; 3, 4, 5, 7, 8, 9, 10 Dec
    (local(SHANGHAI, 2026, 12, 1, 0, 0), date(2026, 12, 10)),
    (local(SHANGHAI, 2026, 12, 1, 0, 30), date(2026, 12, 10)),
]


@pytest.mark.parametrize(("instant", "promised"), PROMISES, ids=shanghai_id)
def test_the_promise_counts_working_days_of_the_factorys_calendar_from_its_today(instant, promised):
    factory = one_line_factory(time_zone="Asia/Shanghai")
    with time_machine.travel(instant, tick=False):
        promise = promise_now(factory)

    assert (promise.date, promise.working_days, promise.order_minutes) == (promised, 8, 3600)
    assert promise.daily_capacity_minutes == 3600


# --- a factory in another zone, without a statutory calendar ---------------------------------
# 16:30 UTC on 30 September: 00:30 on National Day in Shanghai, 23:30 on 30 September in Saigon.
SHANGHAI_NATIONAL_DAY_00_30 = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)


def saigon_factory() -> Factory:
    return one_line_factory(time_zone="Asia/Ho_Chi_Minh", statutory_calendar=StatutoryCalendar.NONE)


def test_in_saigon_it_is_still_the_last_day_of_september_and_an_ordinary_workday():
    saigon, shanghai = floor_in(saigon_factory()), floor_in(FactoryFactory())
    with time_machine.travel(SHANGHAI_NATIONAL_DAY_00_30, tick=False):
        saigon_record, _ = work_a_full_day_now(saigon)
        shanghai_record, _ = work_a_full_day_now(shanghai)

    assert (saigon_record.work_date, shanghai_record.work_date) == (
        date(2026, 9, 30),
        date(2026, 10, 1),
    )
    (saigon_day,) = calculation.calculate(saigon.factory, date(2026, 9, 30), date(2026, 9, 30)).days
    assert (saigon_day.day_kind, saigon_day.overtime_premium) == ("workday", Decimal("0.00"))


def test_national_day_is_a_workday_in_saigon():
    floor = floor_in(saigon_factory())
    with time_machine.travel(local(SAIGON, 2026, 10, 1, 8, 0), tick=False):
        record, _ = work_a_full_day_now(floor)

    (day,) = calculation.calculate(floor.factory, date(2026, 10, 1), date(2026, 10, 1)).days
    assert (record.work_date, day.day_kind, day.overtime_premium) == (
        date(2026, 10, 1),
        "workday",
        Decimal("0.00"),
    )


def test_the_promise_in_saigon_runs_through_national_day():
    # Saigon's today is 30 Sep: sew 1 Oct; 2, 3, 5, 6, 7, 8, 9 Oct (only Sundays off).
    factory = saigon_factory()
    with time_machine.travel(SHANGHAI_NATIONAL_DAY_00_30, tick=False):
        promise = promise_now(factory)

    assert (promise.date, promise.working_days) == (date(2026, 10, 9), 8)
