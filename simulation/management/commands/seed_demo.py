"""`manage.py seed_demo`: the demo world, step by step (see simulation.demo.SEED_STEPS).

Every step is idempotent (get-or-create by natural keys), so running it twice changes nothing.
"""

from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction

from core import rls
from core.audit import acting_as
from simulation.demo import SEED_STEPS


class Command(BaseCommand):
    help = "Create the Lusong demo world: district, factories, merchants, suppliers, users."

    @rls.platform()  # builds every demo tenant (row-level security)
    def handle(self, *args, **options):
        world = SimpleNamespace(logins=[], password="seamline-demo")
        with transaction.atomic(), acting_as():
            for seed in SEED_STEPS:
                seed(world)
        self.stdout.write(
            self.style.SUCCESS(f"Demo world ready. Logins (password: {world.password}):")
        )
        for username, organization, role in world.logins:
            self.stdout.write(f"  {username:<18} {organization} · {role}")
