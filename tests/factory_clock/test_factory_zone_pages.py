"""A factory's pages read and show times on the factory's clock, whatever the server's zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from core.roles import Role
from payroll.models import AttendanceDay, AttendanceEvent
from tests.factories import FactoryFactory, MembershipFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def server_in_utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.mark.parametrize(
    ("zone", "stored"),
    [
        ("Asia/Shanghai", datetime(2026, 3, 2, 0, 0, tzinfo=UTC)),
        ("Asia/Ho_Chi_Minh", datetime(2026, 3, 2, 1, 0, tzinfo=UTC)),
    ],
)
def test_a_clock_in_typed_as_08_00_is_08_00_in_the_factorys_zone(client, zone, stored):
    factory = FactoryFactory(time_zone=zone)
    clerk = UserFactory(username="clerk")
    MembershipFactory(user=clerk, organization=factory.organization, role=Role.PAYROLL_CLERK)
    worker = WorkerFactory(line__factory=factory)
    client.force_login(clerk)

    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        response = client.post(
            reverse("payroll:attendance"),
            {
                "clock": "1",
                "worker": worker.pk,
                "at": "2026-03-02T08:00",
                "direction": "in",
                "reason": "badge reader down",
            },
        )

    assert response.status_code == 302
    assert AttendanceEvent.objects.get().at == stored
    assert AttendanceDay.objects.get().day == date(2026, 3, 2)
