"""A factory with an owner (and a second factory) for the set-up pages' tests."""

import io

import pytest
from django.test import Client

from core.roles import Role
from tests.factories import FactoryFactory, MembershipFactory, UserFactory


@pytest.fixture
def factory(db):
    return FactoryFactory(organization__name="Alpha Garments", organization__code="ALPHA")


@pytest.fixture
def other_factory(db):
    return FactoryFactory(organization__name="Bravo Garments", organization__code="BRAVO")


def client_as(factory, role=Role.FACTORY_OWNER, username=None) -> Client:
    user = UserFactory(username=username or f"{factory.organization.code.lower()}-{role}")
    MembershipFactory(user=user, organization=factory.organization, role=role)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def owner(factory):
    return client_as(factory)


def upload(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file
