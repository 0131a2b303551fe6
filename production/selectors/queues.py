"""The work-order list and its queues: what waits for release to cutting, what is late, what
waits for its final audit. The list page shows them and the homes count them, from here."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from production.models import FinalAudit, WorkOrder
from production.selectors.common import OPEN_STATES

RELEASE = "release"
LATE = "late"
AUDIT = "audit"
QUEUES = {
    RELEASE: _("Waiting for release to cutting"),
    LATE: _("Late: past the due date and not done"),
    AUDIT: _("Finishing, waiting for an accepted final audit"),
}


def work_orders_listed(factory, *, queue: str = "", today: date | None = None):
    """The factory's work orders (cancelled ones left out), by due date; in one queue when
    `queue` names one. LATE needs the factory's `today`."""
    work_orders = WorkOrder.objects.filter(factory=factory).exclude(
        status=WorkOrder.Status.CANCELLED
    )
    if queue == RELEASE:
        work_orders = work_orders.filter(status=WorkOrder.Status.PLANNED)
    elif queue == LATE:
        work_orders = work_orders.filter(status__in=OPEN_STATES, due_date__lt=today)
    elif queue == AUDIT:
        work_orders = work_orders.filter(status=WorkOrder.Status.FINISHING).exclude(
            final_audits__result=FinalAudit.Result.ACCEPTED
        )
    return work_orders.order_by("due_date", "number")
