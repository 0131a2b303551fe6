from datetime import UTC, datetime

from devices.models import (
    Alarm,
    DeadLetter,
    FailedRollupMinute,
    MinuteRollup,
    StationHandoff,
    TelemetryPolicy,
    TelemetryRecord,
)
from tests.factories import DeviceFactory, RegisterMapFactory


def populate(world) -> None:
    factory = world.factory
    now = datetime.now(UTC).replace(microsecond=0)
    world.register_map = RegisterMapFactory(factory=factory, vendor=f"{world.tag} vendor")
    world.device = DeviceFactory(
        factory=factory,
        code=f"{world.tag}-st1",
        name=f"{world.tag} station 1",
        kind="hanging_station",
        line=world.line,
        station=world.station,
        operator=world.worker,
    )
    world.modbus_device = DeviceFactory(
        factory=factory,
        code=f"{world.tag}-sm1",
        protocol="modbus_tcp",
        register_map=world.register_map,
        modbus_host="127.0.0.1",
        modbus_port=15099,
    )
    record = TelemetryRecord.objects.create(
        factory=factory,
        device=world.device,
        sequence=1,
        time=now,
        received_at=now,
        kind="station.leave",
        data={"hanger": f"{world.tag}-H1", "good": 10},
    )
    DeadLetter.objects.create(
        factory=factory,
        device=world.device,
        topic=f"factories/{factory.code}/devices/{world.device.code}/events",
        payload=b"{not json",
        reason=DeadLetter.Reason.MALFORMED,
        received_at=now,
    )
    TelemetryPolicy.objects.create(factory=factory)
    MinuteRollup.objects.create(
        factory=factory,
        device=world.device,
        station=world.station,
        minute=now.replace(second=0),
        departures=1,
        pieces=10,
        events=1,
    )
    Alarm.objects.create(
        factory=factory,
        kind=Alarm.Kind.DEVICE_OFFLINE,
        subject=f"device:{world.device.pk}",
        device=world.device,
        message=f"{world.tag} station offline",
        opened_at=now,
    )
    FailedRollupMinute.objects.create(
        factory=factory, minute=now.replace(second=0), detail="refused", failed_at=now
    )
    StationHandoff.objects.create(
        factory=factory,
        device=world.device,
        sequence=record.sequence,
        record_id=record.pk,
        outcome=StationHandoff.Outcome.REJECTED,
        detail="no bundle",
    )
