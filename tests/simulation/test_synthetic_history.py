"""Synthetic history ends with yesterday: today is the real floor's alone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboards.models import FactoryDay, OutputHour
from simulation import synthetic_history
from tests.factories import FactoryFactory, SewingLineFactory, WorkerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_fill_ends_with_yesterday_so_today_is_only_the_real_floor(settings):
    # given a factory on Shanghai time with one operator, at 16:30 of a working day, and a
    # catch-up that rebuilds the last 3 hours from real records
    settings.DASHBOARDS = {"CATCH_UP_HOURS": 3}
    factory = FactoryFactory(time_zone="Asia/Shanghai")
    WorkerFactory(line=SewingLineFactory(factory=factory))
    now = datetime(2026, 3, 4, 16, 30, tzinfo=SHANGHAI)
    # when two days of hourly history are filled up to now
    synthetic_history.fill(factory, days=2, hourly_days=2, line_days=2, now=now, device_ids={})
    # then the day before and yesterday have their whole 08:00-17:00 shift, today nothing
    hours = sorted(
        hour.astimezone(SHANGHAI)
        for hour in OutputHour.objects.filter(factory=factory).values_list("hour", flat=True)
    )
    by_day = {
        back: [h.hour for h in hours if h.date() == now.date() - timedelta(days=back)]
        for back in (0, 1, 2)
    }
    assert by_day == {0: [], 1: list(range(8, 17)), 2: list(range(8, 17))}
    assert not FactoryDay.objects.filter(factory=factory, day=now.date()).exists()
