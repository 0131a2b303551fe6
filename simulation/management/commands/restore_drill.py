"""`manage.py restore_drill`: the backup-and-restore drill on this host (simulation.restore_drill;
docs/operations.md, "Backup and recovery"). It needs pgBackRest and the PostgreSQL server
binaries, reads only the schema of the database DATABASE_URL names, and writes nothing outside
its own throwaway cluster. One JSON line last; exit status 1 when the restore was wrong.

`--writer` is the drill's own child (it writes batches of workers into the throwaway cluster
and refuses any other cluster); an operator never needs it.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from simulation import restore_drill
from simulation.chain import database_url


class Command(BaseCommand):
    help = "Back up, destroy and restore to a point in time a throwaway PostgreSQL cluster."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=200, help="workers written before the full backup"
        )
        parser.add_argument(
            "--batch", type=int, default=20, help="workers written before and after the target"
        )
        parser.add_argument(
            "--writer", action="store_true", help="(the drill's own child) write batches"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The restore drill needs PostgreSQL: set DATABASE_URL.")
        if options["writer"]:
            # "PREFIX COUNT" per line from the drill (restore_drill.BatchWriter), one answer each.
            for line in sys.stdin:
                prefix, count = line.split()
                restore_drill.batch_write(prefix=prefix, count=int(count))
                self.stdout.write(f"written {prefix}")
                self.stdout.flush()
            return
        try:
            result = restore_drill.run(
                source_url=database_url(), workers=options["workers"], batch=options["batch"]
            )
        except restore_drill.DrillError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored to {result.recovery_target} in {result.recovery_seconds} s; "
            f"database {result.database_bytes / 2**20:.1f} MiB, "
            f"full backup {result.backup_bytes / 2**20:.1f} MiB in the repository."
        )
        self.stdout.write(json.dumps(result.summary()))
        if not result.restored_correctly:
            raise CommandError(
                "The restored cluster does not hold exactly the rows written before the target."
            )
