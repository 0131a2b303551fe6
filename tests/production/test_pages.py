"""Shop-floor pages: the phone's scan page, supervisor entry, PDFs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from production.models import Carton, LineBalance, OperationRecord
from production.services import (
    carton_pack,
    finished_goods_receive,
    operation_record_create,
    shipment_ship,
)
from tests.factories import MembershipFactory, SewingLineFactory, UserFactory
from tests.pdfs import assert_every_font_embedded, qr_payloads

pytestmark = pytest.mark.django_db


def login(client, floor, role):
    """Signed in with `role`; a worker is the holder of the first badge."""
    user = UserFactory()
    MembershipFactory(user=user, organization=floor.factory.organization, role=role)
    if role == Role.WORKER:
        floor.workers[0].user = user
        floor.workers[0].save(update_fields=["user"])
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


def test_a_supervisor_scanning_for_a_worker_is_told_to_give_a_reason(client, floor):
    """The scan page has no reason box: the refusal shows above the form, not nowhere."""
    login(client, floor, Role.SUPERVISOR)

    response = client.post(
        reverse("production:scan"),
        {
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "badge": floor.workers[0].badge_id,
            "operation": floor.operations[0].pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].top_errors == [
        "Reason: Recording for another worker is a supervisor's entry: give a reason."
    ]
    assert "give a reason." in response.content.decode()
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


def test_an_unknown_badge_is_refused_next_to_the_badge_with_the_scan_kept(client, floor):
    login(client, floor, Role.WORKER)

    response = client.post(
        reverse("production:scan"),
        {
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "badge": "NOBODY",
            "operation": floor.operations[0].pk,
        },
    )

    form = response.context["form"]
    assert form.errors["badge"] == ["Unknown badge: no active worker of this factory has it."]
    page = response.content.decode()
    assert f'value="SLB:{floor.bundles[0].pk}"' in page
    assert 'class="form-control form-control-lg is-invalid"' in page
    assert OperationRecord.objects.count() == 0


def test_a_negative_defect_count_is_a_field_error_and_records_nothing(client, floor):
    login(client, floor, Role.WORKER)

    response = client.post(
        reverse("production:scan"),
        {
            "bundle": floor.bundles[0].pk,
            "badge": floor.workers[0].badge_id,
            "operation": floor.operations[0].pk,
            "defective_pieces": "-2",
        },
    )

    assert list(response.context["form"].errors) == ["defective_pieces"]
    assert OperationRecord.objects.count() == 0


def test_packing_more_than_was_received_is_refused_at_its_cell(client, floor):
    login(client, floor, Role.WAREHOUSE_CLERK)

    response = client.post(
        reverse("production:packing", kwargs={"pk": floor.work_order.pk}),
        {"step": "pack", "pack__Black__M": "5"},
    )

    form = response.context["pack_form"]
    assert form.errors["pack__Black__M"] == ["Only 0 received pieces are left to pack."]
    assert 'value="5"' in response.content.decode()
    assert Carton.objects.count() == 0


def test_another_factorys_line_is_not_a_choice_for_balancing(client, floor):
    other = SewingLineFactory()  # a line of another factory
    login(client, floor, Role.SUPERVISOR)

    response = client.post(
        reverse("production:balance", kwargs={"pk": floor.work_order.pk}), {"line": other.pk}
    )

    assert list(response.context["form"].errors) == ["line"]
    assert LineBalance.objects.count() == 0


def test_the_records_page_reads_as_many_queries_for_many_bundles_as_for_one(client, floor):
    """A bundle's name is its work order's number: read in the page's one query, not per row."""
    login(client, floor, Role.SUPERVISOR)

    def record(bundle):
        for n, op in enumerate(floor.operations):
            operation_record_create(
                factory=floor.factory,
                bundle=bundle,
                operation=op,
                worker=floor.workers[n],
                source=OperationRecord.Source.SCAN,
            )

    record(floor.bundles[0])
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("production:records")).status_code == 200
    for bundle in floor.bundles[1:3]:
        record(bundle)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("production:records"))
    assert str(floor.bundles[2]) in response.content.decode()
    assert len(three.captured_queries) == len(one.captured_queries)
