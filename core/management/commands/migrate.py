"""`migrate` runs as the database owner (row-level security: DDL, data migrations, policies)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from core import rls


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with rls.owner():
            return super().handle(*args, **options)
