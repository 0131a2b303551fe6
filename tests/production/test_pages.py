"""Shop-floor pages: the phone's scan page, supervisor entry, PDFs."""

import pytest
from django.urls import reverse

from core.roles import Role
from production.models import OperationRecord
from production.services import (
    carton_pack,
    finished_goods_receive,
    operation_record_create,
    shipment_ship,
)
from tests.factories import MembershipFactory, UserFactory
from tests.pdfs import assert_every_font_embedded, qr_payloads

pytestmark = pytest.mark.django_db


def login(client, floor, role):
    user = UserFactory()
    MembershipFactory(user=user, organization=floor.factory.organization, role=role)
    client.force_login(user)
    return client


def test_the_scan_page_records_and_says_so(client, floor):
    login(client, floor, Role.WORKER)
    response = client.post(
        reverse("production:scan"),
        {
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "badge": floor.workers[0].badge_id,
            "operation": floor.operations[0].pk,
        },
        follow=True,
    )
    assert (response.status_code, OperationRecord.objects.count()) == (200, 1)
    assert "Recorded: bundle" in response.content.decode()


def test_the_scan_page_shows_why_a_scan_is_refused_and_writes_nothing(client, floor):
    login(client, floor, Role.WORKER)
    response = client.post(
        reverse("production:scan"),
        {"bundle": "SLB:999999", "badge": floor.workers[0].badge_id, "operation": "OP1"},
    )
    assert "not one of this factory" in response.content.decode()
    assert OperationRecord.objects.count() == 0


def test_a_supervisor_entry_without_a_reason_is_refused(client, floor):
    login(client, floor, Role.SUPERVISOR)
    client.post(
        reverse("production:record-manual"),
        {
            "bundle": floor.bundles[0].pk,
            "badge": floor.workers[0].badge_id,
            "operation": floor.operations[0].pk,
        },
    )
    assert OperationRecord.objects.count() == 0


def test_labels_and_packing_list_are_pdfs_in_chinese(client, floor, tmp_path):
    for bundle in floor.bundles[:1]:
        for n, op in enumerate(floor.operations):
            operation_record_create(
                factory=floor.factory,
                bundle=bundle,
                operation=op,
                worker=floor.workers[n],
                source=OperationRecord.Source.SCAN,
            )
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=20)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    shipment = shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="顺丰")
    login(client, floor, Role.WAREHOUSE_CLERK)
    label = client.get(reverse("production:carton-label", kwargs={"pk": carton.pk}))
    packing_list = client.get(reverse("production:packing-list", kwargs={"pk": shipment.pk}))
    for response in (label, packing_list):
        assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
        assert_every_font_embedded(response.content)
    assert qr_payloads(label.content, tmp_path) == [carton.qr_payload]
    assert qr_payloads(packing_list.content, tmp_path) == [f"SLS:{shipment.pk}"]
