"""`flush` empties every table, so it runs as the database owner (row-level security)."""

from django.core.management.commands.flush import Command as FlushCommand

from core import rls


class Command(FlushCommand):
    def handle(self, *args, **options):
        with rls.owner():
            return super().handle(*args, **options)
