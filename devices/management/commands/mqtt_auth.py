"""`manage.py mqtt_auth`: bring the broker's dynamic-security clients and roles in line with the
device registry (the ingest's account from MQTT_URL, each device's role and client-id binding,
retired devices disabled), over `$CONTROL/dynamic-security/v1` as DEVICES_BROKER_ADMIN_URL."""

from django.core.management.base import BaseCommand, CommandError

from core import rls
from devices.broker import BrokerError, admin_url, broker_sync


class Command(BaseCommand):
    help = "Sync the broker's dynamic-security clients and roles with the device registry."

    @rls.platform()  # every factory's devices (row-level security)
    def handle(self, *args, **options):
        if not admin_url():
            raise CommandError("Set DEVICES_BROKER_ADMIN_URL (the broker's dynsec admin client).")
        try:
            report = broker_sync()
        except BrokerError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"ingest account: {report['ingest'] or '(none: MQTT_URL has no user)'}; "
            f"{report['devices']} devices in line, {report['disabled']} disabled"
        )
        for username in report["missing"]:
            self.stdout.write(f"{username}: unknown to the broker, issue new credentials")
