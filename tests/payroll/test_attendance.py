"""Attendance: badge scans and supervisor entries become attended minutes per day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from payroll import services
from payroll.models import AttendanceDay, AttendanceEvent

SH = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=2):
    return datetime(2026, 3, day, hour, minute, tzinfo=SH)


def clock(shop, worker, when, direction, **kwargs):
    return services.attendance_clock(
        factory=shop.factory, worker=worker, at=when, direction=direction, by=None, **kwargs
    )


def test_attended_minutes_are_the_sum_of_in_out_pairs(shop):
    worker = shop.worker()
    clock(shop, worker, at(7, 58), "in")
    clock(shop, worker, at(12, 0), "out")
    clock(shop, worker, at(13, 30), "in")
    clock(shop, worker, at(17, 45), "out")

    day = AttendanceDay.objects.get(worker=worker)

    assert (day.day.isoformat(), day.minutes, day.unmatched) == ("2026-03-02", 497, False)


def test_an_unmatched_scan_counts_nothing_and_is_flagged(shop):
    worker = shop.worker()
    clock(shop, worker, at(8), "in")
    clock(shop, worker, at(12), "out")
    clock(shop, worker, at(13), "in")

    day = AttendanceDay.objects.get(worker=worker)

    assert (day.minutes, day.unmatched) == (240, True)


def test_a_supervisor_entry_completes_the_day(shop):
    worker = shop.worker()
    clock(shop, worker, at(8), "in")

    clock(shop, worker, at(17), "out", source="supervisor", reason="badge left at home")

    day = AttendanceDay.objects.get(worker=worker)
    assert (day.minutes, day.unmatched) == (540, False)


def test_a_supervisor_entry_without_a_reason_is_refused(shop):
    worker = shop.worker()

    with pytest.raises(DomainError) as refused:
        clock(shop, worker, at(8), "in", source="supervisor", reason="  ")

    assert refused.value.errors == {"reason": ["A supervisor's entry needs a reason."]}
    assert not AttendanceEvent.objects.exists()
    assert not AttendanceDay.objects.exists()


def test_another_factorys_worker_is_refused(shop):
    from tests.factories import WorkerFactory

    stranger = WorkerFactory()

    with pytest.raises(DomainError):
        clock(shop, stranger, at(8), "in")

    assert not AttendanceEvent.objects.exists()


def test_a_day_is_the_factorys_local_day(shop):
    worker = shop.worker()
    clock(shop, worker, datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")), "in")  # 07:30 on 2nd

    assert AttendanceDay.objects.get(worker=worker).day.isoformat() == "2026-03-02"
