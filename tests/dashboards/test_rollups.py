"""Rollup rebuilds: a day is rebuilt from its hours, idempotently."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboards import services
from dashboards.models import FactoryDay, LineDay, OutputHour
from tests.factories import MachineHourFactory, OutputHourFactory, WorkerFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
# 09:00 in Shanghai on DAY is 01:00 UTC.
HOUR = dt.datetime(2026, 3, 10, 1, tzinfo=dt.UTC)


@pytest.fixture
def hours(factory, line):
    first = WorkerFactory(factory=factory, line=line)
    second = WorkerFactory(factory=factory, line=line)
    OutputHourFactory(factory=factory, line=line, worker=first, hour=HOUR, finished=30, good=240)
    OutputHourFactory(
        factory=factory, line=line, worker=second, hour=HOUR, finished=25, good=200, defective=8
    )
    # 23:30 the evening before in Shanghai belongs to the previous local day.
    OutputHourFactory(
        factory=factory,
        line=line,
        worker=first,
        hour=dt.datetime(2026, 3, 9, 15, tzinfo=dt.UTC),
        finished=99,
    )
    MachineHourFactory(factory=factory, hour=HOUR, running_seconds=3000, idle_seconds=600)


def test_day_rebuild_sums_the_local_days_hours(factory, hours):
    day = services.day_rebuild(factory_id=factory.pk, day=DAY)

    assert (day.finished, day.good, day.defective) == (55, 440, 10)
    assert day.earned_minutes == Decimal("240.00")
    assert (day.running_seconds, day.idle_seconds) == (3000, 600)


def test_day_rebuild_writes_one_line_day_per_line(factory, line, hours):
    services.day_rebuild(factory_id=factory.pk, day=DAY)

    rows = list(LineDay.objects.filter(factory=factory).values_list("line_id", "finished", "good"))
    assert rows == [(line.pk, 55, 440)]


def test_day_rebuild_twice_gives_the_same_rows(factory, hours):
    services.day_rebuild(factory_id=factory.pk, day=DAY)
    first = list(FactoryDay.objects.values()) + list(LineDay.objects.values("line_id", "finished"))

    services.day_rebuild(factory_id=factory.pk, day=DAY)

    second = list(FactoryDay.objects.values()) + list(LineDay.objects.values("line_id", "finished"))
    assert second == first
    assert FactoryDay.objects.count() == 1


def test_day_rebuild_counts_active_employees(factory, line, hours):
    WorkerFactory(factory=factory, line=line, is_active=False)

    day = services.day_rebuild(factory_id=factory.pk, day=DAY)

    assert day.employees == 2


# --- from production's operation records, through core.realtime -------------------------------


@pytest.fixture
def floor(factory, line, settings):
    from tests.dashboards.floor import build_floor

    # The rebuild itself is under test here, not the trip through a Celery worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True

    return build_floor(factory, line)


def test_a_recorded_operation_lands_in_the_hour(factory, floor, django_capture_on_commit_callbacks):
    from tests.dashboards.floor import record

    with django_capture_on_commit_callbacks(execute=True):
        record(floor, floor.bundles[0], floor.first)
        record(floor, floor.bundles[0], floor.last, defective_pieces=2, good_pieces=18)

    row = OutputHour.objects.get(factory=factory)
    assert (row.good, row.defective, row.finished) == (38, 2, 18)
    assert row.work_order_id == floor.work_order.pk
    assert row.earned_minutes == Decimal("22.80")
    assert FactoryDay.objects.get(factory=factory).finished == 18


def test_a_voided_record_leaves_the_rollup(factory, floor, django_capture_on_commit_callbacks):
    from production.services import operation_record_void
    from tests.dashboards.floor import record

    with django_capture_on_commit_callbacks(execute=True):
        done = record(floor, floor.bundles[0], floor.last)
    with django_capture_on_commit_callbacks(execute=True):
        operation_record_void(record=done, reason="wrong bundle", by=None)

    assert OutputHour.objects.filter(factory=factory).count() == 0


def test_rebuilding_an_hour_twice_gives_the_same_rows(factory, floor):
    from tests.dashboards.floor import record

    done = record(floor, floor.bundles[1], floor.last)
    services.output_hour_rebuild(factory_id=factory.pk, hour=done.recorded_at)
    first = list(OutputHour.objects.values("good", "finished", "worker_id", "hour"))

    services.output_hour_rebuild(factory_id=factory.pk, hour=done.recorded_at)

    assert list(OutputHour.objects.values("good", "finished", "worker_id", "hour")) == first


def test_operator_days_and_available_minutes_are_productions(factory, floor):
    from tests.dashboards.floor import record

    done = record(floor, floor.bundles[0], floor.last, recorded_at=HOUR)
    record(floor, floor.bundles[1], floor.last, recorded_at=HOUR + dt.timedelta(minutes=20))

    services.output_hour_rebuild(factory_id=factory.pk, hour=done.recorded_at)

    day = FactoryDay.objects.get(factory=factory, day=done.work_date)
    # One operator on one day; the factory has set no shift: the default day of 480 minutes.
    assert (day.finished, day.operators, day.available_minutes) == (40, 1, Decimal("480"))


def test_an_hour_is_cut_on_the_factorys_clock_in_a_half_hour_zone(settings):
    from tests.dashboards.floor import build_floor, record
    from tests.factories import FactoryFactory, SewingLineFactory

    factory = FactoryFactory(time_zone="Asia/Kolkata")  # UTC+05:30
    floor = build_floor(factory, SewingLineFactory(factory=factory))
    done = record(
        floor,
        floor.bundles[0],
        floor.last,
        recorded_at=dt.datetime(2026, 3, 10, 4, 45, tzinfo=dt.UTC),
    )

    services.output_hour_rebuild(factory_id=factory.pk, hour=done.recorded_at)

    # 10:15 in Kolkata belongs to the 10:00 local hour, which began at 04:30 UTC.
    assert list(OutputHour.objects.filter(factory=factory).values_list("hour", "finished")) == [
        (dt.datetime(2026, 3, 10, 4, 30, tzinfo=dt.UTC), 20)
    ]


def test_with_a_worker_a_first_change_is_rebuilt_at_once_and_a_burst_waits_for_one_more(
    factory, settings, monkeypatch
):
    # given a worker (not eager) and a coalescing window of two seconds
    from dashboards import tasks

    settings.DASHBOARDS = {"ROLLUP_COALESCE_SECONDS": 2.0}
    monkeypatch.setattr(tasks, "eager", lambda: False)
    queued = []
    monkeypatch.setattr(
        tasks.output_hour_rebuild,
        "apply_async",
        lambda args, countdown: queued.append((args, countdown)),
    )
    data = {"at": HOUR.isoformat()}

    # when a first operation is recorded after a quiet spell, then more while it is queued
    first = tasks.rollups_schedule(factory_id=factory.pk, changes=[("operation_recorded", data)])
    tasks.rollups_schedule(factory_id=factory.pk, changes=[("operation_recorded", data)])
    # and again once the queued rebuild has started (it clears its pending key)
    tasks.cache.delete(tasks._pending_key("output", factory.pk, queued[0][0][1]))
    tasks.rollups_schedule(factory_id=factory.pk, changes=[("operation_recorded", data)])

    # then the first rebuild runs at once, the burst adds none, and the next change waits for
    # the window: one trailing rebuild
    assert first is True
    assert [countdown for _args, countdown in queued] == [0, 2.0]
