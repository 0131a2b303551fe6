"""The web pages: the order grid on a phone, the detail actions, tickets PDF, bulk conversion."""

import datetime as dt

import pytest
from django.test import Client

from orders.models import ConversionJob, Order
from production.models import Bundle, WorkOrder
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
    assert Order.objects.count() == 0


def test_the_planner_accepts_and_converts_from_the_detail_page(planner_client, place_order):
    order = place_order()

    planner_client.post(f"/orders/{order.pk}/", {"action": "accept"})
    planner_client.post(f"/orders/{order.pk}/", {"action": "convert"})
    page = planner_client.get(f"/orders/{order.pk}/")

    order.refresh_from_db()
    assert order.status == Order.Status.IN_PRODUCTION
    work_order = WorkOrder.objects.get(order=order)
    assert f"/orders/work-orders/{work_order.pk}/tickets.pdf" in page.content.decode()


def test_a_merchant_cannot_convert_from_the_page(buyer_client, accepted_order):
    response = buyer_client.post(f"/orders/{accepted_order.pk}/", {"action": "convert"})

    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


def test_bundle_tickets_are_a_pdf(planner_client, accepted_order, planner):
    from orders.conversion import order_convert

    result = order_convert(order=accepted_order, by=planner)

    response = planner_client.get(f"/orders/work-orders/{result.work_order_id}/tickets.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_bundle_tickets_embed_their_font_read_back_and_scan(
    planner_client, accepted_order, planner, version, tmp_path
):
    from orders.conversion import order_convert

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
