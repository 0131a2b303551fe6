"""The seed's figures on the one screen: each panel value equals the list it links to, at the
same moment and window — also just after the factory's midnight (16:00–17:00 UTC is 00:00–01:00
in Shanghai), when a server date (UTC) would still be the day before.

The world, on the factory's clock (Asia/Shanghai); "now" is Wed 2026-04-01 00:30 (16:30 UTC on
03-31), the first half hour of April:

    03-30 10:00  orders C, D placed, accepted, converted; E placed (still waiting)
                 a purchase order for the fabric, needed 03-30, sent, never delivered
                 a planned work order needing that fabric on 03-30
    03-31 23:40  A placed; 23:45 accepted; 23:50 converted                  (300 s)
    04-01 00:05  B placed; 00:10 accepted; 00:14 converted                  (240 s)
    04-01 00:20  C fully shipped, due 04-01: on time
    04-01 00:25  D fully shipped, due 03-31: late (by a UTC date it would be on time)
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.roles import OrgKind, Role
from dashboards.exports import report_tables
from dashboards.selectors import dashboard_data, district_report, factory_profile
from dashboards.services import synthetic_history_record
from inventory import services as inventory
from orders.services import order_accept, order_create, order_promise_set, order_shipment_record
from production.services import order_convert
from production.services.release import material_delays_observe
from tests.dashboards.conftest import member
from tests.factories import (
    DistrictFactory,
    MaterialFactory,
    MaterialRequirementFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    WorkOrderFactory,
    released_version,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
GRID = {("Black", "M"): 40, ("Red", "L"): 20}  # 60 pieces


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def utc(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def world(factory):
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="m-seed", name="Seed Shop")
    PartnershipFactory(factory=factory, partner=merchant)
    buyer = UserFactory(username="seed-buyer")
    MembershipFactory(user=buyer, organization=merchant, role=Role.MERCHANT_BUYER)
    planner = member(factory, Role.PLANNER, "seed-planner")
    version = released_version(factory=factory, number="ST-SEED")

    def place(requested: dt.date):
        return order_create(
            merchant=merchant,
            factory=factory,
            version=version,
            quantities=[{"colour": c, "size": s, "quantity": q} for (c, s), q in GRID.items()],
            requested_date=requested,
            ship_to="Zhuzhou",
            unit_price="50.00",
            by=buyer,
        )

    def accept_and_convert(order, accepted: dt.datetime, converted: dt.datetime):
        with at(accepted):
            order_accept(order=order, by=planner, acting=factory.organization)
        with at(converted):
            order_convert(order=order, by=planner)

    def ship(order, moment: dt.datetime, due: dt.date):
        order_promise_set(order=order, promised_date=due)
        with at(moment):
            order_shipment_record(order=order, carrier="SF", lines=dict(GRID), by=planner)

    with at(utc(30, 2, 0)):  # 03-30 10:00 in Shanghai
        c, d = place(dt.date(2026, 4, 1)), place(dt.date(2026, 3, 31))
        place(dt.date(2026, 5, 1))  # E, waiting for acceptance
        supplier = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-seed", name="Seed Cloth")
        PartnershipFactory(factory=factory, partner=supplier)
        fabric = MaterialFactory(factory=factory, code="FAB-SEED")
        po = inventory.purchase_order_create(
            factory=factory,
            supplier=supplier,
            lines=[
                {
                    "material": fabric,
                    "quantity": Decimal("80"),
                    "need_date": dt.date(2026, 3, 30),
                    "unit_price": Decimal("20"),
                }
            ],
            by=planner,
        )
        inventory.purchase_order_send(order=po, by=planner)
        held = WorkOrderFactory(version=version, number="WO-HELD")
        MaterialRequirementFactory(
            work_order=held, material_code=fabric.code, need_date=dt.date(2026, 3, 30)
        )
    accept_and_convert(c, utc(30, 2, 1), utc(30, 2, 2))
    accept_and_convert(d, utc(30, 2, 3), utc(30, 2, 4))
    with at(utc(31, 15, 40)):
        a = place(dt.date(2026, 5, 1))
    accept_and_convert(a, utc(31, 15, 45), utc(31, 15, 50))
    with at(utc(31, 16, 5)):
        b = place(dt.date(2026, 5, 1))
    accept_and_convert(b, utc(31, 16, 10), utc(31, 16, 14))
    ship(c, utc(31, 16, 20), dt.date(2026, 4, 1))
    ship(d, utc(31, 16, 25), dt.date(2026, 3, 31))
    with at(NOW):
        material_delays_observe(factory=factory)
    return {"po": po, "held": held}


def test_the_month_panel_after_shanghai_midnight_counts_april_only(factory, world):
    seed = dashboard_data(factory, "month", NOW)["seed"]
    assert seed["conversion"] | {"url": None} == {
        "orders": 1,
        "average_seconds": 240.0,
        "average_minutes": 4.0,
        "url": None,
    }
    assert (seed["intake"]["orders"], seed["intake"]["pieces"]) == (1, 60)
    assert (seed["waiting"]["orders"], seed["waiting"]["pieces"]) == (1, 60)
    assert seed["overdue_purchase_orders"]["count"] == 1
    assert {k: seed["shipments"][k] for k in ("count", "pieces", "on_time", "on_time_rate")} == {
        "count": 2,
        "pieces": 120,
        "on_time": 1,
        "on_time_rate": 50.0,
    }
    # Monday 03-30 and Tuesday 03-31 lost so far; April 1 has only begun.
    assert (seed["material"]["days_lost"], seed["material"]["ongoing"]) == (2, 1)
    assert seed["material"]["by_cause"] == [
        {"cause": "late_po", "label": "Late purchase order", "materials": 1}
    ]


def test_the_12_hour_panel_spans_the_midnight(factory, world):
    seed = dashboard_data(factory, "12h", NOW)["seed"]
    assert (seed["conversion"]["orders"], seed["conversion"]["average_seconds"]) == (2, 270.0)
    assert seed["intake"]["orders"] == 2


@pytest.mark.parametrize("window", ["12h", "week", "month"])
def test_every_list_adds_up_to_its_panel_value(factory, world, manager_client, window):
    with at(NOW):
        seed = dashboard_data(factory, window, NOW)["seed"]
        pages = {
            name: manager_client.get(seed[name]["url"])
            for name in ("conversion", "material", "intake", "shipments")
        }
        waiting = manager_client.get(seed["waiting"]["url"])
        overdue = manager_client.get(seed["overdue_purchase_orders"]["url"])
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    conversion = pages["conversion"].context["figures"]
    assert (conversion["count"], conversion["average_seconds"]) == (
        seed["conversion"]["orders"],
        seed["conversion"]["average_seconds"],
    )
    material = pages["material"].context["figures"]
    assert (material["days_lost"], material["work_orders"]) == (
        seed["material"]["days_lost"],
        seed["material"]["work_orders"],
    )
    intake = pages["intake"].context
    assert (len(intake["placed"]), intake["pieces"]) == (
        seed["intake"]["orders"],
        seed["intake"]["pieces"],
    )
    shipments = pages["shipments"].context
    assert (len(shipments["shipments"]), shipments["pieces"], shipments["on_time_rate"]) == (
        seed["shipments"]["count"],
        seed["shipments"]["pieces"],
        seed["shipments"]["on_time_rate"],
    )
    assert len(waiting.context["orders"]) == seed["waiting"]["orders"]
    assert len(overdue.context["rows"]) == seed["overdue_purchase_orders"]["count"]


def test_the_screen_page_links_each_figure(factory, world, manager_client):
    with at(NOW):
        html = manager_client.get(reverse("dashboards:factory")).content.decode()
    for anchor in ("seed-conversion-link", "seed-material-link", "seed-shipments-link"):
        assert f'id="{anchor}"' in html


def test_synthetic_history_is_labelled_on_the_screen_the_profile_and_the_district(
    factory, manager_client
):
    # Given the demo filled a year of rollups for the factory, which shares with its district
    district = DistrictFactory()
    factory.district = district
    factory.shares_with_district = True
    factory.save(update_fields=["district", "shares_with_district"])
    synthetic_history_record(
        factory=factory, first_day=dt.date(2025, 4, 1), last_day=dt.date(2026, 3, 31)
    )
    # Then every screen that shows those rollups says so
    with at(NOW):
        screen = dashboard_data(factory, "month", NOW)["synthetic"]
        profile = factory_profile(factory)["synthetic"]
        report = district_report(district)["synthetic"]
        page = manager_client.get(reverse("dashboards:profile")).content.decode()
    assert screen == profile == {"first": "2025-04-01", "last": "2026-03-31"}
    assert report == [{"name": str(factory), "first": "2025-04-01", "last": "2026-03-31"}]
    assert "data-synthetic" in page and "2025-04-01" in page


def test_a_later_fill_only_widens_the_synthetic_range(factory):
    synthetic_history_record(
        factory=factory, first_day=dt.date(2026, 1, 1), last_day=dt.date(2026, 3, 1)
    )
    synthetic_history_record(
        factory=factory, first_day=dt.date(2026, 2, 1), last_day=dt.date(2026, 3, 31)
    )
    with at(NOW):
        assert factory_profile(factory)["synthetic"] == {
            "first": "2026-01-01",
            "last": "2026-03-31",
        }


def test_a_factory_without_synthetic_history_shows_no_label(factory, manager_client):
    with at(NOW):
        assert dashboard_data(factory, "month", NOW)["synthetic"] is None
        page = manager_client.get(reverse("dashboards:profile")).content.decode()
    assert "data-synthetic" not in page


def test_the_district_exports_name_the_synthetic_history(factory):
    district = DistrictFactory()
    factory.district = district
    factory.shares_with_district = True
    factory.save(update_fields=["district", "shares_with_district"])
    synthetic_history_record(
        factory=factory, first_day=dt.date(2025, 4, 1), last_day=dt.date(2026, 3, 31)
    )
    with at(NOW):
        tables = report_tables(district_report(district))
    assert tables[0] == (
        "Synthetic demo history (generated, not measured)",
        ["Factory", "From", "To"],
        [[str(factory), "2025-04-01", "2026-03-31"]],
    )
