"""Material requirements planning: netting the open work orders' requirements against stock.

MRP nets each open work order's requirements (from conversion: BOM × cut with wastage) against
what it already has (issued to it, reserved for it), then free stock, then open purchases
usable by the need date — requirements in cutting order, so the earliest cut gets the material
first. What is left is a shortage. Production owns the requirements and the plan; it reads
inventory's stock through inventory.selectors and hands the shortages down to inventory's
`mrp_results_store`, which keeps the run and suggests purchases. A handful of set-based queries
feed an in-memory pass: 500 work orders plan in well under a second.
"""

import time
from collections import defaultdict
from datetime import date

from django.db import transaction

from factories.models import Factory
from inventory import selectors as stock
from inventory.models import MrpRun
from inventory.models.fields import ZERO
from inventory.services import Shortage, mrp_results_store
from production.models import MaterialRequirement, ScheduleEntry, WorkOrder


def planned_work_orders(factory: Factory):
    """Work orders whose material still matters: not yet sewing."""
    return WorkOrder.objects.filter(
        factory=factory, status__in=[WorkOrder.Status.PLANNED, WorkOrder.Status.CUTTING]
    )


def scheduled_starts(factory: Factory, work_order_ids) -> dict[int, date]:
    """Work order → its start in the production plan."""
    rows = ScheduleEntry.objects.filter(
        factory=factory, work_order_id__in=work_order_ids, start_date__isnull=False
    ).values_list("work_order_id", "pinned_start", "start_date")
    return {wo: pinned or start for wo, pinned, start in rows}


def cutting_date(requirement_need_date: date, scheduled_start: date | None) -> date:
    """When the material must be on hand: the planned start where the schedule has one (the
    cut comes first, so material is needed by then), else the requirement's need date."""
    if scheduled_start is not None:
        return min(scheduled_start, requirement_need_date)
    return requirement_need_date


@transaction.atomic
def mrp_run(*, factory: Factory, by=None) -> MrpRun:
    """Plan every open work order of the factory; inventory stores shortages and suggestions."""
    started = time.perf_counter()
    work_orders = {wo.pk: wo for wo in planned_work_orders(factory)}
    requirements = list(
        MaterialRequirement.objects.filter(
            factory=factory, work_order_id__in=list(work_orders)
        ).values_list("work_order_id", "material_code", "quantity", "need_date")
    )
    materials = stock.materials_by_code(factory)
    issued = stock.issued_to_work_orders(factory, list(work_orders))
    reserved_for, reserved_total = stock.open_reservations(factory)
    on_hand = stock.on_hand_by_material(factory, cuttable_only=False)
    free = defaultdict(
        lambda: ZERO,
        {m: max(q - reserved_total.get(m, ZERO), ZERO) for m, q in on_hand.items()},
    )
    supply = stock.open_purchase_supply(factory)
    starts = scheduled_starts(factory, list(work_orders))

    def priority(row):
        work_order = work_orders[row[0]]
        return (
            cutting_date(row[3], starts.get(row[0])),
            -work_order.priority,
            work_order.due_date,
            work_order.number,
            row[1],
        )

    shortages = []
    for work_order_id, code, quantity, need_date in sorted(requirements, key=priority):
        material = materials.get(code)
        need = cutting_date(need_date, starts.get(work_order_id))
        if material is None:
            shortages.append(
                Shortage(work_order_id, code, None, need, quantity, ZERO, ZERO, quantity)
            )
            continue
        key = (work_order_id, material.pk)
        remaining = quantity - issued.get(key, ZERO) - reserved_for.get(key, ZERO)
        if remaining <= 0:
            continue
        from_stock = min(remaining, free[material.pk])
        free[material.pk] -= from_stock
        remaining -= from_stock
        from_purchases = ZERO
        for entry in supply.get(material.pk, ()):
            if remaining <= 0:
                break
            if entry[1] <= 0 or entry[0] > need:
                continue
            take = min(entry[1], remaining)
            entry[1] -= take
            from_purchases += take
            remaining -= take
        if remaining > 0:
            shortages.append(
                Shortage(
                    work_order_id=work_order_id,
                    material_code=code,
                    material_id=material.pk,
                    need_date=need,
                    required=quantity,
                    from_stock=from_stock,
                    from_purchases=from_purchases,
                    short=remaining,
                )
            )
    return mrp_results_store(
        factory=factory,
        by=by,
        work_orders=len(work_orders),
        shortages=shortages,
        late_supply=supply,
        started=started,
    )
