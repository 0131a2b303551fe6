"""Production's pages at orders' addresses: the order grid with its promised date, the order
page's production panel and actions, tickets PDF, bulk conversion, sales and matching."""

import datetime as dt

import pytest
from django.test import Client
from django.utils.formats import date_format

from orders.models import Order
from production.models import Bundle, ConversionJob, WorkOrder
from production.selectors import capable_to_promise
from production.services import order_convert
from tests.factories import DailySaleFactory
from tests.pdfs import assert_every_font_embedded, pdf_text, qr_payloads


@pytest.fixture
def buyer_client(buyer):
    client = Client()
    client.force_login(buyer)
    return client


@pytest.fixture
def planner_client(planner):
    client = Client()
    client.force_login(planner)
    return client


def test_the_grid_places_an_order(buyer_client, version):
    day = (dt.date.today() + dt.timedelta(days=40)).isoformat()

    response = buyer_client.post(
        "/orders/new/",
        {
            "version": version.pk,
            "q-Black-S": "40",
            "q-Black-M": "40",
            "q-Red-XL": "30",
            "requested_date": day,
            "unit_price": "39.00",
            "ship_to": "Wuhan",
        },
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.total_quantity == 110
    assert order.status == Order.Status.PLACED


def test_a_grid_with_a_negative_cell_shows_the_error_and_writes_nothing(buyer_client, version):
    day = (dt.date.today() + dt.timedelta(days=40)).isoformat()

    response = buyer_client.post(
        "/orders/new/",
        {
            "version": version.pk,
            "q-Black-S": "-4",
            "q-Black-M": "200",
            "requested_date": day,
            "unit_price": "39.00",
            "ship_to": "Wuhan",
        },
    )

    assert response.status_code == 200
    assert "A quantity cannot be negative." in response.content.decode()
    assert response.context["form"].errors["q-Black-S"] == ["A quantity cannot be negative."]
    assert 'value="200"' in response.content.decode()
    assert Order.objects.count() == 0


def test_a_grid_without_a_delivery_date_is_refused_at_the_date(buyer_client, version):
    response = buyer_client.post(
        "/orders/new/",
        {"version": version.pk, "q-Black-S": "200", "unit_price": "39.00", "ship_to": "Wuhan"},
    )

    assert response.context["form"].errors["requested_date"] == ["This field is required."]
    assert "Wuhan</textarea>" in response.content.decode()
    assert Order.objects.count() == 0


def test_the_grid_shows_the_date_the_factory_can_promise(buyer_client, factory, version):
    promised = capable_to_promise(
        factory=factory, version=version, quantity=factory.minimum_order_quantity
    ).date

    page = buyer_client.get(f"/orders/new/?version={version.pk}").content.decode()

    assert f"Earliest delivery the factory can promise now: {date_format(promised)}." in page
    assert f'value="{promised.isoformat()}"' in page


def test_the_planner_accepts_and_converts_from_the_order_page(planner_client, place_order):
    order = place_order()

    planner_client.post(f"/orders/{order.pk}/", {"action": "accept"})
    offered = planner_client.get(f"/orders/{order.pk}/production/").content.decode()
    converted = planner_client.post(f"/orders/{order.pk}/convert/")
    page = planner_client.get(f"/orders/{order.pk}/").content.decode()
    panel = planner_client.get(f"/orders/{order.pk}/production/").content.decode()

    order.refresh_from_db()
    work_order = WorkOrder.objects.get(order=order)
    assert f'formaction="/orders/{order.pk}/convert/"' in offered
    assert converted["Location"] == f"/orders/{order.pk}/"
    assert order.status == Order.Status.IN_PRODUCTION
    assert f'hx-get="/orders/{order.pk}/production/"' in page
    assert f"/orders/work-orders/{work_order.pk}/tickets.pdf" in panel
    assert f"Work order {work_order.number}" in panel
    assert "/convert/" not in panel


def test_a_merchant_cannot_convert_from_the_page(buyer_client, accepted_order):
    response = buyer_client.post(f"/orders/{accepted_order.pk}/convert/")

    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


def test_the_merchant_sees_progress_but_not_the_work_order(buyer_client, accepted_order, planner):
    result = order_convert(order=accepted_order, by=planner)

    panel = buyer_client.get(f"/orders/{accepted_order.pk}/production/").content.decode()

    work_order = WorkOrder.objects.get(pk=result.work_order_id)
    assert '<div class="fs-5">100</div>' in panel  # ordered
    assert work_order.number not in panel
    assert "tickets.pdf" not in panel
    assert f'formaction="/orders/{accepted_order.pk}/reorder/"' in panel


def test_bundle_tickets_are_a_pdf(planner_client, accepted_order, planner):
    result = order_convert(order=accepted_order, by=planner)

    response = planner_client.get(f"/orders/work-orders/{result.work_order_id}/tickets.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_bundle_tickets_embed_their_font_read_back_and_scan(
    planner_client, accepted_order, planner, version, tmp_path
):
    version.style.name = "女式衬衫"
    version.style.save(update_fields=["name"])
    work_order_id = order_convert(order=accepted_order, by=planner).work_order_id
    bundles = Bundle.objects.filter(work_order_id=work_order_id).order_by("number")

    response = planner_client.get(f"/orders/work-orders/{work_order_id}/tickets.pdf")

    assert_every_font_embedded(response.content)
    text = pdf_text(response.content, tmp_path)
    first = bundles[0]
    assert "女式衬衫" in text
    assert f"{first.number:04d} · {first.quantity} " in text  # the coupon line, "·" intact
    assert "\u2612" not in text and "\ufffd" not in text  # no box, no replacement character
    assert sorted(qr_payloads(response.content, tmp_path)) == sorted(b.qr_payload for b in bundles)


def test_bulk_conversion_runs_the_task_and_shows_progress(
    planner_client, accepted_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post("/orders/convert/", {"orders": [accepted_order.pk]})

    job = ConversionJob.objects.get()
    assert response["Location"] == f"/orders/jobs/{job.pk}/"
    assert (job.status, job.done, job.failed, job.percent) == ("done", 1, 0, 100)
    progress = planner_client.get(f"/orders/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "100%" in progress.content.decode()
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.IN_PRODUCTION


def test_the_merchant_reorders_what_sells_from_the_sales_page(
    buyer_client, accepted_order, merchant
):
    Order.objects.filter(pk=accepted_order.pk).update(status=Order.Status.DELIVERED)
    for days_ago in range(14):
        DailySaleFactory(
            style=accepted_order.version.style,
            merchant=merchant,
            date=dt.date.today() - dt.timedelta(days=days_ago),
            colour="Black",
            size="S",
            quantity_sold=2,
            stock_on_hand=2,
        )

    page = buyer_client.get("/orders/sales/").content.decode()
    response = buyer_client.post(f"/orders/{accepted_order.pk}/reorder/")

    reorder = Order.objects.get(reorder_of=accepted_order)
    assert f'action="/orders/{accepted_order.pk}/reorder/"' in page
    assert response["Location"] == f"/orders/{reorder.pk}/"
    assert reorder.lines.get(colour="Black", size="S").quantity > 0


def test_a_reorder_without_sales_is_refused_and_writes_nothing(buyer_client, accepted_order):
    before = Order.objects.count()

    response = buyer_client.post(f"/orders/{accepted_order.pk}/reorder/", follow=True)

    assert "Sales do not suggest a re-order yet." in response.content.decode()
    assert Order.objects.count() == before


def test_the_merchant_finds_its_partner_factory(buyer_client, factory):
    page = buyer_client.get("/orders/factories/?search=1&quantity=300&category=woven")

    assert page.status_code == 200
    assert factory.organization.name in page.content.decode()
    assert "makes this category" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q-Black-S", str(2**31), "A quantity is a whole number from 0 to 1,000,000."),
        ("unit_price", "100000000.00", "An amount of money is from 0 to 99,999,999.99 yuan."),
    ],
    ids=["quantity", "money"],
)
def test_the_grid_refuses_a_number_over_its_limit_next_to_the_field(
    buyer_client, version, field, value, message
):
    # given an order grid with one number over its limit
    data = {
        "version": version.pk,
        "q-Black-S": "200",
        "requested_date": (dt.date.today() + dt.timedelta(days=40)).isoformat(),
        "unit_price": "39.00",
        "ship_to": "Wuhan",
    }
    data[field] = value

    # when the merchant submits it
    response = buyer_client.post("/orders/new/", data)

    # then the page shows the limit at the field and no order is written
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Order.objects.count() == 0
