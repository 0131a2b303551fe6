"""factories.services.worker_user_link: an operator's record linked to their own login."""

import pytest

from core.errors import DomainError
from core.roles import Role
from factories.models import Worker
from factories.services import worker_user_link
from tests.factories import MembershipFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def _login(worker, role=Role.WORKER):
    user = UserFactory()
    MembershipFactory(user=user, organization=worker.factory.organization, role=role)
    return user


def test_a_worker_login_of_the_factory_is_linked_to_the_operator():
    # given an operator and a worker login of the same factory
    worker = WorkerFactory()
    user = _login(worker)

    # when the manager links them
    worker_user_link(worker=worker, user=user, by=None)

    # then the operator's record is theirs
    assert Worker.objects.get(pk=worker.pk).user == user


@pytest.mark.parametrize(
    "case, field",
    [("other_factory", "user"), ("not_a_worker", "user"), ("login_taken", "user")],
)
def test_a_login_that_is_not_this_factorys_free_worker_is_refused(case, field):
    # given an operator and a login that may not be linked to them
    worker = WorkerFactory()
    if case == "other_factory":
        user = _login(WorkerFactory())
    elif case == "not_a_worker":
        user = _login(worker, role=Role.SUPERVISOR)
    else:
        user = _login(worker)
        WorkerFactory(line=worker.line, user=user)

    # when it is linked
    with pytest.raises(DomainError) as refused:
        worker_user_link(worker=worker, user=user, by=None)

    # then nothing changed
    assert list(refused.value.errors) == [field]
    assert Worker.objects.get(pk=worker.pk).user_id is None


def test_an_operator_linked_to_another_login_keeps_it():
    # given an operator already linked
    worker = WorkerFactory()
    first = _login(worker)
    worker_user_link(worker=worker, user=first, by=None)

    # when another login is linked to them
    with pytest.raises(DomainError) as refused:
        worker_user_link(worker=worker, user=_login(worker), by=None)

    # then the first link stays
    assert list(refused.value.errors) == ["worker"]
    assert Worker.objects.get(pk=worker.pk).user == first
