"""`manage.py tenant_import ARCHIVE`: restore a tenant from its export archive into a platform
that does not hold it (core.tenant_restore). A wrong archive — another schema version, a
damaged file, a tenant already here — is refused with nothing written."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.tenant_restore import archive_restore


class Command(BaseCommand):
    help = "Restore a tenant (same ids) from an archive written by tenant_export."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip archive")

    def handle(self, *args, archive, **options):
        try:
            result = archive_restore(archive)
        except DomainError as refused:
            raise CommandError(f"{refused.code}: {refused.message}")
        except FileNotFoundError:
            raise CommandError(f"No archive at {archive!r}.")
        self.stdout.write(
            f"Restored organization {result.tenant_id}: {sum(result.rows.values())} rows in "
            f"{len(result.rows)} tables, {sum(result.references_added.values())} referenced "
            f"rows added, {result.media} media files. Members must set a new password."
        )
