"""Release to cutting (production's service) is guarded by inventory's material check."""

import pytest

from core.errors import DomainError
from inventory.models import ReleaseOverride
from production.services import work_order_release
from tests.inventory.conftest import need, receive

pytestmark = pytest.mark.django_db


def test_a_work_order_with_its_material_on_hand_is_released(
    factory, supplier, fabric, bin_a, clerk, work_order, manager
):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "50", "D1")],
        by=clerk,
    )
    need(work_order, fabric, 50)
    assert work_order_release(work_order=work_order, by=manager).status == "cutting"


def test_a_short_work_order_stays_planned(factory, fabric, work_order, manager):
    need(work_order, fabric, 50)
    with pytest.raises(DomainError) as error:
        work_order_release(work_order=work_order, by=manager)
    work_order.refresh_from_db()
    assert (error.value.code, work_order.status) == ("materials_short", "planned")


def test_releasing_a_short_work_order_with_a_reason_logs_the_override(
    api, factory, fabric, work_order, manager
):
    need(work_order, fabric, 50)
    api.force_login(manager)
    response = api.post(
        "/api/v1/release-overrides/release/",
        {"work_order": work_order.pk, "reason": "Fabric arrives this afternoon"},
        format="json",
    )
    assert (response.status_code, response.json()["status"]) == (200, "cutting")
    override = ReleaseOverride.objects.get()
    assert (override.reason, override.shortages[0]["short"]) == (
        "Fabric arrives this afternoon",
        "50.000",
    )


def test_release_without_a_reason_through_the_api_is_refused(api, fabric, work_order, manager):
    need(work_order, fabric, 50)
    api.force_login(manager)
    response = api.post(
        "/api/v1/release-overrides/release/", {"work_order": work_order.pk}, format="json"
    )
    work_order.refresh_from_db()
    assert (response.status_code, response.json()["code"], work_order.status) == (
        400,
        "materials_short",
        "planned",
    )
