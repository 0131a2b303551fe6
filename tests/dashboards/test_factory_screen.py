"""The factory screen's data endpoint reads the rollups and refuses outsiders."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from factories.clock import factory_today
from production.selectors import qualified_and_dhu
from tests.dashboards.conftest import member
from tests.factories import FactoryDayFactory, LineDayFactory, OutputHourFactory

pytestmark = pytest.mark.django_db


def test_twelve_hours_show_hourly_output(factory, line, manager_client):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    OutputHourFactory(factory=factory, line=line, hour=hour, finished=40)
    OutputHourFactory(factory=factory, line=line, hour=hour - dt.timedelta(hours=2), finished=35)
    OutputHourFactory(factory=factory, line=line, hour=hour - dt.timedelta(hours=13), finished=99)

    data = manager_client.get(reverse("dashboards:factory-data"), {"window": "12h"}).json()

    assert data["kpi"]["output"] == 75
    assert data["series"]["output"][-1] == 40
    assert data["series"]["output"][-3] == 35
    assert len(data["series"]["labels"]) == 12


def test_month_window_sums_factory_days(factory, manager_client):
    today = factory_today(factory)
    FactoryDayFactory(factory=factory, day=today, finished=500, operators=20)
    FactoryDayFactory(factory=factory, day=today.replace(day=1) - dt.timedelta(days=1))

    data = manager_client.get(reverse("dashboards:factory-data"), {"window": "month"}).json()

    assert data["kpi"]["output"] == 500
    assert data["kpi"]["per_person_today"] == 25.0


def test_line_qualified_rate_and_dhu_come_from_inspections(factory, line, manager_client):
    LineDayFactory(factory=factory, line=line, inspected=200, passed=190, defects=14)

    data = manager_client.get(reverse("dashboards:factory-data"), {"window": "week"}).json()

    assert data["lines"] == [
        {
            "id": line.pk,
            "name": "Line 1",
            "finished": 100,
            "qualified_rate": 95.0,
            "dhu": 7.0,
            "daily_plan": data["lines"][0]["daily_plan"],
        }
    ]


def test_qualified_rate_falls_back_to_first_pass_figures():
    assert qualified_and_dhu({"good": 98, "defective": 2}) == (98.0, 2.0)


def test_a_worker_may_not_open_the_factory_screen(factory, client):
    client.force_login(member(factory, Role.WORKER))

    response = client.get(reverse("dashboards:factory-data"))

    assert response.status_code == 403


def test_without_a_pay_period_the_wages_say_so(factory, manager_client):
    data = manager_client.get(reverse("dashboards:factory-data")).json()

    assert data["wages"] == {"label": "No pay period covers today.", "total": None, "status": None}


def test_a_factory_without_machines_shows_null_not_zero(factory, manager_client):
    data = manager_client.get(reverse("dashboards:factory-data")).json()

    assert (data["devices"], data["wip"]) == (None, None)
    assert data["work_orders"] == []


def test_the_page_renders_for_a_manager(manager_client):
    response = manager_client.get(reverse("dashboards:factory"))

    assert response.status_code == 200
    assert b"vendor/echarts/echarts.min.js" in response.content
