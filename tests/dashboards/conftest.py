import pytest
from django.core.cache import cache

from core.roles import Role
from tests.factories import FactoryFactory, MembershipFactory, SewingLineFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The screen's data is cached by factory id; ids come back after a rolled-back test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def factory(db):
    return FactoryFactory(organization__name="Lusong Garments")


@pytest.fixture
def line(factory):
    return SewingLineFactory(factory=factory, name="Line 1", planned_headcount=20)


def member(factory, role=Role.FACTORY_MANAGER, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, organization=factory.organization, role=role)
    return user


@pytest.fixture
def manager(factory):
    return member(factory)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
