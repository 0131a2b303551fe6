"""The inventory API: the supplier portal's scoping, and writes through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from core.roles import OrgKind, Role
from inventory import services
from inventory.models import CycleCount, PurchaseOrder, StockMove
from tests.factories import MembershipFactory, OrganizationFactory, PartnershipFactory, UserFactory
from tests.inventory.conftest import receive

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def sent_order(factory, supplier, fabric, offer, manager):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "100", "need_date": TODAY}],
        by=manager,
    )
    return services.purchase_order_send(order=order, by=manager)


@pytest.fixture
def other_sales(factory):
    org = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-other")
    PartnershipFactory(factory=factory, partner=org)
    user = UserFactory(username="other-sales")
    MembershipFactory(user=user, organization=org, role=Role.SUPPLIER_SALES)
    return user


def test_a_supplier_lists_only_the_sent_orders_addressed_to_it(
    api, sent_order, supplier_user, factory, supplier, fabric, manager
):
    services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "5", "need_date": TODAY}],
        by=manager,
    )  # a draft: still the factory's own business
    api.force_login(supplier_user)
    response = api.get("/api/v1/purchase-orders/")
    assert [row["number"] for row in response.json()["results"]] == [sent_order.number]


def test_a_supplier_sees_nothing_else_of_the_factory(api, sent_order, supplier_user):
    api.force_login(supplier_user)
    for url in ("/api/v1/materials/", "/api/v1/lots/", "/api/v1/stock/", "/api/v1/supplier-items/"):
        assert api.get(url).status_code == 403, url


def test_the_supplier_confirms_through_the_portal_api(api, sent_order, supplier_user):
    line = sent_order.lines.get()
    api.force_login(supplier_user)
    response = api.post(
        f"/api/v1/purchase-orders/{sent_order.pk}/confirm/",
        {"lines": [{"line": line.pk, "quantity": "98.5", "ship_date": "2030-02-01"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["lines"][0]["confirmed_quantity"] == "98.500"


def test_another_supplier_cannot_confirm_the_order(api, sent_order, other_sales):
    line = sent_order.lines.get()
    api.force_login(other_sales)
    response = api.post(
        f"/api/v1/purchase-orders/{sent_order.pk}/confirm/",
        {"lines": [{"line": line.pk, "quantity": "1", "ship_date": "2030-02-01"}]},
        format="json",
    )
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.confirmed_quantity is None


def test_the_factory_creates_a_purchase_order_by_supplier_code(api, manager, fabric, offer):
    api.force_login(manager)
    response = api.post(
        "/api/v1/purchase-orders/",
        {
            "supplier_code": "s-cloth",
            "lines": [{"material": fabric.pk, "quantity": "250", "need_date": str(TODAY)}],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["lines"][0]["unit_price"]) == ("draft", "20.0000")


def test_receiving_beyond_tolerance_through_the_api_answers_the_error_shape(
    api, sent_order, clerk, bin_a
):
    api.force_login(clerk)
    response = api.post(
        f"/api/v1/purchase-orders/{sent_order.pk}/receive/",
        {
            "line": sent_order.lines.get().pk,
            "bin": bin_a.pk,
            "lots": [{"code": "R1", "quantity": "200", "dye_lot": "D1"}],
        },
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "beyond_tolerance")
    assert StockMove.objects.count() == 0


def test_issue_through_the_api(api, factory, supplier, fabric, bin_a, clerk, work_order):
    _order, (roll,) = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "40", "D1")],
        by=clerk,
    )
    api.force_login(clerk)
    response = api.post(
        "/api/v1/stock-moves/issue/",
        {"lot": roll.pk, "bin": bin_a.pk, "work_order": work_order.pk, "quantity": "12.5"},
        format="json",
    )
    assert response.status_code == 201
    assert StockMove.objects.get(kind="issue").quantity == Decimal("12.5")


def test_a_cycle_count_through_the_api(api, factory, supplier, fabric, bin_a, clerk):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "40", "D1")],
        by=clerk,
    )
    api.force_login(clerk)
    started = api.post("/api/v1/cycle-counts/", {"barcode": "BIN:A-01"}, format="json")
    count_id = started.json()["id"]
    api.post(
        f"/api/v1/cycle-counts/{count_id}/record/",
        {"entries": [{"lot": "LOT:R1", "quantity": "39"}]},
        format="json",
    )
    submitted = api.post(f"/api/v1/cycle-counts/{count_id}/submit/")
    assert (submitted.json()["status"], submitted.json()["variance_value"]) == ("posted", "20.00")


def test_an_unknown_bin_barcode_answers_a_clear_error(api, clerk, bin_a):
    api.force_login(clerk)
    response = api.post("/api/v1/cycle-counts/", {"barcode": "BIN:Z-99"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "unknown_barcode")
    assert CycleCount.objects.count() == 0


def test_a_clerk_cannot_approve_a_count(api, clerk, factory, bin_a):
    count = services.cycle_count_start(factory=factory, barcode="A-01", by=clerk)
    api.force_login(clerk)
    assert api.post(f"/api/v1/cycle-counts/{count.pk}/approve/").status_code == 403


def test_mrp_runs_through_the_api(api, manager, factory):
    api.force_login(manager)
    response = api.post("/api/v1/mrp-runs/")
    assert (response.status_code, response.json()["work_orders"]) == (201, 0)


def test_a_draft_purchase_order_is_a_404_for_its_supplier(
    api, factory, supplier, fabric, manager, supplier_user
):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "5", "need_date": TODAY}],
        by=manager,
    )
    api.force_login(supplier_user)
    assert api.get(f"/api/v1/purchase-orders/{order.pk}/").status_code == 404
    assert PurchaseOrder.objects.get(pk=order.pk).status == "draft"
