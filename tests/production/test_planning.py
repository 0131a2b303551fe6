"""Re-planning a factory, moving a work order, capable-to-promise, line balances."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError
from factories.calendar import line_capacity
from factories.clock import factory_today
from factories.models import CalendarDay
from production.models import LineBalance, ScheduleEntry
from production.selectors import (
    booked_minutes_by_line_day,
    capable_to_promise,
    load_by_week,
    promise_from_plan,
)
from production.services import line_balance_create, schedule_move, schedule_replan
from tests.factories import (
    SewingLineFactory,
    WorkerSkillFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lines(floor):
    second = SewingLineFactory(factory=floor.factory, planned_headcount=3)
    for n in range(4):
        wo = WorkOrderFactory(
            factory=floor.factory,
            version=floor.work_order.version,
            cut_quantity=400,
            due_date=dt.date.today() + dt.timedelta(days=5 + n),
        )
        WorkOrderOperationFactory(work_order=wo, sam=Decimal("3.000"))
    return floor, second


def test_replanning_books_no_line_past_its_capacity(two_lines):
    floor, _second = two_lines
    schedule_replan(factory=floor.factory)
    booked = booked_minutes_by_line_day(floor.factory)
    today = factory_today(floor.factory)
    capacity = line_capacity(factory=floor.factory, start=today, end=today + dt.timedelta(400))
    assert ScheduleEntry.objects.filter(factory=floor.factory, line__isnull=False).count() == 5
    for line, days in booked.items():
        for day, minutes in days.items():
            assert minutes <= capacity[line][day]


def test_moving_a_work_order_pins_it_and_replans(two_lines):
    floor, second = two_lines
    schedule_replan(factory=floor.factory)
    entry = ScheduleEntry.objects.filter(factory=floor.factory).order_by("sequence").first()
    start = factory_today(floor.factory) + dt.timedelta(days=10)
    # (after its due date: a move the planner confirms, see tests/production/test_schedule.py)
    moved = schedule_move(entry=entry, line=second, start=start, confirm=True)
    assert (moved.line, moved.pinned_line, moved.start_date >= start) == (second, second, True)


def test_moving_into_the_past_is_refused(two_lines):
    floor, second = two_lines
    schedule_replan(factory=floor.factory)
    entry = ScheduleEntry.objects.filter(factory=floor.factory).first()
    with pytest.raises(DomainError):
        schedule_move(entry=entry, line=second, start=dt.date(2000, 1, 1))
    entry.refresh_from_db()
    assert entry.pinned_line is None


def test_load_by_week_adds_up_to_the_plan(two_lines):
    floor, _second = two_lines
    schedule_replan(factory=floor.factory)
    weeks = load_by_week(floor.factory, weeks=52)
    planned = sum(e.load_minutes for e in ScheduleEntry.objects.filter(factory=floor.factory))
    assert sum(w["booked"] for w in weeks) == planned


def test_capable_to_promise_reads_the_plan(two_lines):
    floor, _second = two_lines
    empty = promise_from_plan(factory=floor.factory, order_minutes=3000)
    schedule_replan(factory=floor.factory)
    busy = promise_from_plan(factory=floor.factory, order_minutes=3000)
    assert busy.finish > empty.finish


def test_a_line_balance_uses_skills_and_is_current(floor):
    for worker, machine in zip(floor.workers, ["overlock", "overlock", "lockstitch"], strict=True):
        WorkerSkillFactory(worker=worker, machine_type=machine, efficiency=Decimal("1.00"))
    first = line_balance_create(work_order=floor.work_order, line=floor.line)
    second = line_balance_create(work_order=floor.work_order, line=floor.line)
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.cycle_time) == (
        False,
        True,
        Decimal("0.900"),  # 3 overlock operations × 0.6 SAM over the 2 overlock operators
    )
    assert LineBalance.objects.filter(work_order=floor.work_order).count() == 2


def test_orders_promise_follows_the_factory_calendar(floor):
    today = factory_today(floor.factory)
    before = capable_to_promise(
        factory=floor.factory, version=None, quantity=100, sam=Decimal("10")
    )
    for n in range(30):
        CalendarDay.objects.create(
            factory=floor.factory, date=today + dt.timedelta(days=n), kind="holiday"
        )
    after = capable_to_promise(factory=floor.factory, version=None, quantity=100, sam=Decimal("10"))
    assert (
        before.method,
        after.date > today + dt.timedelta(days=30),
        after.date > before.date,
    ) == (
        "finite-capacity-plan",
        True,
        True,
    )


def test_measured_efficiency_comes_from_the_gaps_between_records(floor):
    from django.utils import timezone

    from factories.models import WorkerSkill
    from production.models import OperationRecord
    from production.services import operation_record_create, worker_skills_measure

    start = timezone.now() - dt.timedelta(hours=3)
    # Worker 0 finishes a bundle (20 × 0.6 SAM = 12 min earned) every 15 minutes: 80 %.
    for n, bundle in enumerate(floor.bundles):
        for m, op in enumerate(floor.operations):
            operation_record_create(
                factory=floor.factory,
                bundle=bundle,
                operation=op,
                worker=floor.workers[0],
                source=OperationRecord.Source.SCAN,
                recorded_at=start + dt.timedelta(minutes=15 * (3 * n + m)),
            )
    written = worker_skills_measure(factory=floor.factory)
    skill = WorkerSkill.objects.get(worker=floor.workers[0], machine_type="overlock")
    assert (written, skill.efficiency, skill.measured_at is not None) == (
        1,
        Decimal("0.80"),
        True,
    )


def test_unpinning_the_entry_of_a_cancelled_work_order_is_a_409_and_changes_nothing(two_lines, api):
    from core.roles import Role
    from production.services import work_order_cancel
    from tests.factories import MembershipFactory, UserFactory

    # given a pinned plan entry whose work order was then cancelled (before any re-plan)
    floor, second = two_lines
    planner = UserFactory()
    MembershipFactory(user=planner, organization=floor.factory.organization, role=Role.PLANNER)
    schedule_replan(factory=floor.factory)
    entry = (
        ScheduleEntry.objects.filter(factory=floor.factory)
        .exclude(work_order=floor.work_order)
        .first()
    )
    ScheduleEntry.objects.filter(pk=entry.pk).update(pinned_line=second)
    work_order_cancel(work_order=entry.work_order, reason="merchant cancelled", by=planner)

    # when the planner unpins it
    api.force_login(planner)
    response = api.post(f"/api/v1/schedule/{entry.pk}/unpin/")

    # then the answer says the work order is no longer planned, and the entry is unchanged
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    entry.refresh_from_db()
    assert entry.pinned_line == second
