"""`manage.py seed_demo`: the demo world, step by step (see simulation.demo.SEED_STEPS).

Every step is idempotent (get-or-create by natural keys), so running it twice changes nothing.
"""

import contextlib
from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction

from core import rls
from core.audit import acting_as
from simulation.demo import SEED_STEPS
from simulation.webhook_receiver import DEMO_PORT, demo_receiver, demo_url


class Command(BaseCommand):
    help = "Create the Lusong demo world: district, factories, merchants, suppliers, users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--webhook-port", type=int, default=DEMO_PORT, help="the merchant's receiver's port"
        )

    @rls.platform()  # builds every demo tenant (row-level security)
    def handle(self, *args, **options):
        port = options["webhook_port"]
        world = SimpleNamespace(
            logins=[], password="seamline-demo", webhook_url=demo_url(port), notes=[]
        )
        # The receiver listens while the seed's events are delivered (after its commit);
        # `run_demo` serves it afterwards. One already listening there (a running demo) will do.
        receiver = None
        with contextlib.suppress(OSError):
            receiver = demo_receiver(port).start()
        try:
            with transaction.atomic(), acting_as():
                for seed in SEED_STEPS:
                    seed(world)
        finally:
            if receiver is not None:
                receiver.stop()
        for note in world.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(f"Demo world ready. Logins (password: {world.password}):")
        )
        for username, organization, role in world.logins:
            self.stdout.write(f"  {username:<18} {organization} · {role}")
