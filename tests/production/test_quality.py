"""Inspections, the rework loop back to the operation and its operator, final audits."""

import pytest

from core.errors import DomainError
from production.models import FinalAudit, Inspection, OperationRecord
from production.selectors import quality_figures
from production.services import (
    defect_codes_ensure,
    final_audit_record,
    inspection_record,
    open_rework_pieces,
    operation_record_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sewn(floor):
    defect_codes_ensure(factory=floor.factory)
    for n, op in enumerate(floor.operations):
        operation_record_create(
            factory=floor.factory,
            bundle=floor.bundles[0],
            operation=op,
            worker=floor.workers[n],
            source=OperationRecord.Source.SCAN,
        )
    return floor


def end_of_line(floor, **extra):
    return inspection_record(
        factory=floor.factory,
        kind=Inspection.Kind.END_OF_LINE,
        bundle=floor.bundles[0],
        checked_pieces=20,
        **extra,
    )


def test_rework_goes_back_to_the_operation_and_its_operator(sewn):
    inspection = end_of_line(
        sewn,
        result=Inspection.Result.REWORK,
        defects=[
            {"code": "D02", "count": 3, "operation": sewn.operations[1].pk, "rework_pieces": 3}
        ],
    )
    defect = inspection.defects.get()
    assert (defect.operation, defect.worker, defect.rework_pieces) == (
        sewn.operations[1],
        sewn.workers[1],
        3,
    )
    assert open_rework_pieces(bundle=sewn.bundles[0], operation=sewn.operations[1]) == 3


def test_the_operator_records_the_rework_and_the_loop_closes(sewn):
    end_of_line(
        sewn,
        result=Inspection.Result.REWORK,
        defects=[
            {"code": "D02", "count": 2, "operation": sewn.operations[1].pk, "rework_pieces": 2}
        ],
    )
    operation_record_create(
        factory=sewn.factory,
        bundle=sewn.bundles[0],
        operation=sewn.operations[1],
        worker=sewn.workers[1],
        source=OperationRecord.Source.SCAN,
        is_rework=True,
    )
    assert open_rework_pieces(bundle=sewn.bundles[0], operation=sewn.operations[1]) == 0


def test_an_unknown_defect_code_is_refused(sewn):
    with pytest.raises(DomainError):
        end_of_line(sewn, result=Inspection.Result.PASS, defects=[{"code": "X99", "count": 1}])
    assert Inspection.objects.count() == 0


def test_checking_more_than_the_bundle_is_refused(sewn):
    with pytest.raises(DomainError):
        inspection_record(
            factory=sewn.factory,
            kind=Inspection.Kind.END_OF_LINE,
            bundle=sewn.bundles[0],
            checked_pieces=21,
            result=Inspection.Result.PASS,
        )
    assert Inspection.objects.count() == 0


def test_first_pass_yield_and_dhu_per_operator(sewn):
    operation_record_create(
        factory=sewn.factory,
        bundle=sewn.bundles[1],
        operation=sewn.operations[1],
        worker=sewn.workers[1],
        source=OperationRecord.Source.SCAN,
        good_pieces=15,
        defective_pieces=5,
    )
    end_of_line(
        sewn,
        result=Inspection.Result.PASS,
        worker=sewn.workers[1],
        defects=[{"code": "D07", "count": 4, "operation": sewn.operations[1].pk}],
    )
    row = next(
        r for r in quality_figures(sewn.factory, by="worker") if r["key"] == sewn.workers[1].pk
    )
    assert (row["first_pass_yield"], row["dhu"]) == (87.5, 20.0)  # 35/40 good; 4 defects / 20


def test_final_audit_uses_the_standard_plan_and_rejects_at_re(floor):
    floor.work_order.cut_quantity = 1000
    floor.work_order.save()
    accepted = final_audit_record(work_order=floor.work_order, lot_size=1000, major_found=5)
    rejected = final_audit_record(work_order=floor.work_order, lot_size=1000, major_found=6)
    assert (accepted.code_letter, accepted.sample_size, accepted.major_accept) == ("J", 80, 5)
    assert (accepted.result, rejected.result) == (
        FinalAudit.Result.ACCEPTED,
        FinalAudit.Result.REJECTED,
    )


def test_any_critical_defect_rejects_the_lot(floor):
    audit = final_audit_record(work_order=floor.work_order, lot_size=50, critical_found=1)
    assert audit.result == FinalAudit.Result.REJECTED
