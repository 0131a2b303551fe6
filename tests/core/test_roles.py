"""Role rules that hold for every endpoint, discovered from the router."""

import pytest

from config import urls  # noqa: F401  (importing the URLconf registers every viewset)
from core.api.routers import api_router
from core.api.viewsets import READ_ACTIONS, WRITE_ACTIONS
from core.roles import Role

VIEWSETS = [(prefix, viewset) for prefix, viewset, _basename in api_router.registry]


def actions_of(viewset) -> set[str]:
    names = {name for name in READ_ACTIONS | WRITE_ACTIONS if hasattr(viewset, name)}
    names |= {extra.__name__ for extra in viewset.get_extra_actions()}
    return names


def roles_of(viewset, action: str) -> frozenset:
    instance = viewset()
    instance.action = action
    return instance.roles_for_action()


@pytest.mark.parametrize(("prefix", "viewset"), VIEWSETS, ids=[p for p, _ in VIEWSETS])
def test_a_worker_approves_nothing(prefix, viewset):
    approving = [a for a in actions_of(viewset) if "approve" in a or "release" in a]
    assert [a for a in approving if Role.WORKER in roles_of(viewset, a)] == []


@pytest.mark.parametrize(("prefix", "viewset"), VIEWSETS, ids=[p for p, _ in VIEWSETS])
def test_a_district_official_never_writes(prefix, viewset):
    writing = [a for a in actions_of(viewset) if a not in READ_ACTIONS]
    assert [a for a in writing if Role.DISTRICT_OFFICIAL in roles_of(viewset, a)] == []


def test_every_endpoint_inherits_the_tenant_base():
    from core.api.viewsets import TenantViewSet

    assert [p for p, v in VIEWSETS if not issubclass(v, TenantViewSet)] == []
