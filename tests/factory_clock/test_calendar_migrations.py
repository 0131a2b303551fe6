"""The second calendars' data moves into the factory's: payroll's rest weekdays and holidays
(payroll 0002) and the telemetry policy's shift hours (devices 0005)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import rls
from factories.models import CalendarDay, Factory, Shift

pytestmark = pytest.mark.django_db(transaction=True)

PAYROLL_BEFORE = ("payroll", "0001_initial")
PAYROLL_AFTER = ("payroll", "0002_policy_calendar_to_factory_calendar")
DEVICES_BEFORE = ("devices", "0004_telemetry_id_blocks")
DEVICES_AFTER = ("devices", "0005_alarm_shift_from_factory_shifts")


def migrate(target: tuple[str, str]):
    """Migrate `target`'s app to it; the historical models of every app in that state. As the
    owner, as `manage.py migrate` runs (row-level security)."""
    executor = MigrationExecutor(connection)
    with rls.owner():
        executor.migrate([target])
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != target[0]]
    return executor.loader.project_state([*others, target]).apps


@pytest.fixture
def back_to(request):
    """Migrate an app back for the test, and forward to its latest migration whatever happens
    (not just to `after`: the tests that follow need the whole schema)."""

    def go(before, after):
        latest = [
            node
            for node in MigrationExecutor(connection).loader.graph.leaf_nodes()
            if node[0] == before[0]
        ]
        request.addfinalizer(lambda: migrate(latest[0]))
        return migrate(before)

    return go


def factory_of(apps, code: str, **fields):
    organization = apps.get_model("core", "Organization").objects.create(
        kind="factory", code=code, name=code
    )
    return apps.get_model("factories", "Factory").objects.create(
        organization=organization, **fields
    )


def test_pay_policy_holidays_and_rest_days_become_the_factorys_calendar(back_to):
    old = back_to(PAYROLL_BEFORE, PAYROLL_AFTER)
    five_day = factory_of(old, "five-day")
    untouched = factory_of(old, "untouched")
    old.get_model("factories", "CalendarDay").objects.create(
        factory_id=five_day.pk, date=datetime.date(2026, 3, 2), kind="workday"
    )
    PayPolicy = old.get_model("payroll", "PayPolicy")
    PayPolicy.objects.create(
        factory_id=five_day.pk, rest_weekdays=[6, 5], holidays=["2026-05-01", "2026-03-02"]
    )
    PayPolicy.objects.create(factory_id=untouched.pk, rest_weekdays=[], holidays=[])

    migrate(PAYROLL_AFTER)

    assert Factory.objects.get(pk=five_day.pk).working_weekdays == [0, 1, 2, 3, 4]
    assert Factory.objects.get(pk=untouched.pk).working_weekdays == [0, 1, 2, 3, 4, 5]
    assert list(
        CalendarDay.objects.filter(factory_id=five_day.pk).values_list("date", "kind", "note")
    ) == [
        (datetime.date(2026, 3, 2), "workday", ""),  # the factory's own row stands
        (datetime.date(2026, 5, 1), "holiday", "from the pay policy"),
    ]
    assert not CalendarDay.objects.filter(factory_id=untouched.pk).exists()


def test_changed_telemetry_shift_hours_become_a_factory_shift(back_to):
    old = back_to(DEVICES_BEFORE, DEVICES_AFTER)
    early = factory_of(old, "early")
    default = factory_of(old, "default")
    has_shift = factory_of(old, "has-shift")
    old.get_model("factories", "Shift").objects.create(
        factory_id=has_shift.pk,
        code="A",
        name="A",
        starts_at=datetime.time(8),
        ends_at=datetime.time(17),
    )
    TelemetryPolicy = old.get_model("devices", "TelemetryPolicy")
    TelemetryPolicy.objects.create(
        factory_id=early.pk, shift_start=datetime.time(7), shift_end=datetime.time(17, 30)
    )
    TelemetryPolicy.objects.create(factory_id=default.pk)
    TelemetryPolicy.objects.create(
        factory_id=has_shift.pk, shift_start=datetime.time(6), shift_end=datetime.time(14)
    )

    migrate(DEVICES_AFTER)

    shift = Shift.objects.get(factory_id=early.pk)
    assert (shift.code, shift.starts_at, shift.ends_at, shift.is_default) == (
        "DAY",
        datetime.time(7),
        datetime.time(17, 30),
        True,
    )
    assert shift.minutes == 480  # 10 h 30 with a 150-minute break: capacity unchanged
    assert not Shift.objects.filter(factory_id=default.pk).exists()
    assert list(Shift.objects.filter(factory_id=has_shift.pk).values_list("code")) == [("A",)]
