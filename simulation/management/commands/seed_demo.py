"""`manage.py seed_demo`: the demo world. Each app adds its part in `<app>/demo.py`.

Every step is idempotent (get-or-create by natural keys), so running it twice changes nothing.
"""

from importlib import import_module, util
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import acting_as


class Command(BaseCommand):
    help = "Create the Lusong demo world: district, factories, merchants, suppliers, users."

    def handle(self, *args, **options):
        world = SimpleNamespace(logins=[], password="seamline-demo")
        with transaction.atomic(), acting_as():
            for app in settings.PROJECT_APPS:
                if util.find_spec(f"{app}.demo"):
                    import_module(f"{app}.demo").seed(world)
        self.stdout.write(
            self.style.SUCCESS(f"Demo world ready. Logins (password: {world.password}):")
        )
        for username, organization, role in world.logins:
            self.stdout.write(f"  {username:<18} {organization} · {role}")
