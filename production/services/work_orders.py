"""The work order's states, the one function that moves it, and its cancellation.

planned → cutting (released: the material gate) → sewing (first record) → finishing (first
finished-goods receipt) → done (everything ordered shipped). Nothing is recorded on a planned
work order (records.operation_record_create refuses `not_released`), so it never skips its
release. It is cancelled before cutting only: from planned or cutting while every lay of it is
still planned.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.realtime import notify
from core.transitions import TransitionTable, transition_apply
from inventory.services import work_order_reservations_release
from production.models import Lay, WorkOrder

S = WorkOrder.Status
WORK_ORDER_TRANSITIONS = TransitionTable(
    WorkOrder,
    {
        S.PLANNED: {S.CUTTING, S.CANCELLED},
        S.CUTTING: {S.SEWING, S.CANCELLED},
        S.SEWING: {S.FINISHING},
        S.FINISHING: {S.DONE},
        S.DONE: set(),
        S.CANCELLED: set(),
    },
)
OPEN = [S.PLANNED, S.CUTTING, S.SEWING, S.FINISHING]


@transaction.atomic
def work_order_transition(
    *, work_order: WorkOrder, to: str, by, reason: str = "", values: dict | None = None
) -> WorkOrder:
    """Move a locked work order to `to` if its table allows it (else NotAllowed, nothing
    written); the move is audited with `reason`."""
    return transition_apply(
        table=WORK_ORDER_TRANSITIONS,
        instance=work_order,
        to=to,
        by=by,
        reason=reason,
        values=values,
    )


def _refuse_if_cutting_started(work_orders: Sequence[WorkOrder]) -> None:
    cut = Lay.objects.filter(cut_plan__work_order__in=work_orders).exclude(
        status=Lay.Status.PLANNED
    )
    if cut.exists():
        raise NotAllowed(
            _("Cutting has started; this order can no longer be cancelled."),
            code="cutting_started",
        )


@transaction.atomic
def work_order_cancel(*, work_order: WorkOrder, reason: str, by) -> WorkOrder:
    """Cancel a work order before cutting: its stock reservations are released (the lots are
    available again), the move is audited, and live screens hear of it. Refused, nothing
    written: a lay is spread or cut (`cutting_started`), or its state does not allow it."""
    work_order = WorkOrder.objects.select_for_update(no_key=True).get(pk=work_order.pk)
    _refuse_if_cutting_started([work_order])
    work_order_transition(work_order=work_order, to=S.CANCELLED, by=by, reason=reason)
    work_order_reservations_release(work_order=work_order, by=by)
    notify(work_order.factory_id, "work_order_cancelled", {"work_order": work_order.pk})
    return work_order


@transaction.atomic
def order_work_orders_cancel(*, order, reason: str, by) -> list[WorkOrder]:
    """Cancel every open work order of a merchant order that is being cancelled; refused
    (`cutting_started`) before anything is written once a lay of any of them is cut."""
    work_orders = list(
        WorkOrder.objects.select_for_update(no_key=True)
        .filter(factory_id=order.factory_id, order=order)
        .order_by("pk")
    )
    _refuse_if_cutting_started(work_orders)
    return [
        work_order_cancel(work_order=work_order, reason=reason, by=by)
        for work_order in work_orders
        if work_order.status in OPEN
    ]
