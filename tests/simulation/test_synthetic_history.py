"""Synthetic history leaves the hours the catch-up rebuilds from real records to it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboards.models import OutputHour
from simulation import synthetic_history
from tests.factories import FactoryFactory, SewingLineFactory, WorkerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_fill_stops_catch_up_hours_before_now_so_the_screen_never_goes_down(settings):
    # given a factory on Shanghai time with one operator, at 16:30 of a working day, and a
    # catch-up that rebuilds the last 3 hours from real records
    settings.DASHBOARDS = {"CATCH_UP_HOURS": 3}
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    WorkerFactory(line=SewingLineFactory(factory=factory))
    now = datetime(2026, 3, 4, 16, 30, tzinfo=SHANGHAI)
    # when two days of hourly history are filled up to now
    synthetic_history.fill(factory, days=2, hourly_days=2, line_days=2, now=now, device_ids={})
    # then yesterday has its whole 08:00-17:00 shift, today stops with the hour ending 13:00
    hours = sorted(
        hour.astimezone(SHANGHAI)
        for hour in OutputHour.objects.filter(factory=factory).values_list("hour", flat=True)
    )
    yesterday = [h.hour for h in hours if h.date() == now.date() - timedelta(days=1)]
    today = [h.hour for h in hours if h.date() == now.date()]
    assert yesterday == list(range(8, 17))
    assert today == list(range(8, 13))
