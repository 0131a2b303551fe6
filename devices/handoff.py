"""Hand-off of hanger events to production: a hanger leaving a station is an operation done.

Production records it through its own recording service (the one the phone scan uses), for
payroll and dashboards. A `StationHandoff` row, written in the same transaction, is the key
that makes one event one record however often the task runs.
"""

import logging
from importlib import util

from django.db import IntegrityError, transaction

from devices.models import StationHandoff, TelemetryRecord

logger = logging.getLogger(__name__)


def production_recorder():
    """Production's recording entry point for device events, or None before it exists."""
    if not util.find_spec("production.services"):
        return None
    from production import services as production_services

    return getattr(production_services, "operation_record_from_device", None)


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
    recorder = production_recorder()
    if recorder is None:
        logger.info("production has no device recording service yet; record %s waits", record_id)
        return None
    try:
        with transaction.atomic():
            handoff = _record(record, recorder)
    except IntegrityError:  # another worker handed it off meanwhile
        return StationHandoff.objects.get(
            factory_id=record.factory_id, device_id=record.device_id, sequence=record.sequence
        )
    return handoff


def _record(record: TelemetryRecord, recorder) -> StationHandoff:
    from core.errors import DomainError

    handoff = StationHandoff(
        factory_id=record.factory_id,
        device_id=record.device_id,
        sequence=record.sequence,
        record_id=record.pk,
    )
    try:
        with transaction.atomic():
            operation_record = recorder(
                factory=record.device.factory,
                station=record.device.station,
                data=record.data,
                time=record.time,
                source_key=f"device:{record.device_id}:{record.sequence}",
            )
    except DomainError as error:
        handoff.outcome = StationHandoff.Outcome.REJECTED
        handoff.detail = str(error.message)[:300]
    else:
        handoff.outcome = StationHandoff.Outcome.RECORDED
        handoff.operation_record_id = operation_record.pk
    handoff.save()
    return handoff
