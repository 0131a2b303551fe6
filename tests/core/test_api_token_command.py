"""`manage.py api_token ORG_CODE`: an operator mints an organization's token from the shell."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import ApiToken
from core.roles import Role
from tests.factories import FactoryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_prints_the_key_of_a_token_with_the_asked_role():
    factory = FactoryFactory()
    MembershipFactory(
        user=UserFactory(), organization=factory.organization, role=Role.FACTORY_OWNER
    )
    out = StringIO()

    call_command("api_token", factory.organization.code, role=Role.FACTORY_MANAGER, stdout=out)

    key = out.getvalue().strip()
    token = ApiToken.objects.get(organization=factory.organization)
    assert token.key_hash == ApiToken.hash_key(key)
    assert (token.role, token.scope) == (Role.FACTORY_MANAGER, ApiToken.Scope.WRITE)


def test_an_unknown_organization_creates_nothing():
    with pytest.raises(CommandError):
        call_command("api_token", "no-such-org", stdout=StringIO())
    assert ApiToken.objects.count() == 0
