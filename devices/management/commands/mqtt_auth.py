"""`manage.py mqtt_auth`: write Mosquitto's password file and ACL from the device registry."""

from django.core.management.base import BaseCommand

from core import rls
from devices.broker import broker_files_write, broker_reload


class Command(BaseCommand):
    help = "Write the broker's password file and ACL (and reload Mosquitto with --reload)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="where to write passwd and acl")
        parser.add_argument("--reload", action="store_true", help="SIGHUP the broker")
        parser.add_argument("--pid", type=int, default=None)

    @rls.platform()  # every factory's devices (row-level security)
    def handle(self, *args, **options):
        passwd, acl = broker_files_write(options["dir"])
        self.stdout.write(f"wrote {passwd} and {acl}")
        if options["reload"]:
            reloaded = broker_reload(options["pid"])
            self.stdout.write("broker reloaded" if reloaded else "broker pid unknown: not reloaded")
