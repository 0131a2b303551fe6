"""A small production floor for dashboard tests: a work order with two recorded operations
(the second finishes the garment) and bundles of 20 pieces, an operator on a line."""

from types import SimpleNamespace

from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    LayFactory,
    MarkerFactory,
    StationFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
    released,
)


def build_floor(factory, line, *, order=None, bundles=3, version=None) -> SimpleNamespace:
    extra = {"version": version} if version else {"version__factory": factory}
    work_order = WorkOrderFactory(factory=factory, line=line, order=order, quantity=60, **extra)
    first = WorkOrderOperationFactory(work_order=work_order, sequence=1, code="OP1")
    last = WorkOrderOperationFactory(work_order=work_order, sequence=2, code="OP2")
    lay = LayFactory(marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)))
    released(work_order)  # the material gate: nothing is recorded before the release
    return SimpleNamespace(
        work_order=work_order,
        first=first,
        last=last,
        bundles=[BundleFactory(lay=lay, quantity=20) for _ in range(bundles)],
        worker=WorkerFactory(factory=factory, line=line, badge_id=f"BADGE-{factory.pk}"),
        station=StationFactory(factory=factory, line=line),
    )


def record(floor, bundle, operation, **kwargs):
    from production.services import operation_record_create

    return operation_record_create(
        factory=floor.work_order.factory,
        bundle=bundle,
        operation=operation,
        worker=floor.worker,
        source="scan",
        **kwargs,
    )
