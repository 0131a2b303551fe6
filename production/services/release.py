"""Releasing a work order to cutting: only with its materials on hand (inventory's check), or
with a reason that inventory logs as an override."""

from decimal import Decimal

from django.db import transaction

from core.realtime import notify
from inventory.services import material_release_guard
from production.models import MaterialRequirement, WorkOrder
from production.services.work_orders import WORK_ORDER_TRANSITIONS, work_order_transition


@transaction.atomic
def work_order_release(*, work_order: WorkOrder, by, override_reason: str = "") -> WorkOrder:
    """Planned → cutting. Refused (`materials_short`) while materials are short, unless a
    reason is given."""
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    # Refuse an illegal move before inventory logs an override for it.
    WORK_ORDER_TRANSITIONS.check(work_order, WorkOrder.Status.CUTTING)
    material_release_guard(
        work_order=work_order,
        requirements=material_requirements(work_order),
        by=by,
        override_reason=override_reason,
    )
    work_order_transition(
        work_order=work_order, to=WorkOrder.Status.CUTTING, by=by, reason=override_reason
    )
    notify(work_order.factory_id, "work_order_released", {"work_order": work_order.pk})
    return work_order


def material_requirements(work_order: WorkOrder) -> list[tuple[str, Decimal]]:
    """(material code, quantity) the work order needs: what inventory's check is handed."""
    return list(
        MaterialRequirement.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        ).values_list("material_code", "quantity")
    )
