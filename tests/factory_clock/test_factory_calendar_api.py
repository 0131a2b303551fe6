"""The factory's owner sets its working week, statutory calendar and time zone through its
profile; the calendar (and so scheduling, promises and payroll) follows."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from core.roles import Role
from factories import calendar
from factories.models import CalendarDay, Factory
from tests.factories import FactoryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_factory():
    factory = FactoryFactory()
    user = UserFactory(username="owner")
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_OWNER)
    client = APIClient()
    client.force_login(user)
    return client, factory


def test_the_owner_sets_a_five_day_week_and_saturday_becomes_a_rest_day(owner_and_factory):
    client, factory = owner_and_factory

    response = client.patch(
        f"/api/v1/factories/{factory.pk}/", {"working_weekdays": [4, 3, 2, 1, 0]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["working_weekdays"] == [0, 1, 2, 3, 4]
    factory.refresh_from_db()
    saturday = calendar.calendar_day(factory, date(2026, 11, 28))
    assert saturday.kind == CalendarDay.Kind.REST


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("working_weekdays", [0, 7]),
        ("working_weekdays", "mon-fri"),
        ("time_zone", "Mars/Olympus"),
        ("statutory_calendar", "XX"),
    ],
)
def test_a_bad_calendar_setting_is_refused_and_nothing_changes(owner_and_factory, field, value):
    client, factory = owner_and_factory

    response = client.patch(f"/api/v1/factories/{factory.pk}/", {field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    stored = Factory.objects.get(pk=factory.pk)
    assert (stored.working_weekdays, stored.time_zone, stored.statutory_calendar) == (
        [0, 1, 2, 3, 4, 5],
        "Asia/Shanghai",
        "CN",
    )
