"""What production's selectors share: live records, open work orders, percentages."""

from datetime import timedelta

from django.db.models import Q

from production.models import WorkOrder

LIVE = Q(voided_at__isnull=True)  # a voided record counts nowhere
HOUR = timedelta(hours=1)
OPEN_STATES = (
    WorkOrder.Status.PLANNED,
    WorkOrder.Status.CUTTING,
    WorkOrder.Status.SEWING,
    WorkOrder.Status.FINISHING,
)


def pct(part, whole) -> float | None:
    """part ÷ whole in percent with one decimal; None when there is no whole."""
    return round(100.0 * float(part) / float(whole), 1) if whole else None
