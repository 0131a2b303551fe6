"""`manage.py tenant_export FACTORY_CODE PATH`: write all of a factory's data as one archive
(the same service as the owner's "Export all our data", factories.data_exports)."""

from django.core.management.base import BaseCommand, CommandError

from core import rls
from factories.data_exports import data_export_write
from factories.models import Factory


class Command(BaseCommand):
    help = "Export all of a factory's data (by its code) as one zip archive at PATH."

    def add_arguments(self, parser):
        parser.add_argument("factory", help="the factory's organization code")
        parser.add_argument("path", help="where to write the .zip archive")

    def handle(self, *args, factory, path, **options):
        with rls.platform():
            found = Factory.objects.select_related("organization").filter(
                organization__code=factory
            )
            target = found.first()
        if target is None:
            raise CommandError(f"No factory with code {factory!r}.")

        def progress(done, total):
            self.stderr.write(f"\r{done}/{total} tables", ending="")

        with open(path, "wb") as out:
            manifest = data_export_write(factory=target, out=out, on_progress=progress)
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stderr.write("")
        self.stdout.write(
            f"{path}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} media files"
        )
