from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    LayFactory,
    MarkerFactory,
    MaterialRequirementFactory,
    WorkOrderFactory,
    WorkOrderLineFactory,
    WorkOrderOperationFactory,
)


def populate(world) -> None:
    world.work_order = WorkOrderFactory(
        version=world.version, order=world.order, number=f"{world.tag}-WO1", line=world.line
    )
    WorkOrderLineFactory(work_order=world.work_order)
    WorkOrderOperationFactory(work_order=world.work_order)
    MaterialRequirementFactory(work_order=world.work_order)
    cut_plan = CutPlanFactory(work_order=world.work_order)
    marker = MarkerFactory(cut_plan=cut_plan)
    lay = LayFactory(marker=marker)
    world.bundle = BundleFactory(lay=lay)
