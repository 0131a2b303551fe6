"""A running factory for demos and load: hangers carrying the real bundles of the factory's
work orders through their operations at real stations with real operators, sewing-machine
samples, spreader and cutter jobs on the factory's real lays, and heartbeats.

Over MQTT (each line's controller publishes its stations' events in the batched gateway form;
machines publish their own samples) when a broker URL is given, otherwise straight into the
ingest entry point. It also serves the factory's simulated Modbus machines.
"""

import logging
import random
import time as clock
from collections import deque
from dataclasses import dataclass, field

import orjson

from devices.ingest import Incoming, topic_for
from devices.models import Device, DeviceKind, Protocol
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
        self.hangers: deque[Hanger] = deque(self._hangers())
        self.tick_count = 0

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
