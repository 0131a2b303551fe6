"""Past-due dates are warned on the material pages, and the warehouse clerk acts on MRP's
suggestions (issue 14). "Today" is the factory's clock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from core.roles import Role
from factories.clock import factory_today
from inventory import services
from inventory.models import PurchaseOrder, PurchaseSuggestion
from production.services import mrp_run
from tests.factories import MembershipFactory, UserFactory
from tests.inventory.conftest import need

pytestmark = pytest.mark.django_db


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_a_suggestion_whose_order_date_has_gone_is_shown_late(
    factory, fabric, offer, work_order, manager
):
    # Given material needed in 3 days from a supplier with a 10-day lead time
    need(work_order, fabric, 120, days=3)
    mrp_run(factory=factory, by=manager)
    suggestion = PurchaseSuggestion.objects.get()
    late = (factory_today(factory) - suggestion.order_by).days

    # When the shortages page is opened
    html = client_of(manager).get("/inventory/shortages/").content.decode()

    # Then the suggestion is red and says by how much it is late
    assert late == 7
    assert f'data-late="{late}"' in html
    assert f"order now – already late by {late} days" in html


def test_a_suggestion_in_time_is_not_shown_late(factory, fabric, offer, work_order, manager):
    need(work_order, fabric, 120, days=20)
    mrp_run(factory=factory, by=manager)

    html = client_of(manager).get("/inventory/shortages/").content.decode()

    assert "data-late" not in html and "already late" not in html


def test_the_warehouse_clerk_raises_draft_purchase_orders_from_suggestions(
    factory, fabric, offer, work_order, manager, clerk, supplier
):
    # Given MRP's suggestion
    need(work_order, fabric, 120, days=20)
    run = mrp_run(factory=factory, by=manager)
    suggestion = run.suggestion_rows.get()
    client = client_of(clerk)

    # When the clerk opens the page and orders the suggestion
    page = client.get("/inventory/shortages/").content.decode()
    response = client.post("/inventory/shortages/order/", {"suggestion": [suggestion.pk]})

    # Then the page offered the button, and a draft purchase order exists for the supplier
    assert "Create draft purchase orders" in page
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    assert (order.supplier, order.status, order.lines.get().quantity) == (
        supplier,
        "draft",
        Decimal("300"),
    )


def test_a_role_that_may_not_order_is_told_who_can_in_its_language(
    factory, fabric, offer, work_order, manager
):
    # Given a supervisor (may see shortages, may not buy) and MRP's suggestion
    supervisor = UserFactory(username="sup")
    MembershipFactory(user=supervisor, organization=factory.organization, role=Role.SUPERVISOR)
    need(work_order, fabric, 120, days=20)
    suggestion = mrp_run(factory=factory, by=manager).suggestion_rows.get()
    client = client_of(supervisor, "zh-hans")

    # When the supervisor opens the page and tries to order anyway
    page = client.get("/inventory/shortages/").content.decode()
    response = client.post("/inventory/shortages/order/", {"suggestion": [suggestion.pk]})

    # Then the page names the roles that can, in Chinese, and nothing is ordered
    assert "Create draft purchase orders" not in page
    assert "data-who-orders" in page
    assert "仓管员" in page
    assert response.status_code == 403
    assert PurchaseOrder.objects.count() == 0


@pytest.fixture
def sent_order(factory, fabric, supplier, manager):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[
            {
                "material": fabric,
                "quantity": Decimal("100"),
                "need_date": factory_today(factory) + dt.timedelta(days=10),
            }
        ],
        by=manager,
    )
    return services.purchase_order_send(order=order, by=manager)


def test_a_ship_date_after_the_need_date_is_warned_to_the_supplier_and_on_the_page(
    sent_order, supplier_user, manager
):
    line = sent_order.lines.get()
    ship = line.need_date + dt.timedelta(days=4)
    client = client_of(supplier_user)

    # When the supplier confirms a ship date four days after the need
    response = client.post(
        f"/inventory/purchase-orders/{sent_order.pk}/",
        {"action": "confirm", f"quantity_{line.pk}": "100", f"ship_date_{line.pk}": ship},
        follow=True,
    )

    # Then the confirmation stands, the supplier is warned, and the page shows it in red
    html = response.content.decode()
    line.refresh_from_db()
    assert line.confirmed_ship_date == ship
    assert f"{line.material.code} ships 4 days after it is needed ({line.need_date})." in html
    assert 'data-ships-late="4"' in html
    assert (
        'data-ships-late="4"'
        in client_of(manager).get(f"/inventory/purchase-orders/{sent_order.pk}/").content.decode()
    )


def test_a_ship_date_in_time_is_not_warned(sent_order, supplier_user):
    line = sent_order.lines.get()
    client = client_of(supplier_user)

    response = client.post(
        f"/inventory/purchase-orders/{sent_order.pk}/",
        {"action": "confirm", f"quantity_{line.pk}": "100", f"ship_date_{line.pk}": line.need_date},
        follow=True,
    )

    html = response.content.decode()
    assert "after it is needed" not in html and "data-ships-late" not in html


@pytest.mark.parametrize(("role", "status", "orders"), [("clerk", 201, 1), ("supervisor", 403, 0)])
def test_the_api_lets_the_warehouse_order_suggestions_and_no_one_else(
    factory, fabric, offer, work_order, manager, clerk, role, status, orders
):
    supervisor = UserFactory(username="sup")
    MembershipFactory(user=supervisor, organization=factory.organization, role=Role.SUPERVISOR)
    need(work_order, fabric, 120, days=20)
    suggestion = mrp_run(factory=factory, by=manager).suggestion_rows.get()
    client = client_of({"clerk": clerk, "supervisor": supervisor}[role])

    response = client.post(
        "/api/v1/purchase-suggestions/order/",
        {"suggestions": [suggestion.pk]},
        content_type="application/json",
    )

    assert response.status_code == status
    assert PurchaseOrder.objects.count() == orders
