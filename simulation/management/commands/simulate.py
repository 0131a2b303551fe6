"""`manage.py simulate --factory CODE --rate N`: a running factory (see simulation.factory_floor).

Only devices the simulator made (Device.simulated, e.g. the demo's) are simulated: a real device
of the same factory is never driven, nor are its credentials touched. With MQTT_URL (or --url)
set, those devices publish to the broker with their own credentials (the simulator issues them,
as a device's installer would, and the broker learns them over dynamic security); otherwise
every second's messages go straight through the ingest entry point (`factory_floor.deliver`:
a failed write is retried with backoff, and a second that still failed is carried into the next
one, so no scan is lost or counted twice), and the periodic jobs (rollups, alarms, Modbus
polling) run in this process too.
"""

import contextlib
import logging
import threading
import time as clock
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import rls
from devices.alarms import alarms_evaluate
from devices.modbus import poll_due_devices
from devices.models import Device
from devices.mqtt import BrokerAddress
from devices.rollups import minute_floor, rollup_minutes
from devices.services import device_credentials_issue
from factories.models import Factory
from simulation.device_publisher import DeviceLogin, DevicePublisher
from simulation.factory_floor import FactorySimulation, deliver
from simulation.modbus_machines import MachinesInBackground

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Simulate a connected factory floor (hangers, sewing machines, cutter, Modbus)."

    def add_arguments(self, parser):
        parser.add_argument("--factory", required=True, help="factory code, e.g. zz-lusong")
        parser.add_argument("--rate", type=float, default=20, help="hanger events per second")
        parser.add_argument("--seconds", type=int, default=0, help="stop after (0: never)")
        parser.add_argument("--url", default=None, help="MQTT broker (default MQTT_URL)")
        parser.add_argument("--no-modbus", action="store_true", help="serve no Modbus machines")

    @rls.platform()  # a simulator drives the platform like the devices do (row-level security)
    def handle(self, *args, **options):
        factory = Factory.objects.filter(organization__code=options["factory"]).first()
        if factory is None:
            raise CommandError(f"No factory with the code {options['factory']!r}.")
        simulation = FactorySimulation(factory, rate=options["rate"])
        url = settings.MQTT_URL if options["url"] is None else options["url"]
        send = self._mqtt_sender(simulation, url) if url else None
        machines = None
        if simulation.modbus_ports and not options["no_modbus"]:
            machines = MachinesInBackground(simulation.modbus_ports).start()
        self.stdout.write(
            f"simulating {factory} ({len(simulation.hangers) + len(simulation.queue)} hangers, "
            f"{len(simulation.machines)} machines, {len(simulation.modbus_ports)} Modbus) "
            f"{'over MQTT' if url else 'in-process'}; Ctrl-C to stop"
        )
        # Run from `run_demo` (a thread of it), the beat schedule already runs in-process.
        own_periodic_jobs = threading.current_thread() is threading.main_thread()
        started = clock.monotonic()
        sent = 0
        carried = []  # messages of seconds whose delivery failed: sent with the next one
        try:
            while not options["seconds"] or clock.monotonic() - started < options["seconds"]:
                second = clock.monotonic()
                messages = simulation.tick()
                if send:
                    send(messages)
                else:
                    try:
                        deliver(factory, carried + messages)
                        carried = []
                    except Exception:
                        logger.exception("simulator: a second's messages wait for the next one")
                        carried = carried + messages
                    if own_periodic_jobs:
                        self._periodic(simulation.tick_count)
                sent += len(messages)
                if simulation.tick_count % 10 == 0:
                    self.stdout.write(f"{simulation.tick_count}s: {sent} messages")
                clock.sleep(max(0.0, 1.0 - (clock.monotonic() - second)))
        except KeyboardInterrupt:
            pass
        finally:
            if machines:
                machines.stop()
            if send:
                send.close()
        self.stdout.write(f"done: {sent} messages in {simulation.tick_count}s")

    @staticmethod
    def _periodic(tick: int) -> None:
        """The beat's work, for the embedded mode (no Celery beat running)."""
        poll_due_devices()
        if tick % 10 == 0:
            now = timezone.now()
            minutes = [minute_floor(now), minute_floor(now - timedelta(minutes=1))]
            for factory_id in (
                Device.objects.order_by().values_list("factory_id", flat=True).distinct()
            ):
                rollup_minutes(factory_id=factory_id, minutes=minutes)
                if tick % 60 == 0:
                    alarms_evaluate(factory_id=factory_id)

    def _mqtt_sender(self, simulation, url: str):
        address = BrokerAddress.from_url(url)
        publishers = {}
        for device in simulation.publisher_logins():
            if not device.simulated:  # FactorySimulation picks only these; never a real device
                continue
            password = device_credentials_issue(device=device)
            device.refresh_from_db()
            code = simulation.factory.code
            login = DeviceLogin(code, device.code, device.mqtt_username, password)
            publishers[device.code] = DevicePublisher(address.host, address.port, login)
        self.stdout.write(f"issued credentials to {len(publishers)} simulated devices")
        for publisher in publishers.values():
            publisher.start()

        def send(messages):
            for message in messages:
                device_code = message.topic.split("/")[3]
                publishers[device_code].publish("", message.payload, topic=message.topic)

        def close():
            for publisher in publishers.values():
                with contextlib.suppress(Exception):
                    publisher.wait_acked(10)
                    publisher.stop()

        send.close = close
        return send
