"""Demo payroll for the Lusong demo factory: Hunan's minimum wage, time rates, grade multipliers,
attendance for every operator-day that has operation records, and a pay period for each month
with records and for the current month: the months that have ended calculated, approved and
paid, the current one open. Idempotent."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.models import User
from factories.clock import factory_today
from factories.models import Worker
from payroll import services
from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    Dispute,
    PayPeriod,
    PayPolicy,
    RateAdjustment,
    TimeKind,
    TimeRate,
)
from production.models import OperationRecord

TIME_RATES = {
    TimeKind.TRAINING: Decimal("20.00"),
    TimeKind.WAITING: Decimal("15.00"),
    TimeKind.MACHINE_DOWN: Decimal("18.00"),
    TimeKind.OTHER: Decimal("15.00"),
}
GRADE_MULTIPLIERS = {1: "0.950", 3: "1.050", 4: "1.100"}
# Two shifts of attendance: 07:55–12:00 and 13:30–17:35 (490 minutes), Saturdays till 17:00.
SHIFTS = [((7, 55), (12, 0)), ((13, 30), (17, 35))]


def seed(world) -> None:
    factory = world.factory
    clerk = User.objects.filter(username=f"{factory.code}-payroll").first()
    PayPolicy.objects.get_or_create(factory=factory)  # rest days and holidays: its calendar
    for kind, rate in TIME_RATES.items():
        TimeRate.objects.get_or_create(factory=factory, kind=kind, defaults={"hourly_rate": rate})
    for grade, multiplier in GRADE_MULTIPLIERS.items():
        RateAdjustment.objects.get_or_create(
            factory=factory,
            kind=RateAdjustment.Kind.GRADE,
            grade=grade,
            operation_code="",
            defaults={"multiplier": Decimal(multiplier), "reason": "技能等级"},
        )
    worker_days = _worker_days(factory)
    if not worker_days:
        return
    _attendance(factory, worker_days, clerk)
    first_day = min(day for _w, day in worker_days)
    last_day = max(day for _w, day in worker_days)
    _time_work(factory, worker_days, clerk)
    _dispute(factory, last_day)
    # Every month with records has its period, and so has the month the factory is in now (on
    # the 1st, before its first record).
    today = factory_today(factory)
    month = first_day.replace(day=1)
    while month <= max(last_day, today):
        period = PayPeriod.objects.filter(factory=factory, starts_on=month).first()
        if period is None:
            period = services.pay_period_open(factory=factory, starts_on=month, by=clerk)
        # A period that has ended is calculated, approved and paid; the one the factory is in
        # stays open, as it would be, so its wages are the live calculation of its days so far
        # (a calculation stored mid-period would freeze the screen's wages at seeding time).
        if not period.is_locked and period.ends_on < today:
            services.pay_period_calculate(period=period, by=clerk)
            services.pay_period_approve(period=period, by=clerk, confirm_open_disputes=True)
            services.pay_period_mark_paid(period=period, by=clerk)
        month = period.ends_on + timedelta(days=1)


def _worker_days(factory) -> set:
    return set(
        OperationRecord.objects.filter(factory=factory, voided_at__isnull=True)
        .order_by()
        .values_list("worker_id", "work_date")
        .distinct()
    )


def _attendance(factory, worker_days: set, clerk) -> None:
    zone = ZoneInfo(factory.time_zone)
    known = set(AttendanceDay.objects.filter(factory=factory).values_list("worker_id", "day"))
    events, days = [], []
    for worker_id, day in sorted(worker_days - known):
        minutes = 0
        for (in_h, in_m), (out_h, out_m) in SHIFTS:
            late = (worker_id + day.day) % 7  # a few minutes of natural variation
            clock_in = datetime.combine(day, time(in_h, in_m), tzinfo=zone) + timedelta(
                minutes=late % 4
            )
            clock_out = datetime.combine(day, time(out_h, out_m), tzinfo=zone) + timedelta(
                minutes=late * 9 if day.weekday() < 5 else 0
            )
            events += [
                AttendanceEvent(factory=factory, worker_id=worker_id, at=clock_in, direction="in"),
                AttendanceEvent(
                    factory=factory, worker_id=worker_id, at=clock_out, direction="out"
                ),
            ]
            minutes += int((clock_out - clock_in).total_seconds() // 60)
        days.append(AttendanceDay(factory=factory, worker_id=worker_id, day=day, minutes=minutes))
    AttendanceEvent.objects.bulk_create(events, batch_size=1000)
    AttendanceDay.objects.bulk_create(days, batch_size=1000)


def _time_work(factory, worker_days: set, clerk) -> None:
    """A line stop for a machine repair and a new-style training on two of the days."""
    ordered = sorted(worker_days, key=lambda pair: (pair[1], pair[0]))
    for index, (kind, minutes, reason) in enumerate(
        [
            (TimeKind.MACHINE_DOWN, 45, "平车断针，等待机修"),
            (TimeKind.TRAINING, 60, "新款工艺培训"),
        ]
    ):
        worker_id, day = ordered[min(index * 7, len(ordered) - 1)]
        if PayPeriod.objects.filter(
            factory=factory, starts_on__lte=day, ends_on__gte=day, status__in=PayPeriod.LOCKED
        ).exists():
            continue
        services.time_entry_record(
            factory=factory,
            worker=factory_worker(factory, worker_id),
            day=day,
            kind=kind,
            minutes=minutes,
            reason=reason,
            source_ref=f"demo-{kind}-{day}",
            by=clerk,
        )


def factory_worker(factory, worker_id):
    return Worker.objects.get(factory=factory, pk=worker_id)


def _dispute(factory, day: date) -> None:
    worker = Worker.objects.filter(factory=factory, user__isnull=False).first()
    if worker is None or Dispute.objects.filter(factory=factory, worker=worker).exists():
        return
    services.dispute_open(
        worker=worker,
        day=day,
        subject=str(day),
        message="这天绱袖我做了 6 扎，这里只算了 5 扎。",
        by=worker.user,
    )
