"""Hand-off of device events to production: a hanger leaving a station is an operation done;
a cutter or spreader job is linked to its lay.

Production records it through its own recording service (the one the phone scan uses), for
payroll and dashboards. An event for a work order not yet released to cutting (production's
material gate refuses it, `not_released`) is kept waiting, with that work order, and handed off
again by `station_handoffs_retry` (beat, every minute) once the work order is released.

A `StationHandoff` row, written in the same transaction, is the key that makes one event one
record however often the task runs. The ingest queues the task after it commits; the task lives
here, next to what it runs, so the ingest needs nothing of devices.tasks (which imports the
ingest's callers).
"""

import logging
from dataclasses import dataclass

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from devices import conf
from devices.models import StationHandoff, TelemetryRecord
from production.models import Bundle, OperationRecord, WorkOrder
from production.services import bundle_id_from_scan, lay_event_record, operation_record_create

logger = logging.getLogger(__name__)


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class StationEvent:
    """What a `station.leave` says, read one way for production's record and for rollups:
    who (badge), which bundle and operation, and the good and defective pieces (`good` None
    when the station did not count them: production then counts the bundle less the defective,
    `production.services.first_pass_good_pieces`)."""

    badge: str
    bundle: str
    operation: str
    good: int | None
    defective: int

    @classmethod
    def of(cls, data) -> "StationEvent":
        data = data if isinstance(data, dict) else {}
        return cls(
            badge=data.get("badge") or "",
            bundle=data.get("bundle") or "",
            operation=data.get("operation") or "",
            good=_count(data.get("good")),
            defective=_count(data.get("defect")) or 0,
        )


def station_event_hand_off(*, record_id: int) -> StationHandoff | None:
    """Turn one `station.leave` record into an operation record (at most once)."""
    record = TelemetryRecord.objects.filter(pk=record_id).select_related("device").first()
    if record is None or record.kind != "station.leave":
        return None
    done = StationHandoff.objects.filter(
        factory_id=record.factory_id, device_id=record.device_id, sequence=record.sequence
    ).first()
    if done is not None:
        return done
    try:
        with transaction.atomic():
            handoff = _record(record)
    except IntegrityError:  # another worker handed it off meanwhile
        return StationHandoff.objects.get(
            factory_id=record.factory_id, device_id=record.device_id, sequence=record.sequence
        )
    return handoff


def _record(record: TelemetryRecord, handoff: StationHandoff | None = None) -> StationHandoff:
    handoff = handoff or StationHandoff(
        factory_id=record.factory_id,
        device_id=record.device_id,
        sequence=record.sequence,
        record_id=record.pk,
    )
    handoff.work_order_id = None
    try:
        with transaction.atomic():
            operation_record = _operation_record(record)
    except DomainError as error:
        handoff.detail = str(error.message)[:300]
        handoff.outcome = StationHandoff.Outcome.REJECTED
        if error.code == "not_released":
            # The material gate: the event waits for the release instead of being lost.
            handoff.outcome = StationHandoff.Outcome.WAITING
            handoff.work_order_id = _work_order_id(record)
    else:
        handoff.outcome = StationHandoff.Outcome.RECORDED
        handoff.operation_record = operation_record
        handoff.detail = ""
    handoff.save()
    return handoff


def _work_order_id(record: TelemetryRecord) -> int | None:
    bundle_id = bundle_id_from_scan(StationEvent.of(record.data).bundle)
    return (
        Bundle.objects.filter(factory_id=record.factory_id, pk=bundle_id)
        .values_list("work_order_id", flat=True)
        .first()
    )


def station_handoffs_retry(*, limit: int = 500) -> int:
    """Hand off again the events that wait for a work order released since (or cancelled: they
    are then rejected). Returns how many were handed off again."""
    waiting = list(
        StationHandoff.objects.filter(outcome=StationHandoff.Outcome.WAITING)
        .exclude(work_order__status=WorkOrder.Status.PLANNED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in waiting:
        with transaction.atomic():
            handoff = (
                StationHandoff.objects.select_for_update(no_key=True)
                .filter(pk=pk, outcome=StationHandoff.Outcome.WAITING)
                .first()
            )
            if handoff is None:  # another worker retried it meanwhile
                continue
            record = TelemetryRecord.objects.filter(pk=handoff.record_id).select_related("device")
            record = record.first()
            if record is None:  # past the telemetry's retention
                handoff.outcome = StationHandoff.Outcome.REJECTED
                handoff.work_order_id = None
                handoff.detail = _("The event is no longer stored.")
                handoff.save()
                continue
            _record(record, handoff)
    return len(waiting)


def _operation_record(record: TelemetryRecord) -> OperationRecord:
    """Production's recording service, exactly as the phone scan calls it, keyed on the event."""
    event, device = StationEvent.of(record.data), record.device
    worker = event.badge or device.operator
    if not worker:
        raise DomainError(_("The event names no operator badge and the station has none."))
    if not event.bundle or not event.operation:
        raise DomainError(_("The event names no bundle or operation."))
    return operation_record_create(
        factory=device.factory,
        bundle=event.bundle,
        operation=event.operation,
        worker=worker,
        source=OperationRecord.Source.DEVICE,
        station=device.station,
        good_pieces=event.good,
        defective_pieces=event.defective,
        recorded_at=record.time,
        external_event_id=f"device:{record.device_id}:{record.sequence}",
    )


# Registered under the name it had in devices.tasks, so queued messages still run.
@shared_task(name="devices.tasks.station_events_hand_off", **conf.TASK_OPTIONS, rls="platform")
def station_events_hand_off(record_ids: list[int]) -> int:
    """Hanger events → production operation records (one record per event, ever)."""
    handed = 0
    for record_id in record_ids:
        handed += station_event_hand_off(record_id=record_id) is not None
    return handed


def lay_event_hand_off(*, record_id: int):
    """Link one cutter or spreader record to its lay through production's service (at most
    once: production keys the link on the device and sequence). An unknown lay links nothing;
    the record stays in the telemetry either way."""
    record = TelemetryRecord.objects.filter(pk=record_id).select_related("device").first()
    if record is None or not record.kind.startswith(("cutter.", "spreader.")):
        return None
    data = record.data if isinstance(record.data, dict) else {}
    return lay_event_record(
        factory_id=record.factory_id,
        lay=data.get("lay"),
        kind=record.kind,
        device_code=record.device.code,
        time=record.time,
        plies=data.get("plies"),
        metres=data.get("metres"),
        external_id=f"device:{record.device_id}:{record.sequence}",
    )


@shared_task(name="devices.tasks.lay_events_hand_off", **conf.TASK_OPTIONS, rls="platform")
def lay_events_hand_off(record_ids: list[int]) -> int:
    """Cutter and spreader events → links to their lays. Returns how many were linked."""
    linked = 0
    for record_id in record_ids:
        linked += lay_event_hand_off(record_id=record_id) is not None
    return linked


@shared_task(name="devices.tasks.station_handoffs_retry", **conf.TASK_OPTIONS, rls="platform")
def station_handoffs_retry_task() -> int:
    """Events waiting for their work order's release → records, once it is released (beat)."""
    return station_handoffs_retry()
