"""`manage.py anonymise_leavers [--factory CODE]`: anonymise the workers who left longer ago than
their factory's retention period (what beat runs daily; docs/privacy.md). Idempotent."""

from django.core.management.base import BaseCommand, CommandError

from core import rls
from core.audit import acting_as
from factories.anonymisation import leavers_anonymise
from factories.models import Factory


class Command(BaseCommand):
    help = "Anonymise leavers past their factory's personal-data retention period."

    def add_arguments(self, parser):
        parser.add_argument("--factory", help="one factory's code (default: every factory)")

    def handle(self, *args, factory=None, **options):
        with rls.platform():
            factories = Factory.objects.select_related("organization").order_by("pk")
            if factory:
                factories = factories.filter(organization__code=factory)
                if not factories.exists():
                    raise CommandError(f"No factory with code {factory!r}.")
            for each in factories:
                with acting_as(organization=each.organization):
                    count = leavers_anonymise(factory=each)
                self.stdout.write(f"{each.code}: {count} anonymised")
