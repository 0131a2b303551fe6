"""Writes of a worker's pay disputes and their answers."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.realtime import notify
from factories.clock import factory_today
from factories.models import Worker
from payroll.models import (
    Dispute,
    PayPeriod,
)
from payroll.services.common import invalid
from production.models import WorkOrderOperation

# --- disputes -----------------------------------------------------------------------------------


def open_disputes_of(period: PayPeriod):
    return Dispute.objects.filter(
        factory=period.factory,
        status=Dispute.Status.OPEN,
        day__gte=period.starts_on,
        day__lte=period.ends_on,
    )


@transaction.atomic
def dispute_open(
    *,
    worker: Worker,
    day: date,
    subject: str,
    message: str,
    by,
    operation_id: int | None = None,
) -> Dispute:
    """An operator questions a line of their pay (a day, or an operation on a day)."""
    if not message.strip():
        raise invalid("message", _("Say what is wrong."))
    if (
        operation_id is not None
        and not WorkOrderOperation.objects.filter(
            pk=operation_id, factory_id=worker.factory_id
        ).exists()
    ):
        raise invalid("operation", _("Unknown operation."))
    if day > factory_today(worker.factory):
        raise invalid("day", _("This day has not come yet."))
    dispute = Dispute.objects.create(
        factory_id=worker.factory_id,
        worker=worker,
        day=day,
        operation_id=operation_id,
        subject=subject.strip()[:200] or str(day),
        message=message.strip(),
        created_by=by,
    )
    notify(worker.factory_id, "payroll.dispute", {"dispute": dispute.pk})
    return dispute


@transaction.atomic
def dispute_answer(*, dispute: Dispute, answer: str, by) -> Dispute:
    dispute = Dispute.objects.select_for_update(no_key=True).get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise NotAllowed(_("This dispute is already answered."))
    if not answer.strip():
        raise invalid("answer", _("Write an answer."))
    dispute.status = Dispute.Status.ANSWERED
    dispute.answer = answer.strip()
    dispute.answered_by = by
    dispute.answered_at = timezone.now()
    dispute.save()
    return dispute
