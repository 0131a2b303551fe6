"""`manage.py api_token ORG_CODE`: mint an API token for an organization and print its key.

For integrations set up by an operator and for the API contract run in .ci/run (a manager's
token of the demo factory). The key is printed once, on its own line, and never stored.
"""

from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken, Membership, Organization
from core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for an organization (by code) and print its key."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="the organization's code")
        parser.add_argument("--role", help="the token's role (default: the kind's default)")
        parser.add_argument("--scope", default=ApiToken.Scope.WRITE, choices=ApiToken.Scope.values)
        parser.add_argument("--name", default="operator")

    def handle(self, *args, organization, role, scope, name, **options):
        org = Organization.objects.filter(code=organization).first()
        if org is None:
            raise CommandError(f"No organization with code {organization!r}.")
        member = (
            Membership.objects.filter(organization=org, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if member is None:
            raise CommandError(f"{organization!r} has no active member to create the token.")
        _token, key = api_token_create(
            organization=org, name=name, scope=scope, by=member.user, role=role
        )
        self.stdout.write(key)
