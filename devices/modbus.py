"""Modbus TCP polling: read each due device's register map with pymodbus's async client and
write the readings through the ingest path, as if the device had published them.

All due devices are polled concurrently, each with its own timeout. How a poll can fail
decides the device's status (docs/devices.md, "Modbus"):
- no connection, a timeout, a dropped connection: the device is *offline*, retried with
  exponential back-off (poll period × 2^failures, capped);
- an exception response (illegal address or function, a unit the gateway does not serve), a
  short read or a register type the poller cannot decode: the device answers but its register
  map or unit id is wrong. It is *misconfigured*, with an alarm of its own, and is retried with
  the same back-off (someone has to fix the map; polling it every second would not help).

Scheduling: a poll claims its devices (`next_poll_at` = the tick + the period, under
`SKIP LOCKED`), so two pollers never read the same device in one period, and a device is due
within `MODBUS_DUE_SLACK_SECONDS` of its time, so a 1-s period is polled on every tick of the
1-s beat however late the previous read finished.

Running totals: a register named "…_total" is reported as it is and, as the increase since
the last reading that counted, under the name without "_total" (what rollups sum). The last
totals and their reading time live on the device row and are compared and replaced under its
row lock, so an increase is counted once whatever the number of pollers; a reading older than
the stored one (a slower concurrent poll) adds nothing.
"""

import asyncio
import logging
import time as clock
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusIOException, ParameterException

from core import rls
from devices import conf, services
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import Alarm, Device, PollStatus, Protocol
from factories.models import Factory

logger = logging.getLogger(__name__)

DATATYPES = {
    "int16": AsyncModbusTcpClient.DATATYPE.INT16,
    "uint16": AsyncModbusTcpClient.DATATYPE.UINT16,
    "int32": AsyncModbusTcpClient.DATATYPE.INT32,
    "uint32": AsyncModbusTcpClient.DATATYPE.UINT32,
    "float32": AsyncModbusTcpClient.DATATYPE.FLOAT32,
}
# Counters a device keeps running totals of; the poller reports the increase since the
# previous poll under the name without "_total" (what rollups sum).
TOTAL_SUFFIX = "_total"


@dataclass
class PollTarget:
    device_id: int
    factory_code: str
    device_code: str
    host: str
    port: int
    unit: int
    registers: list
    claimed_at: datetime | None = None


@dataclass
class PollOutcome:
    target: PollTarget
    metrics: dict | None
    error: str = ""
    seconds: float = 0.0
    fault: str = ""  # "" when read, else PollStatus.OFFLINE or PollStatus.MISCONFIGURED
    read_at: datetime | None = None


class Misconfigured(Exception):
    """The device answered, but not what its register map asks for."""


async def _read_register(client, target: PollTarget, entry: dict, timeout: float):
    input_table = entry.get("table") == "input"
    read = client.read_input_registers if input_table else client.read_holding_registers
    response = await asyncio.wait_for(
        read(entry["address"], count=entry["count"], device_id=target.unit), timeout
    )
    if response.isError():
        raise Misconfigured(
            _("%(metric)s (address %(address)s): exception response %(code)s")
            % {
                "metric": entry["metric"],
                "address": entry["address"],
                "code": getattr(response, "exception_code", "?"),
            }
        )
    if len(response.registers) < entry["count"]:
        raise Misconfigured(
            _("%(metric)s (address %(address)s): %(got)s registers read, %(count)s expected")
            % {
                "metric": entry["metric"],
                "address": entry["address"],
                "got": len(response.registers),
                "count": entry["count"],
            }
        )
    return client.convert_from_registers(
        response.registers[: entry["count"]], DATATYPES[entry["type"]]
    )


async def read_device(target: PollTarget, timeout: float) -> PollOutcome:
    started = clock.monotonic()
    client = AsyncModbusTcpClient(
        target.host, port=target.port, timeout=timeout, retries=0, reconnect_delay=0
    )

    def failed(fault: str, error) -> PollOutcome:
        return PollOutcome(target, None, str(error), clock.monotonic() - started, fault)

    try:
        if not await asyncio.wait_for(client.connect(), timeout):
            return failed(PollStatus.OFFLINE, "no connection")
        metrics = {}
        for entry in target.registers:
            value = await _read_register(client, target, entry, timeout)
            scale = entry.get("scale", 1)
            metrics[entry["metric"]] = round(value * scale, 3) if scale != 1 else value
        return PollOutcome(target, metrics, "", clock.monotonic() - started, read_at=timezone.now())
    except Misconfigured as error:
        return failed(PollStatus.MISCONFIGURED, error)
    except (KeyError, ValueError, TypeError, ParameterException) as error:
        # The map names a type, a count or an address the poller cannot use.
        return failed(PollStatus.MISCONFIGURED, repr(error))
    except (TimeoutError, OSError, ConnectionError, ConnectionException, ModbusIOException) as e:
        return failed(PollStatus.OFFLINE, repr(e))
    except Exception as error:  # noqa: BLE001 - one broken device must not stop the others
        return failed(PollStatus.OFFLINE, repr(error))
    finally:
        client.close()


async def read_devices(targets: list[PollTarget], timeout: float) -> list[PollOutcome]:
    return await asyncio.gather(*(read_device(target, timeout) for target in targets))


def _with_deltas(device: Device, metrics: dict, read_at: datetime) -> dict:
    """The reading with the increase of each running total since the device's stored totals,
    which it then replaces. Call with the device row locked. A reading older than the stored
    one (a concurrent poll that finished later) adds no increase and leaves them; a total
    lower than before (the counter was reset) adds none and becomes the new base."""
    data = dict(metrics)
    if device.modbus_totals_at is not None and read_at <= device.modbus_totals_at:
        return data
    previous = device.modbus_totals or {}
    for name, value in metrics.items():
        if name.endswith(TOTAL_SUFFIX) and name in previous and value >= previous[name]:
            data[name[: -len(TOTAL_SUFFIX)]] = value - previous[name]
    device.modbus_totals = {k: v for k, v in metrics.items() if k.endswith(TOTAL_SUFFIX)}
    device.modbus_totals_at = read_at
    return data


def due_targets(now=None, device_ids=None) -> list[PollTarget]:
    """Claim the devices due at `now`: each gets its next poll time (now + its period) in the
    same statement that finds it, and devices another poller is claiming are skipped."""
    now = now or timezone.now()
    slack = timedelta(seconds=conf.get("MODBUS_DUE_SLACK_SECONDS"))
    devices = (
        Device.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .filter(protocol=Protocol.MODBUS_TCP, is_active=True, register_map__isnull=False)
        # A closing factory is read-only (factories.closure): its machines are not polled.
        .filter(factory__status=Factory.Status.ACTIVE)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now + slack))
        .select_related("factory__organization", "register_map")
        .order_by("pk")
    )
    if device_ids is not None:
        devices = devices.filter(pk__in=device_ids)
    with transaction.atomic():
        claimed = list(devices)
        for device in claimed:
            device.next_poll_at = now + timedelta(seconds=device.poll_seconds)
        Device.objects.bulk_update(claimed, ["next_poll_at"], batch_size=500)
    return [
        PollTarget(
            device_id=device.pk,
            factory_code=device.factory.code,
            device_code=device.code,
            host=device.modbus_host or "127.0.0.1",
            port=device.modbus_port,
            unit=device.modbus_unit,
            registers=device.register_map.registers,
            claimed_at=now,
        )
        for device in claimed
    ]


STATE_FIELDS = [
    "poll_failures",
    "poll_status",
    "poll_error",
    "next_poll_at",
    "is_online",
    "last_seen_at",
    "modbus_totals",
    "modbus_totals_at",
]


def record_outcomes(outcomes: list[PollOutcome]) -> dict:
    """Write good readings through the ingest and each device's poll state, in one transaction
    with the devices' rows locked (the stored totals are compared and replaced under the lock,
    and only move if the readings are stored). A failed device is retried with back-off."""
    now = timezone.now()
    sequence = int(now.timestamp() * 1000)
    max_backoff = conf.get("MODBUS_MAX_BACKOFF_SECONDS")
    messages = []
    misconfigured, repaired = [], []
    with transaction.atomic():
        # Locked in one order (by id), so two pollers recording overlapping devices queue
        # instead of deadlocking.
        locked = Device.objects.select_for_update(of=("self",), no_key=True).filter(
            pk__in=[outcome.target.device_id for outcome in outcomes]
        )
        devices = {device.pk: device for device in locked.order_by("pk")}
        for outcome in outcomes:
            device = devices.get(outcome.target.device_id)
            if device is None:  # deleted since it was claimed
                continue
            was = device.poll_status
            if was == PollStatus.MISCONFIGURED and outcome.fault != PollStatus.MISCONFIGURED:
                repaired.append(device)
            if outcome.metrics is not None:
                payload = {
                    "seq": sequence,
                    "ts": sequence,
                    "type": "modbus.sample",
                    **_with_deltas(device, outcome.metrics, outcome.read_at or now),
                }
                messages.append(
                    Incoming(
                        topic_for(outcome.target.factory_code, device.code, "telemetry"),
                        orjson.dumps(payload),
                        now,
                    )
                )
                device.poll_failures, device.poll_status, device.poll_error = 0, PollStatus.OK, ""
                continue
            device.poll_failures += 1
            backoff = min(device.poll_seconds * 2 ** min(device.poll_failures, 16), max_backoff)
            device.next_poll_at = now + timedelta(seconds=backoff)
            device.poll_status, device.poll_error = outcome.fault, outcome.error[:300]
            if outcome.fault == PollStatus.MISCONFIGURED:
                # It answers: it is not offline, its map is wrong.
                device.is_online, device.last_seen_at = True, now
                misconfigured.append(device)
            else:
                device.is_online = False
            logger.info("modbus %s: %s (retry in %ss)", device.code, outcome.error, backoff)
        Device.objects.bulk_update(devices.values(), STATE_FIELDS, batch_size=500)
        result = ingest_messages(messages) if messages else None
        for device in repaired:
            services.alarm_clear_condition(
                factory_id=device.factory_id,
                kind=Alarm.Kind.DEVICE_MISCONFIGURED,
                subject=f"device:{device.pk}",
            )
        for device in misconfigured:
            services.alarm_raise(
                factory_id=device.factory_id,
                kind=Alarm.Kind.DEVICE_MISCONFIGURED,
                subject=f"device:{device.pk}",
                message=_("%(device)s answers but not as its register map says: %(error)s")
                % {"device": device, "error": device.poll_error},
                device=device,
            )
    return {
        "polled": len(outcomes),
        "answered": len(messages),
        "failed": len(outcomes) - len(messages),
        "records": result.inserted if result else 0,
    }


@rls.platform()  # the due devices of every factory (row-level security), as the ingest
def poll_due_devices(device_ids=None, now=None) -> dict:
    """Poll every device that is due, concurrently, and record the outcomes."""
    targets = due_targets(now=now, device_ids=device_ids)
    if not targets:
        return {"polled": 0, "answered": 0, "failed": 0, "records": 0}
    outcomes = asyncio.run(read_devices(targets, conf.get("MODBUS_TIMEOUT_SECONDS")))
    return record_outcomes(outcomes)
