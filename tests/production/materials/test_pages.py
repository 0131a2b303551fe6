"""Production's pages at inventory's addresses: running MRP and releasing to cutting from the
shortages page."""

import pytest

from inventory.models import MaterialShortage, MrpRun, ReleaseOverride
from production.models import WorkOrder
from tests.factories import WorkOrderFactory
from tests.inventory.conftest import need

pytestmark = pytest.mark.django_db


def test_the_shortages_page_loads_the_release_form_from_production(
    client, manager, fabric, work_order
):
    client.force_login(manager)

    page = client.get("/inventory/shortages/").content.decode()
    form = client.get("/inventory/shortages/release/").content.decode()

    assert 'hx-get="/inventory/shortages/release/"' in page
    assert 'action="/inventory/shortages/run/"' in page
    assert f'<option value="{work_order.pk}">WO-1' in form


def test_running_mrp_from_the_page_stores_the_shortages(client, manager, fabric, work_order):
    need(work_order, fabric, 50)
    client.force_login(manager)

    response = client.post("/inventory/shortages/run/")

    assert response["Location"] == "/inventory/shortages/"
    assert MrpRun.objects.count() == 1
    assert MaterialShortage.objects.get().short == 50


def test_a_short_work_order_is_released_with_a_reason_from_the_page(
    client, manager, fabric, work_order
):
    need(work_order, fabric, 50)
    client.force_login(manager)

    client.post(
        "/inventory/shortages/release/", {"work_order": work_order.pk, "reason": "Sample run"}
    )

    work_order.refresh_from_db()
    assert work_order.status == WorkOrder.Status.CUTTING
    assert ReleaseOverride.objects.get().reason == "Sample run"


def test_without_a_reason_the_short_work_order_stays_planned(client, manager, fabric, work_order):
    need(work_order, fabric, 50)
    client.force_login(manager)

    response = client.post(
        "/inventory/shortages/release/", {"work_order": work_order.pk}, follow=True
    )

    work_order.refresh_from_db()
    assert work_order.status == WorkOrder.Status.PLANNED
    assert "materials are short" in response.content.decode()
    assert ReleaseOverride.objects.count() == 0


def test_a_clerk_cannot_run_mrp(client, clerk, factory):
    client.force_login(clerk)

    response = client.post("/inventory/shortages/run/")

    assert response.status_code == 403
    assert MrpRun.objects.count() == 0


def test_another_factorys_work_order_is_not_released(client, manager, work_order):
    stranger = WorkOrderFactory(number="WO-X")  # a work order of another factory
    client.force_login(manager)

    response = client.post(
        "/inventory/shortages/release/", {"work_order": stranger.pk}, follow=True
    )

    stranger.refresh_from_db()
    assert stranger.status == WorkOrder.Status.PLANNED
    assert "Select a valid choice" in response.content.decode()
