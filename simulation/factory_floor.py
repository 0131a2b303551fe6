"""A running factory for demos and load: hangers carrying the real bundles of the factory's
work orders through their operations at real stations with real operators, sewing-machine
samples, spreader and cutter jobs on the factory's real lays, and heartbeats.

Over MQTT (each line's controller publishes its stations' events in the batched gateway form;
machines publish their own samples) when a broker URL is given, otherwise straight into the
ingest entry point. It also serves the factory's simulated Modbus machines.

A few hangers ride the rail at once (`rail_size`, about one second's events), the rest wait
their turn: a hanger finishes its garments within seconds, so the screen's output moves while
one watches, instead of every bundle of the factory advancing one step in turn (which took
minutes before the first garment was finished).

`deliver` hands one second's messages to the ingest and survives a failed write (a locked or
unreachable database): it retries the same messages with backoff. Each record keeps its device
sequence, so a retried record that was stored already is a duplicate, never a second row, and
the hand-offs to production are run again for the stored records (production keys them on the
device and sequence: one event, one operation record).
"""

import logging
import random
import time as clock
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from devices.handoff import lay_events_hand_off, station_events_hand_off
from devices.ingest import (
    LAY_EVENTS,
    STATION_EVENTS,
    Incoming,
    IngestResult,
    ingest_messages,
    topic_for,
)
from devices.models import Device, DeviceKind, Protocol, TelemetryRecord
from factories.models import Factory, Station, Worker
from production.models import Bundle, Lay, WorkOrder, WorkOrderOperation
from simulation import modbus_machines

logger = logging.getLogger(__name__)

SAMPLE_SECONDS = 10
HEARTBEAT_SECONDS = 30
CUTTER_JOB_SECONDS = 90


@dataclass
class Hanger:
    """One hanger on the rail: a bundle and where it is in its routing."""

    number: int
    bundle_id: int
    operations: list  # [(operation code, station device code, badge)]
    step: int = 0
    at_station: bool = False


@dataclass
class SimulatedDevice:
    code: str
    sequence: int = field(default_factory=lambda: int(clock.time() * 1000))

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence


class FactorySimulation:
    def __init__(self, factory: Factory, *, rate: float, seed: int = 7):
        self.factory = factory
        self.rate = max(rate, 1.0)
        self.random = random.Random(seed)
        # Only the devices the simulator made: a real device of the factory is never driven.
        devices = Device.objects.filter(factory=factory, is_active=True, simulated=True)
        self.controllers = {
            d.line_id: d for d in devices.filter(kind=DeviceKind.HANGING_CONTROLLER)
        }
        self.station_devices = {
            d.station_id: d
            for d in devices.filter(kind=DeviceKind.HANGING_STATION, station__isnull=False)
        }
        self.machines = list(devices.filter(kind=DeviceKind.SEWING_MACHINE, protocol=Protocol.MQTT))
        self.cutters = list(devices.filter(kind=DeviceKind.CUTTER, protocol=Protocol.MQTT))
        self.spreaders = list(devices.filter(kind=DeviceKind.SPREADER, protocol=Protocol.MQTT))
        # The lays of released work orders: cutter and spreader jobs name them (`lay`), as the
        # cut ticket's QR says, so production links each job to its lay.
        self.lays = list(
            Lay.objects.filter(
                factory=factory,
                cut_plan__work_order__status__in=(
                    WorkOrder.Status.CUTTING,
                    WorkOrder.Status.SEWING,
                ),
            )
            .select_related("marker")
            .order_by("pk")[:200]
        )
        self.modbus_ports = sorted(
            devices.filter(
                protocol=Protocol.MODBUS_TCP,
                modbus_host__in=("127.0.0.1", "localhost"),
                register_map__vendor=modbus_machines.VENDOR,
            ).values_list("modbus_port", flat=True)
        )
        self.state = {d.code: SimulatedDevice(d.code) for d in devices}
        # The rail carries about one second's events of hangers; the others queue for it.
        self.rail_size = max(2, int(self.rate))
        self.queue: deque[Hanger] = deque(self._hangers())
        self.hangers: deque[Hanger] = deque()
        self._fill_rail()
        self.tick_count = 0

    def _fill_rail(self) -> None:
        while self.queue and len(self.hangers) < self.rail_size:
            self.hangers.append(self.queue.popleft())

    # --- the floor ------------------------------------------------------------------------
    def _hangers(self) -> list[Hanger]:
        """Bundles of the work orders in sewing (or cutting), routed over their line's stations."""
        hangers = []
        work_orders = WorkOrder.objects.filter(
            factory=self.factory,
            status__in=(WorkOrder.Status.SEWING, WorkOrder.Status.CUTTING),
        ).order_by("due_date")
        number = 0
        for work_order in work_orders:
            stations = list(
                Station.objects.filter(factory=self.factory, line=work_order.line_id)
                .filter(pk__in=list(self.station_devices))
                .order_by("position")
            )
            if not stations:
                continue
            operations = list(
                WorkOrderOperation.objects.filter(
                    factory=self.factory, work_order=work_order
                ).order_by("sequence")
            )
            badges = dict(
                Worker.objects.filter(factory=self.factory, line=work_order.line_id).values_list(
                    "pk", "badge_id"
                )
            )
            route = []
            for index, operation in enumerate(operations):
                device = self.station_devices[stations[index % len(stations)].pk]
                badge = badges.get(device.operator_id) or next(iter(badges.values()), "")
                route.append((operation.code, device, badge))
            for bundle_id in Bundle.objects.filter(
                factory=self.factory, work_order=work_order
            ).values_list("pk", flat=True):
                number += 1
                hangers.append(Hanger(number=number, bundle_id=bundle_id, operations=route))
        self.random.shuffle(hangers)
        return hangers

    def _record(self, device: Device, kind: str, **data) -> dict:
        state = self.state[device.code]
        return {
            "seq": state.next_sequence(),
            "ts": int(clock.time() * 1000),
            "type": kind,
            **data,
        }

    def _hanger_events(self, budget: int) -> dict[int, list[dict]]:
        """Move hangers along: arrive at the next station, then leave it done. By line."""
        events: dict[int, list[dict]] = {}
        for _ in range(min(budget, len(self.hangers))):
            hanger = self.hangers.popleft()
            code, device, badge = hanger.operations[hanger.step]
            if not hanger.at_station:
                record = self._record(device, "station.arrive", hanger=f"H{hanger.number:05d}")
                record.update(bundle=hanger.bundle_id, operation=code)
                hanger.at_station = True
            else:
                defect = 1 if self.random.random() < 0.03 else 0
                record = self._record(
                    device,
                    "station.leave",
                    hanger=f"H{hanger.number:05d}",
                    bundle=hanger.bundle_id,
                    operation=code,
                    badge=badge,
                    defect=defect,
                )
                hanger.at_station = False
                hanger.step += 1
            record["device"] = device.code
            events.setdefault(device.line_id, []).append(record)
            if hanger.step < len(hanger.operations):
                self.hangers.append(hanger)
        self._fill_rail()  # finished hangers leave; the next bundles get on
        return events

    def _machine_sample(self, machine: Device) -> dict:
        running = self.random.choice((10, 10, 10, 8, 6, 0))
        stopped = 10 - running if running == 0 and self.random.random() < 0.3 else 0
        idle = 10 - running - stopped
        return self._record(
            machine,
            "sewing.sample",
            run_s=running,
            idle_s=idle,
            stop_s=stopped,
            stitches=running * self.random.randint(35, 55),
            trims=running // 4,
            stops=1 if stopped else 0,
        )

    # --- one second -----------------------------------------------------------------------
    def tick(self) -> list[Incoming]:
        """The messages of one simulated second."""
        self.tick_count += 1
        messages = []
        code = self.factory.code
        for machine in self.machines:
            if (self.tick_count + machine.pk) % SAMPLE_SECONDS == 0:
                body = self._machine_sample(machine)
                messages.append(
                    Incoming(topic_for(code, machine.code, "telemetry"), orjson.dumps(body))
                )
        for controller in self.controllers.values():
            if (self.tick_count + controller.pk) % HEARTBEAT_SECONDS == 0:
                body = self._record(controller, "heartbeat", uptime_s=self.tick_count)
                messages.append(
                    Incoming(topic_for(code, controller.code, "status"), orjson.dumps(body))
                )
        if self.lays and self.tick_count % CUTTER_JOB_SECONDS == 1:
            lay = self.lays[(self.tick_count // CUTTER_JOB_SECONDS) % len(self.lays)]
            metres = round(float(lay.marker.length_m) * lay.plies, 1)
            for machine, devices in (("spreader", self.spreaders), ("cutter", self.cutters)):
                for device in devices[:1]:
                    for phase in ("start", "end"):
                        body = self._record(
                            device,
                            f"{machine}.{phase}",
                            lay=lay.qr_payload,
                            plies=lay.plies,
                            metres=metres,
                        )
                        messages.append(
                            Incoming(topic_for(code, device.code, "events"), orjson.dumps(body))
                        )
        budget = max(1, int(self.rate) - len(messages))
        for line_id, records in self._hanger_events(budget).items():
            controller = self.controllers.get(line_id)
            if controller is None:
                continue
            # The line controller reports for its stations: the batched gateway form.
            for start in range(0, len(records), 50):
                body = orjson.dumps({"records": records[start : start + 50]})
                messages.append(Incoming(topic_for(code, controller.code, "events"), body))
        return messages

    def publisher_logins(self):
        """Devices that publish over MQTT in this simulation (controllers, machines, cutters,
        spreaders)."""
        return [*self.controllers.values(), *self.machines, *self.cutters, *self.spreaders]


# --- delivery that survives a failed write -------------------------------------------------------

RETRY_FIRST_SECONDS = 0.2
RETRY_MAX_SECONDS = 5.0


def _record_keys(messages: list[Incoming], kinds: tuple[str, ...] = ()) -> dict[str, set[int]]:
    """(device code → sequences) of the records in `messages` (of `kinds`, or all)."""
    keys: dict[str, set[int]] = {}
    for message in messages:
        try:
            body = orjson.loads(message.payload)
        except orjson.JSONDecodeError:
            continue
        topic_device = message.topic.split("/")[3] if message.topic.count("/") >= 3 else ""
        records = body.get("records") if isinstance(body, dict) else None
        for record in records if isinstance(records, list) else [body]:
            if not isinstance(record, dict) or (kinds and record.get("type") not in kinds):
                continue
            keys.setdefault(record.get("device") or topic_device, set()).add(record.get("seq"))
    return keys


def _stored(factory: Factory, keys: dict[str, set[int]]):
    """The telemetry rows of the factory with these device sequences."""
    rows = TelemetryRecord.objects.none()
    for device_code, sequences in keys.items():
        rows = rows | TelemetryRecord.objects.filter(
            factory=factory, device__code=device_code, sequence__in=sequences
        )
    return rows


def batch_stored(factory: Factory, messages: list[Incoming]) -> bool:
    """Whether the batch is in the database (the ingest stores a batch all or nothing)."""
    keys = _record_keys(messages)
    return bool(keys) and _stored(factory, keys).exists()


def hand_offs_repeat(factory: Factory, messages: list[Incoming]) -> tuple[int, int]:
    """Run the hand-offs again for the stored events of `messages` (idempotent: an event handed
    off already is skipped). Returns (station, lay) events looked at."""
    stored = _stored(factory, _record_keys(messages, (*STATION_EVENTS, *LAY_EVENTS)))
    station_ids, lay_ids = [], []
    for pk, kind in stored.values_list("pk", "kind"):
        (station_ids if kind in STATION_EVENTS else lay_ids).append(pk)
    if station_ids:
        station_events_hand_off(sorted(station_ids))
    if lay_ids:
        lay_events_hand_off(sorted(lay_ids))
    return len(station_ids), len(lay_ids)


@dataclass
class Delivery:
    """What `deliver` did for one batch: the result (None when a failed attempt had stored it
    already) and how many attempts failed first."""

    result: IngestResult | None
    failures: int = 0


def deliver(
    factory: Factory,
    messages: list[Incoming],
    *,
    ingest: Callable[[list[Incoming]], IngestResult] = ingest_messages,
    sleep: Callable[[float], None] = clock.sleep,
    attempts: int = 8,
) -> Delivery:
    """Ingest one batch, retrying a failed write with exponential backoff (see module doc).

    The ingest stores a batch in one transaction and hands its events off after the commit, so
    a failure leaves either nothing stored (the retry ingests the batch) or the records stored
    and some hand-offs undone (the retry runs the hand-offs again, which skip what is done).
    Raises the last error when every attempt failed.
    """
    failures = 0
    result = None
    while True:
        try:
            if failures and batch_stored(factory, messages):
                hand_offs_repeat(factory, messages)
            else:
                result = ingest(messages)
            return Delivery(result=result, failures=failures)
        except Exception as error:  # noqa: BLE001 - a locked or lost database: try again
            failures += 1
            if failures >= attempts:
                raise
            wait = min(RETRY_FIRST_SECONDS * 2 ** (failures - 1), RETRY_MAX_SECONDS)
            logger.warning(
                "simulator: ingest failed (%s); retry %d in %.1f s", error, failures, wait
            )
            sleep(wait)
