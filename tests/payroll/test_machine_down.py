"""Machine-down time from the devices' minute rollups becomes paid time work."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from devices.models import MinuteRollup
from payroll import services
from payroll.models import AttendanceDay, TimeEntry
from tests.factories import DeviceFactory

SH = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 2)


def stopped_minutes(shop, device, start: datetime, count: int, seconds: int = 60) -> None:
    MinuteRollup.objects.bulk_create(
        MinuteRollup(
            factory=shop.factory,
            device=device,
            minute=start + timedelta(minutes=n),
            stopped_seconds=seconds,
        )
        for n in range(count)
    )


def attended(shop, worker, day=MONDAY):
    AttendanceDay.objects.create(
        factory=shop.factory,
        worker=worker,
        day=day,
        minutes=540,
        first_in=datetime.combine(day, datetime.min.time(), tzinfo=SH).replace(hour=8),
        last_out=datetime.combine(day, datetime.min.time(), tzinfo=SH).replace(hour=17),
    )


def test_stops_in_the_operators_attended_window_become_machine_down_time(shop):
    worker = shop.worker()
    device = DeviceFactory(factory=shop.factory, operator=worker)
    attended(shop, worker)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 10, 0, tzinfo=SH), 25)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 18, 0, tzinfo=SH), 60)  # after work

    written = services.machine_down_import(factory=shop.factory, starts_on=MONDAY, ends_on=MONDAY)

    entry = TimeEntry.objects.get()
    assert written == 1
    assert (entry.worker, entry.day, entry.kind, entry.minutes, entry.source) == (
        worker,
        MONDAY,
        "machine_down",
        25,
        "device",
    )


def test_short_stops_are_not_down_time(shop):
    worker = shop.worker()
    device = DeviceFactory(factory=shop.factory, operator=worker)
    attended(shop, worker)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 10, 0, tzinfo=SH), 9)

    services.machine_down_import(factory=shop.factory, starts_on=MONDAY, ends_on=MONDAY)

    assert not TimeEntry.objects.exists()


def test_reimporting_updates_the_same_entry(shop):
    worker = shop.worker()
    device = DeviceFactory(factory=shop.factory, operator=worker)
    attended(shop, worker)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 10, 0, tzinfo=SH), 20)
    services.machine_down_import(factory=shop.factory, starts_on=MONDAY, ends_on=MONDAY)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 14, 0, tzinfo=SH), 15)

    services.machine_down_import(factory=shop.factory, starts_on=MONDAY, ends_on=MONDAY)

    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [35]


def test_the_task_imports_one_factorys_day(shop):
    from payroll.tasks import machine_down_import_task

    worker = shop.worker()
    device = DeviceFactory(factory=shop.factory, operator=worker)
    attended(shop, worker)
    stopped_minutes(shop, device, datetime(2026, 3, 2, 9, 0, tzinfo=SH), 12)

    assert machine_down_import_task(shop.factory.pk, MONDAY.isoformat()) == 1
    assert TimeEntry.objects.get().minutes == 12
