"""factory_boy factories of payroll/ (`fb` is factory_boy: `factory` is a field name here)."""

from datetime import date
from decimal import Decimal

import factory as fb
from django.utils import timezone

from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    Dispute,
    PayAdjustment,
    PayPeriod,
    PayPolicy,
    Payslip,
    PeriodKind,
    RateAdjustment,
    TimeEntry,
    TimeKind,
    TimeRate,
    WageDay,
    WageLine,
)
from tests.factories.floor import FactoryFactory, WorkerFactory

__all__ = [
    "PayPolicyFactory",
    "RateAdjustmentFactory",
    "TimeRateFactory",
    "TimeEntryFactory",
    "AttendanceEventFactory",
    "AttendanceDayFactory",
    "PayPeriodFactory",
    "PayAdjustmentFactory",
    "WageLineFactory",
    "WageDayFactory",
    "PayslipFactory",
    "DisputeFactory",
]


class PayPolicyFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = PayPolicy
        django_get_or_create = ("factory",)

    factory = fb.SubFactory(FactoryFactory)


class RateAdjustmentFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = RateAdjustment

    factory = fb.SubFactory(FactoryFactory)
    kind = RateAdjustment.Kind.GRADE
    grade = 4
    multiplier = Decimal("1.100")


class TimeRateFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = TimeRate
        django_get_or_create = ("factory", "kind")

    factory = fb.SubFactory(FactoryFactory)
    kind = TimeKind.TRAINING
    hourly_rate = Decimal("18.00")


class WorkerOwned(fb.django.DjangoModelFactory):
    class Meta:
        abstract = True

    worker = fb.SubFactory(WorkerFactory)
    factory = fb.SelfAttribute("worker.factory")


class TimeEntryFactory(WorkerOwned):
    class Meta:
        model = TimeEntry

    day = date(2026, 3, 2)
    kind = TimeKind.TRAINING
    minutes = 60
    reason = "new style training"


class AttendanceEventFactory(WorkerOwned):
    class Meta:
        model = AttendanceEvent

    at = fb.LazyFunction(timezone.now)
    direction = AttendanceEvent.Direction.IN


class AttendanceDayFactory(WorkerOwned):
    class Meta:
        model = AttendanceDay

    day = date(2026, 3, 2)
    minutes = 480


class PayPeriodFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = PayPeriod

    factory = fb.SubFactory(FactoryFactory)
    kind = PeriodKind.MONTHLY
    starts_on = date(2026, 3, 1)
    ends_on = date(2026, 3, 31)


class PeriodOwned(fb.django.DjangoModelFactory):
    class Meta:
        abstract = True

    period = fb.SubFactory(PayPeriodFactory)
    worker = fb.SubFactory(WorkerFactory, line__factory=fb.SelfAttribute("...period.factory"))
    factory = fb.SelfAttribute("period.factory")


class PayAdjustmentFactory(PeriodOwned):
    class Meta:
        model = PayAdjustment

    amount = Decimal("12.50")
    reason = "missed bundle last month"


class WageLineFactory(PeriodOwned):
    class Meta:
        model = WageLine

    day = date(2026, 3, 2)
    operation_code = "OP01"
    operation_name = "Join shoulders"
    good_pieces = 100
    piece_rate = Decimal("0.2160")
    multiplier = Decimal("1")
    earned_minutes = Decimal("60.00")
    amount = Decimal("21.60")


class WageDayFactory(PeriodOwned):
    class Meta:
        model = WageDay

    day = date(2026, 3, 2)
    day_kind = WageDay.DayKind.WORKDAY
    good_pieces = 100
    piece_pay = Decimal("21.60")
    total = Decimal("21.60")


class PayslipFactory(PeriodOwned):
    class Meta:
        model = Payslip

    employee_no = fb.SelfAttribute("worker.employee_no")
    worker_name = fb.SelfAttribute("worker.name")
    piece_pay = Decimal("21.60")
    gross = Decimal("21.60")


class DisputeFactory(WorkerOwned):
    class Meta:
        model = Dispute

    day = date(2026, 3, 2)
    subject = "OP01"
    message = "I sewed 120, not 100."
