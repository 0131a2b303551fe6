"""Work orders and bundles move only through their transition tables, and every move is
audited — the scan path and packing's many-bundle moves included."""

import pytest

from core.errors import NotAllowed
from core.models import AuditEntry
from inventory.models import ReleaseOverride
from production.models import Bundle, OperationRecord, WorkOrder
from production.services import (
    finished_goods_receive,
    operation_record_create,
    operation_record_void,
    work_order_cancel,
    work_order_release,
)
from tests.audit_trail import moves_of
from tests.factories import LayFactory

pytestmark = pytest.mark.django_db


def scan(floor, bundle, operation):
    return operation_record_create(
        factory=floor.factory,
        bundle=floor.bundles[bundle],
        operation=floor.operations[operation],
        worker=floor.workers[operation],
        source=OperationRecord.Source.SCAN,
        reason="entered for the line",
        by=floor.user,
    )


def test_the_first_scan_moves_the_bundle_and_the_released_work_order_into_sewing_audited(floor):
    scan(floor, 0, 0)

    assert moves_of(floor.bundles[0]) == [("cut", "in_sewing")]
    assert moves_of(floor.work_order) == [("planned", "cutting"), ("cutting", "sewing")]


def test_a_later_scan_that_changes_no_state_writes_no_audit_entry(floor):
    scan(floor, 0, 0)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count()

    scan(floor, 0, 1)

    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count() == entries


def test_the_last_operation_sews_the_bundle_and_a_void_sends_it_back(floor):
    for operation in (0, 1):
        scan(floor, 0, operation)
    last = scan(floor, 0, 2)

    operation_record_void(record=last, reason="Wrong badge", by=floor.user)

    assert moves_of(floor.bundles[0]) == [
        ("cut", "in_sewing"),
        ("in_sewing", "sewn"),
        ("sewn", "in_sewing"),
    ]


def test_receiving_finished_goods_moves_every_covered_bundle_with_an_entry_each(floor):
    for bundle in (0, 1, 2):
        for operation in (0, 1, 2):
            scan(floor, bundle, operation)

    finished_goods_receive(
        work_order=floor.work_order, colour="Black", size="M", quantity=40, by=floor.user
    )

    assert [moves_of(bundle)[-1] for bundle in floor.bundles] == [
        ("sewn", "finished"),
        ("sewn", "finished"),
        ("in_sewing", "sewn"),
    ]
    assert moves_of(floor.work_order) == [
        ("planned", "cutting"),
        ("cutting", "sewing"),
        ("sewing", "finishing"),
    ]
    assert list(Bundle.objects.order_by("number").values_list("status", flat=True)) == [
        "finished",
        "finished",
        "sewn",
    ]


def test_releasing_a_work_order_twice_is_refused_and_logs_no_override(floor):
    # given the floor's work order, released when the floor was built
    with pytest.raises(NotAllowed) as refused:
        work_order_release(work_order=floor.work_order, by=floor.user, override_reason="again")

    assert refused.value.code == "invalid_transition"
    assert ReleaseOverride.objects.count() == 0
    assert moves_of(floor.work_order) == [("planned", "cutting")]


def test_a_work_order_with_a_cut_lay_is_not_cancelled(floor):
    LayFactory(
        marker__cut_plan=floor.work_order.cut_plans.get(), status="cut", colour="Red", number=9
    )

    with pytest.raises(NotAllowed) as refused:
        work_order_cancel(work_order=floor.work_order, reason="Merchant gone", by=floor.user)

    assert refused.value.code == "cutting_started"
    assert WorkOrder.objects.get(pk=floor.work_order.pk).status == "cutting"
    assert moves_of(floor.work_order) == [("planned", "cutting")]
