"""The one recording service: scans, supervisor entries and station events."""

import pytest

from core.errors import Conflict, DomainError, NotAllowed
from production.models import Bundle, OperationRecord, WorkOrder
from production.services import operation_record_create, operation_record_void
from tests.production.conftest import build_floor

pytestmark = pytest.mark.django_db
SCAN = OperationRecord.Source.SCAN


def record(floor, bundle=0, operation=0, worker=0, **extra):
    return operation_record_create(
        factory=floor.factory,
        bundle=f"SLB:{floor.bundles[bundle].pk}",
        operation=floor.operations[operation].code,
        worker=floor.workers[worker].badge_id,
        source=extra.pop("source", SCAN),
        **extra,
    )


def test_a_scan_records_the_whole_bundle_for_the_badge_holder(floor):
    rec = record(floor, station=floor.stations[0].code)
    assert (rec.good_pieces, rec.defective_pieces, rec.worker, rec.line, rec.work_order) == (
        20,
        0,
        floor.workers[0],
        floor.line,
        floor.work_order,
    )


def test_the_first_record_puts_bundle_and_work_order_in_sewing(floor):
    record(floor)
    floor.bundles[0].refresh_from_db()
    floor.work_order.refresh_from_db()
    assert (floor.bundles[0].status, floor.work_order.status) == (
        Bundle.Status.IN_SEWING,
        WorkOrder.Status.SEWING,
    )


def test_a_bundle_is_sewn_when_every_scanned_operation_is_done(floor):
    for n in range(3):
        record(floor, operation=n, worker=n)
    floor.bundles[0].refresh_from_db()
    assert floor.bundles[0].status == Bundle.Status.SEWN


def test_the_same_bundle_and_operation_twice_is_refused(floor):
    record(floor)
    with pytest.raises(Conflict):
        record(floor, worker=1)
    assert OperationRecord.objects.count() == 1


def test_a_second_record_is_allowed_as_rework_of_the_defective_pieces(floor):
    record(floor, defective_pieces=2, good_pieces=18)
    rework = record(floor, is_rework=True)
    assert (rework.is_rework, rework.good_pieces) == (True, 2)


def test_rework_beyond_the_defective_pieces_is_refused(floor):
    record(floor, defective_pieces=2, good_pieces=18)
    with pytest.raises(DomainError):
        record(floor, is_rework=True, good_pieces=3)
    assert OperationRecord.objects.filter(is_rework=True).count() == 0


def test_the_same_external_event_makes_one_record(floor):
    first = record(floor, source=OperationRecord.Source.DEVICE, external_event_id="hanger-77")
    again = record(floor, source=OperationRecord.Source.DEVICE, external_event_id="hanger-77")
    assert (again.pk, OperationRecord.objects.count()) == (first.pk, 1)


def test_a_voided_record_stays_and_frees_the_operation(floor, django_user_model):
    rec = record(floor)
    operation_record_void(record=rec, reason="wrong badge", by=floor.user)
    again = record(floor, worker=1)
    rec.refresh_from_db()
    assert (rec.void_reason, rec.voided_by, OperationRecord.objects.count(), again.worker) == (
        "wrong badge",
        floor.user,
        2,
        floor.workers[1],
    )


def test_voiding_needs_a_reason_and_happens_once(floor):
    rec = record(floor)
    with pytest.raises(DomainError):
        operation_record_void(record=rec, reason=" ", by=floor.user)
    operation_record_void(record=rec, reason="duplicate", by=floor.user)
    with pytest.raises(NotAllowed):
        operation_record_void(record=rec, reason="again", by=floor.user)
    rec.refresh_from_db()
    assert rec.void_reason == "duplicate"


def test_another_factorys_bundle_is_refused(floor):
    other = build_floor(tag="o")
    with pytest.raises(DomainError) as error:
        operation_record_create(
            factory=floor.factory,
            bundle=f"SLB:{other.bundles[0].pk}",
            operation=floor.operations[0].code,
            worker=floor.workers[0].badge_id,
            source=SCAN,
        )
    assert ("bundle" in error.value.errors, OperationRecord.objects.count()) == (True, 0)


def test_an_operation_outside_the_bundles_routing_is_refused(floor):
    with pytest.raises(DomainError) as error:
        operation_record_create(
            factory=floor.factory,
            bundle=floor.bundles[0].pk,
            operation="OP99",
            worker=floor.workers[0].badge_id,
            source=SCAN,
        )
    assert ("operation" in error.value.errors, OperationRecord.objects.count()) == (True, 0)


def test_an_unknown_badge_is_refused(floor):
    with pytest.raises(DomainError) as error:
        operation_record_create(
            factory=floor.factory,
            bundle=floor.bundles[0].pk,
            operation="OP1",
            worker="NO-SUCH-BADGE",
            source=SCAN,
        )
    assert ("worker" in error.value.errors, OperationRecord.objects.count()) == (True, 0)


def test_completing_more_than_was_cut_is_refused(floor):
    with pytest.raises(DomainError) as error:
        record(floor, good_pieces=21)
    assert ("good_pieces" in error.value.errors, OperationRecord.objects.count()) == (True, 0)


def test_a_supervisor_entry_needs_a_reason(floor):
    with pytest.raises(DomainError):
        record(floor, source=OperationRecord.Source.MANUAL, by=floor.user)
    rec = record(
        floor, source=OperationRecord.Source.MANUAL, reason="scanner broken", by=floor.user
    )
    assert (rec.reason, rec.recorded_by, OperationRecord.objects.count()) == (
        "scanner broken",
        floor.user,
        1,
    )
