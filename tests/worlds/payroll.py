from production.models import WorkOrderOperation
from tests.factories import (
    AttendanceDayFactory,
    AttendanceEventFactory,
    DisputeFactory,
    PayAdjustmentFactory,
    PayPeriodFactory,
    PayPolicyFactory,
    PayslipFactory,
    RateAdjustmentFactory,
    TimeEntryFactory,
    TimeRateFactory,
    WageDayFactory,
    WageLineFactory,
)


def populate(world) -> None:
    factory, worker = world.factory, world.worker
    worker.user = world.users["worker"]
    worker.save(update_fields=["user"])
    operation = WorkOrderOperation.objects.filter(factory=factory).first()
    PayPolicyFactory(factory=factory)
    RateAdjustmentFactory(factory=factory)
    TimeRateFactory(factory=factory)
    TimeEntryFactory(worker=worker)
    AttendanceEventFactory(worker=worker)
    AttendanceDayFactory(worker=worker)
    world.pay_period = PayPeriodFactory(factory=factory, status="calculated")
    PayAdjustmentFactory(period=world.pay_period, worker=worker)
    WageLineFactory(period=world.pay_period, worker=worker, operation=operation)
    WageDayFactory(period=world.pay_period, worker=worker)
    PayslipFactory(period=world.pay_period, worker=worker)
    DisputeFactory(worker=worker, operation=operation)
