"""`manage.py platform_operator <username>`: make a login a platform operator (creating it when
it does not exist), for the console at /platform/ (docs/onboarding.md)."""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.models import User
from core.services import platform_operator_create


class Command(BaseCommand):
    help = "Create a platform operator (or make an existing login one)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password",
            help="the new login's password (asked for when the login is new and it is not given)",
        )

    def handle(self, *args, username, password=None, **options):
        if password is None and not User.objects.filter(username=username).exists():
            if not sys.stdin.isatty():
                raise CommandError("A new login needs --password.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = platform_operator_create(username=username, password=password)
        except DomainError as error:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.errors.items())
            raise CommandError(f"{error.message} {details}".strip()) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} is a platform operator: sign in and open /platform/."
            )
        )
