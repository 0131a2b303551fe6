"""Erase the closing factories whose grace period is over, and print each one's report
(the beat task `factories.tasks.closures_erase_due` does the same every hour)."""

from django.core.management.base import BaseCommand

from factories.closure import factory_closures_erase_due


class Command(BaseCommand):
    help = "Erase the closing factories whose grace period is over; print each report."

    def handle(self, *args, **options):
        reports = factory_closures_erase_due()
        for report in reports:
            left = sum(report.rows_after.values())
            self.stdout.write(
                f"{report.tenant_code}: {sum(report.rows_before.values())} rows erased in "
                f"{len(report.rows_before)} tables, {left} left; "
                f"{report.users_deleted} logins deleted, {report.users_anonymised} anonymised, "
                f"{report.files_deleted} files deleted"
            )
        if not reports:
            self.stdout.write("No closing factory is past its grace period.")
