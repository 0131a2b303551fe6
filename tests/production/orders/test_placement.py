"""A converted order's work order is placed on the plan by itself, after the conversion
commits, in the capacity the plan leaves free — no re-plan needed."""

import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.db import connection

from factories.calendar import line_capacity
from factories.clock import factory_today
from production.models import ScheduleEntry, WorkOrder
from production.selectors import booked_minutes_by_line_day, gantt
from production.services import order_convert, schedule_replan
from tests.factories import SewingLineFactory, WorkOrderFactory, WorkOrderOperationFactory

pytestmark = pytest.mark.django_db


def test_a_converted_order_appears_on_the_schedule_without_a_replan(
    accepted_order, planner, factory, django_capture_on_commit_callbacks
):
    line = SewingLineFactory(factory=factory, planned_headcount=10)

    with django_capture_on_commit_callbacks() as callbacks:
        result = order_convert(order=accepted_order, by=planner)
    placed_before_commit = ScheduleEntry.objects.filter(factory=factory).exists()
    for callback in callbacks:  # the conversion's transaction commits
        callback()

    entry = ScheduleEntry.objects.get(work_order_id=result.work_order_id)
    work_order = WorkOrder.objects.get(pk=result.work_order_id)
    today = factory_today(factory)
    assert placed_before_commit is False
    assert (entry.line, work_order.line, entry.is_unplaced) == (line, line, False)
    assert entry.start_date >= today
    assert entry.load_minutes > 0
    bars = [bar["number"] for row in gantt(factory)["rows"] for bar in row["bars"]]
    assert bars == [work_order.number]


def test_placement_takes_the_earliest_free_capacity_and_moves_nothing_planned(
    accepted_order, planner, factory, django_capture_on_commit_callbacks
):
    busy = SewingLineFactory(factory=factory, code="A", planned_headcount=10)
    free = SewingLineFactory(factory=factory, code="B", planned_headcount=10)
    # Line A is booked for the next weeks by a work order a planner pinned there.
    planned = WorkOrderFactory(
        factory=factory,
        version=accepted_order.version,
        cut_quantity=3000,
        due_date=factory_today(factory) + dt.timedelta(days=60),
    )
    WorkOrderOperationFactory(work_order=planned, sam=Decimal("12.000"))
    schedule_replan(factory=factory)
    ScheduleEntry.objects.filter(work_order=planned).update(pinned_line=busy)
    schedule_replan(factory=factory)
    before = ScheduleEntry.objects.filter(work_order=planned).values_list(
        "line_id", "start_date", "finish_date", "daily_minutes"
    )[0]

    with django_capture_on_commit_callbacks(execute=True):
        result = order_convert(order=accepted_order, by=planner)

    entry = ScheduleEntry.objects.get(work_order_id=result.work_order_id)
    after = ScheduleEntry.objects.filter(work_order=planned).values_list(
        "line_id", "start_date", "finish_date", "daily_minutes"
    )[0]
    assert entry.line == free
    assert after == before
    today = factory_today(factory)
    capacity = line_capacity(factory=factory, start=today, end=today + dt.timedelta(days=200))
    for line_id, days in booked_minutes_by_line_day(factory).items():
        for day, minutes in days.items():
            assert minutes <= capacity[line_id][day]


def test_without_a_line_the_work_order_waits_as_unplaced(
    accepted_order, planner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = order_convert(order=accepted_order, by=planner)

    entry = ScheduleEntry.objects.get(work_order_id=result.work_order_id)
    assert (entry.is_unplaced, entry.line_id) == (True, None)


@pytest.fixture
def worker(eager_celery, transactional_db):
    """`celery -A config worker` on the test database (as tests/orders/test_webhook_worker.py)."""
    eager_celery.conf.task_always_eager = False
    eager_celery.control.purge()
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_places_the_converted_work_order(worker, accepted_order, planner, factory):
    line = SewingLineFactory(factory=factory, planned_headcount=10)

    result = order_convert(order=accepted_order, by=planner)  # commits: the task is queued

    deadline = time.monotonic() + 90
    entry = None
    while time.monotonic() < deadline and entry is None:
        time.sleep(0.5)
        entry = ScheduleEntry.objects.filter(work_order_id=result.work_order_id).first()
    assert entry is not None, worker.stderr
    assert (entry.line, entry.is_unplaced) == (line, False)
