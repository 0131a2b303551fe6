"""Modbus TCP polling: read each due device's register map with pymodbus's async client and
write the readings through the ingest path, as if the device had published them.

A device that does not answer is marked offline and retried with exponential back-off
(poll period × 2^failures, capped), without holding up the others: all due devices are polled
concurrently, each with its own timeout.
"""

import asyncio
import logging
import time as clock
from dataclasses import dataclass, field
from datetime import timedelta

import orjson
from django.db.models import Q
from django.utils import timezone
from pymodbus.client import AsyncModbusTcpClient

from devices import conf
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import Device, Protocol

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
    previous: dict = field(default_factory=dict)


@dataclass
class PollOutcome:
    target: PollTarget
    metrics: dict | None
    error: str = ""
    seconds: float = 0.0


_previous_totals: dict[int, dict] = {}


async def read_device(target: PollTarget, timeout: float) -> PollOutcome:
    started = clock.monotonic()
    client = AsyncModbusTcpClient(
        target.host, port=target.port, timeout=timeout, retries=0, reconnect_delay=0
    )
    try:
        if not await asyncio.wait_for(client.connect(), timeout):
            return PollOutcome(target, None, "no connection", clock.monotonic() - started)
        metrics = {}
        for entry in target.registers:
            read = (
                client.read_input_registers
                if entry.get("table") == "input"
                else client.read_holding_registers
            )
            response = await asyncio.wait_for(
                read(entry["address"], count=entry["count"], device_id=target.unit), timeout
            )
            if response.isError():
                return PollOutcome(target, None, str(response), clock.monotonic() - started)
            value = client.convert_from_registers(response.registers, DATATYPES[entry["type"]])
            scale = entry.get("scale", 1)
            metrics[entry["metric"]] = round(value * scale, 3) if scale != 1 else value
        return PollOutcome(target, metrics, "", clock.monotonic() - started)
    except (TimeoutError, OSError, ConnectionError) as error:
        return PollOutcome(target, None, repr(error), clock.monotonic() - started)
    except Exception as error:  # noqa: BLE001 - one broken device must not stop the others
        return PollOutcome(target, None, repr(error), clock.monotonic() - started)
    finally:
        client.close()


async def read_devices(targets: list[PollTarget], timeout: float) -> list[PollOutcome]:
    return await asyncio.gather(*(read_device(target, timeout) for target in targets))


def _with_deltas(device_id: int, metrics: dict) -> dict:
    previous = _previous_totals.get(device_id, {})
    data = dict(metrics)
    for name, value in metrics.items():
        if name.endswith(TOTAL_SUFFIX) and name in previous and value >= previous[name]:
            data[name[: -len(TOTAL_SUFFIX)]] = value - previous[name]
    _previous_totals[device_id] = {k: v for k, v in metrics.items() if k.endswith(TOTAL_SUFFIX)}
    return data


def due_targets(now=None, device_ids=None) -> list[PollTarget]:
    now = now or timezone.now()
    devices = Device.objects.filter(
        protocol=Protocol.MODBUS_TCP, is_active=True, register_map__isnull=False
    ).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    if device_ids is not None:
        devices = devices.filter(pk__in=device_ids)
    return [
        PollTarget(
            device_id=device.pk,
            factory_code=device.factory.code,
            device_code=device.code,
            host=device.modbus_host or "127.0.0.1",
            port=device.modbus_port,
            unit=device.modbus_unit,
            registers=device.register_map.registers,
        )
        for device in devices.select_related("factory__organization", "register_map")
    ]


def record_outcomes(outcomes: list[PollOutcome]) -> dict:
    """Write good readings through the ingest; schedule the next poll (with back-off)."""
    now = timezone.now()
    messages = []
    sequence = int(now.timestamp() * 1000)
    max_backoff = conf.get("MODBUS_MAX_BACKOFF_SECONDS")
    devices = Device.objects.in_bulk([outcome.target.device_id for outcome in outcomes])
    for outcome in outcomes:
        device = devices[outcome.target.device_id]
        if outcome.metrics is not None:
            payload = {
                "seq": sequence,
                "ts": sequence,
                "type": "modbus.sample",
                **_with_deltas(device.pk, outcome.metrics),
            }
            messages.append(
                Incoming(
                    topic_for(outcome.target.factory_code, device.code, "telemetry"),
                    orjson.dumps(payload),
                    now,
                )
            )
            device.poll_failures = 0
            device.next_poll_at = now + timedelta(seconds=device.poll_seconds)
        else:
            device.poll_failures += 1
            backoff = min(device.poll_seconds * 2 ** min(device.poll_failures, 16), max_backoff)
            device.next_poll_at = now + timedelta(seconds=backoff)
            device.is_online = False
            logger.info("modbus %s: %s (retry in %ss)", device.code, outcome.error, backoff)
    Device.objects.bulk_update(
        devices.values(), ["poll_failures", "next_poll_at", "is_online"], batch_size=500
    )
    result = ingest_messages(messages) if messages else None
    return {
        "polled": len(outcomes),
        "answered": len(messages),
        "failed": len(outcomes) - len(messages),
        "records": result.inserted if result else 0,
    }


def poll_due_devices(device_ids=None) -> dict:
    """Poll every device that is due, concurrently, and record the outcomes."""
    targets = due_targets(device_ids=device_ids)
    if not targets:
        return {"polled": 0, "answered": 0, "failed": 0, "records": 0}
    outcomes = asyncio.run(read_devices(targets, conf.get("MODBUS_TIMEOUT_SECONDS")))
    return record_outcomes(outcomes)
