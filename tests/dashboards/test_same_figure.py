"""Same figure, same value: for one fixed world and window, each figure is equal on every screen
and API that shows it — the factory screen's data, the work-order page, the quality page,
merchant tracking, the order page and its API, the pay-period page and its API, the district
report and the data profile — to its owner's selector, and to the hand-computed value
(tests/dashboards/figures_world.py)."""

from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from devices import selectors as devices
from factories.clock import day_bounds, days_bounds, hours_back
from orders import selectors as orders
from payroll import selectors as payroll
from production import selectors as production
from tests.dashboards.figures_world import EXPECTED, MONTH, NOW, WEEK, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings):
    # The rollups are rebuilt in this process, as each event commits.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = build(django_capture_on_commit_callbacks)
    with time_machine.travel(NOW, tick=False):
        yield world


def signed_in(user, client_class=Client):
    client = client_class()
    client.force_login(user)
    return client


def screen(world, window: str) -> dict:
    return signed_in(world.owner).get(reverse("dashboards:factory-data"), {"window": window}).json()


def page_context(user, name: str, *args, **params):
    response = signed_in(user).get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.context


def district_row(world) -> dict:
    [row] = page_context(world.official, "dashboards:district")["report"]["factories"]
    return row


def profile_month(world) -> dict:
    return page_context(world.owner, "dashboards:profile")["profile"]["months"][-1]


def month(world):
    return days_bounds(world.factory, *MONTH)


def test_output_is_one_number_on_every_screen(world):
    twelve_hours = hours_back(world.factory, 12)

    assert (
        screen(world, "month")["kpi"]["output"],
        district_row(world)["output"],
        profile_month(world)["output"],
        production.output(world.factory, *month(world)),
    ) == (EXPECTED["month_output"],) * 4
    assert (
        screen(world, "week")["kpi"]["output"],
        production.output(world.factory, *days_bounds(world.factory, *WEEK)),
    ) == (EXPECTED["week_output"],) * 2
    assert (
        screen(world, "12h")["kpi"]["output"],
        production.output(world.factory, twelve_hours[0], NOW),
    ) == (EXPECTED["twelve_hour_output"],) * 2


def test_pieces_per_person_day_is_productions_on_the_screen_and_in_payroll(world):
    today = MONTH[1]
    payroll_api = signed_in(world.owner, APIClient).get(
        f"/api/v1/payroll/periods/{world.period.pk}/figures/"
    )

    assert (
        screen(world, "12h")["kpi"]["per_person_today"],
        production.pieces_per_person_day(world.factory, *day_bounds(world.factory, today)),
    ) == (EXPECTED["today_per_person_day"],) * 2
    assert (
        page_context(world.owner, "payroll:period", world.period.pk)["figures"][
            "output_per_person_day"
        ],
        payroll_api.json()["output_per_person_day"],
        screen(world, "month")["seed"]["per_person_day"],
        production.pieces_per_person_day(world.factory, *month(world)),
    ) == (EXPECTED["month_per_person_day"],) * 4


def test_qualified_rate_and_dhu_agree_on_the_screen_the_quality_page_and_the_reports(world):
    data = screen(world, "month")
    [line] = data["lines"]
    [by_line] = page_context(world.owner, "production:quality", by="line")["figures"]
    window = production.quality(world.factory, *month(world))

    assert (data["kpi"]["qualified_rate"], data["kpi"]["dhu"]) == (
        EXPECTED["qualified_rate"],
        EXPECTED["dhu"],
    )
    assert (
        line["qualified_rate"],
        by_line["qualified_rate"],
        district_row(world)["qualified_rate"],
        profile_month(world)["qualified_rate"],
        window["qualified_rate"],
    ) == (EXPECTED["qualified_rate"],) * 5
    assert (line["dhu"], by_line["dhu"], window["dhu"]) == (EXPECTED["dhu"],) * 3


def test_capacity_utilisation_agrees_in_the_district_report_and_the_profile(world):
    assert (
        district_row(world)["capacity_utilization"],
        profile_month(world)["capacity_utilization"],
        production.capacity_utilisation(world.factory, *month(world)),
    ) == (EXPECTED["capacity_utilisation"],) * 3


@pytest.mark.parametrize("name", ["wo1", "wo2"])
def test_work_order_progress_agrees_on_the_screen_and_its_page(world, name):
    work_order = getattr(world, name)
    on_screen = {row["number"]: row for row in screen(world, "week")["work_orders"]}[
        work_order.number
    ]
    on_page = page_context(world.owner, "production:work-order", work_order.pk)["progress"]
    expected = EXPECTED[name]

    assert (on_screen["finished"], on_page["finished"]) == (expected["finished"],) * 2
    assert (on_screen["percent"], on_page["percent"]) == (expected["percent"],) * 2
    assert (on_screen["expected_finish"], on_page["expected_finish"].isoformat()) == (
        expected["expected_finish"].isoformat(),
    ) * 2


def test_only_the_late_work_order_puts_an_order_at_risk(world):
    data = screen(world, "week")

    assert {row["number"]: row["at_risk"] for row in data["work_orders"]} == {
        "WO-1": False,
        "WO-2": True,
    }
    assert data["orders_at_risk"] == [
        {"order": "WO-2", "merchant": "", "due_date": "2026-12-05", "expected_finish": "2026-12-11"}
    ]


def test_merchant_progress_is_one_on_tracking_the_order_page_and_its_api(world):
    tracked = page_context(world.buyer, "dashboards:tracking")["orders"]
    for_factory = page_context(world.owner, "production_orders:panel", world.order.pk)["progress"]
    for_merchant = page_context(world.buyer, "production_orders:panel", world.order.pk)["progress"]
    api = signed_in(world.buyer, APIClient).get(f"/api/v1/orders/{world.order.pk}/progress/")
    wo_page = page_context(world.owner, "production:work-order", world.wo1.pk)["progress"]

    views = [
        tracked[0],
        for_factory,
        for_merchant,
        api.json(),
        production.order_progress(world.order),
    ]
    for key, value in EXPECTED["order"].items():
        assert [view[key] for view in views] == [value] * 5, key
    assert [view["matrix"] for view in views] == [EXPECTED["matrix"]] * 5
    assert wo_page["finished"] == EXPECTED["order"]["finished"]


def test_wages_are_payrolls_on_the_screen_the_period_page_and_the_district(world):
    payroll_api = signed_in(world.owner, APIClient).get(
        f"/api/v1/payroll/periods/{world.period.pk}/figures/"
    )
    by_day = payroll.wages_by_day(world.factory, *MONTH).values()

    assert (
        Decimal(str(screen(world, "12h")["wages"]["total"])).quantize(Decimal("0.01")),
        page_context(world.owner, "payroll:period", world.period.pk)["figures"]["earned"],
        Decimal(payroll_api.json()["earned"]),
    ) == (EXPECTED["wages"],) * 3
    assert (
        Decimal(str(district_row(world)["average_daily_wage"])),
        payroll.average_daily_wage(
            sum(day["wages"] for day in by_day), sum(day["operator_days"] for day in by_day)
        ),
    ) == (EXPECTED["average_daily_wage"],) * 2


def test_machine_utilisation_and_station_wip_are_devices(world):
    twelve_hours = hours_back(world.factory, 12)

    for window, start in (
        ("12h", twelve_hours[0]),
        ("week", day_bounds(world.factory, WEEK[0])[0]),
    ):
        assert (
            screen(world, window)["devices"]["utilization"],
            devices.machine_utilisation(world.factory, start, NOW),
        ) == (EXPECTED["machine_utilisation"],) * 2
    wip = screen(world, "12h")["wip"]
    assert wip["bottleneck"]["station"] == "ST-1"
    assert (
        wip["bottleneck"]["wip"],
        devices.station_wip(world.factory, day_bounds(world.factory, MONTH[1])[0])["bottleneck"][
            "wip"
        ],
    ) == (EXPECTED["station_wip"],) * 2


def test_on_time_delivery_and_intake_agree_in_the_reports_and_matching(world):
    row = district_row(world)

    assert (
        row["on_time_delivery"],
        profile_month(world)["on_time_delivery"],
        orders.on_time_delivery_pct(world.factory),
    ) == (100.0, 100.0, 100.0)
    assert (row["orders_received"], row["pieces_ordered"]) == (1, 60)


def test_shortages_on_the_screen_are_the_inventory_pages(world):
    on_screen = [(s["material"], s["short"]) for s in screen(world, "12h")["shortages"]]
    on_page = [
        (s.material_code, float(s.short))
        for s in page_context(world.owner, "inventory:shortages")["shortages"]
    ]

    assert on_screen == on_page == [("FAB-1", 12.5)]
