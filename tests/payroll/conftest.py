"""A small shop floor for payroll tests: one factory, a work order with two operations, and
helpers that write operation records, attendance and time work directly (the rules under test
are payroll's, not production's recording rules)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.roles import Role
from factories.models import Factory
from payroll.models import AttendanceDay, PayPolicy, TimeEntry
from production.models import Bundle, OperationRecord, WorkOrderOperation
from tests.factories import (
    LayFactory,
    MembershipFactory,
    UserFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Shop:
    factory: Factory
    op_a: WorkOrderOperation  # 0.2160 yuan, 0.6 SAM minutes
    op_b: WorkOrderOperation  # 0.3500 yuan, 1.0 SAM minutes
    lay: object
    bundles: int = 0

    def worker(self, **fields):
        return WorkerFactory(line__factory=self.factory, grade=fields.pop("grade", 2), **fields)

    def record(
        self, worker, day: date, operation=None, good=0, defective=0, rework=False, voided=False
    ) -> OperationRecord:
        operation = operation or self.op_a
        self.bundles += 1
        bundle = Bundle.objects.create(
            factory=self.factory,
            work_order=operation.work_order,
            lay=self.lay,
            number=self.bundles,
            size="M",
            colour="Black",
            quantity=max(good + defective, 1),
        )
        at = datetime.combine(day, time(10, 0), tzinfo=SHANGHAI)
        return OperationRecord.objects.create(
            factory=self.factory,
            bundle=bundle,
            operation=operation,
            work_order=operation.work_order,
            worker=worker,
            recorded_at=at,
            work_date=day,
            good_pieces=good,
            defective_pieces=defective,
            is_rework=rework,
            source="scan",
            voided_at=at if voided else None,
        )

    def attend(self, worker, day: date, minutes: int) -> AttendanceDay:
        return AttendanceDay.objects.create(
            factory=self.factory, worker=worker, day=day, minutes=minutes
        )

    def time_work(self, worker, day: date, kind: str, minutes: int) -> TimeEntry:
        return TimeEntry.objects.create(
            factory=self.factory, worker=worker, day=day, kind=kind, minutes=minutes, reason="t"
        )

    def policy(self, **fields) -> PayPolicy:
        policy, _created = PayPolicy.objects.update_or_create(factory=self.factory, defaults=fields)
        return policy

    def user(self, role: str, username: str):
        user = UserFactory(username=username)
        MembershipFactory(user=user, organization=self.factory.organization, role=role)
        return user


@pytest.fixture
def shop(db) -> Shop:
    work_order = WorkOrderFactory()
    factory = work_order.factory
    op_a = WorkOrderOperationFactory(
        work_order=work_order,
        code="A",
        name="Join shoulders",
        sam=Decimal("0.600"),
        piece_rate=Decimal("0.2160"),
    )
    op_b = WorkOrderOperationFactory(
        work_order=work_order,
        code="B",
        name="Set sleeves",
        sam=Decimal("1.000"),
        piece_rate=Decimal("0.3500"),
    )
    lay = LayFactory(marker__cut_plan__work_order=work_order)
    return Shop(factory=factory, op_a=op_a, op_b=op_b, lay=lay)


@pytest.fixture
def clerk(shop):
    return shop.user(Role.PAYROLL_CLERK, "clerk")
