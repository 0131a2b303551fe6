"""`manage.py broker_refusals LOG [--follow]`: turn the broker's "Denied PUBLISH" log lines into
`publish_refused` alarms on the devices they name (MQTT 3.1.1 devices are not told; MQTT 5
devices get PUBACK 0x87). Needs `log_type debug` in the broker's configuration. LOG is a file,
or `-` for standard input, e.g. `docker compose logs -f --no-log-prefix mosquitto |
manage.py broker_refusals -`; docs/devices.md, "Refused publishes"."""

import sys
import time as clock

from django.core.management.base import BaseCommand

from devices.broker import refused_publishes
from devices.services import publish_refusals_record


class Command(BaseCommand):
    help = "Raise alarms on devices whose publishes the broker refused (from its debug log)."

    def add_arguments(self, parser):
        parser.add_argument("log", help="the broker's log file, or - for standard input")
        parser.add_argument(
            "--follow", action="store_true", help="keep reading the file as it grows"
        )

    def handle(self, *args, **options):
        if options["log"] == "-":
            # A stream: each refusal is recorded as it arrives (they are rare).
            for line in sys.stdin:
                self._record([line])
            return
        with open(options["log"], errors="replace") as log:
            self._record(log.readlines())
            while options["follow"]:
                lines = log.readlines()
                if lines:
                    self._record(lines)
                else:
                    clock.sleep(1)

    def _record(self, lines) -> None:
        refusals = refused_publishes(lines)
        if not refusals:
            return
        for alarm in publish_refusals_record(refusals):
            self.stdout.write(f"{alarm.device.mqtt_username}: {alarm.message}")
