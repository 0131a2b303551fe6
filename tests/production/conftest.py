"""A small shop floor: one factory, a line with stations and workers, a work order of 60 pieces
(M/Black) in three bundles of 20 with three scanned operations."""

from types import SimpleNamespace

import pytest

from core.roles import Role
from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    FactoryFactory,
    LayFactory,
    MarkerFactory,
    MembershipFactory,
    SewingLineFactory,
    StationFactory,
    UserFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderLineFactory,
    WorkOrderOperationFactory,
    released,
)
from tests.factories.orders import StyleVersionFactory


def build_floor(factory=None, tag="f", *, release=True):
    factory = factory or FactoryFactory()
    line = SewingLineFactory(factory=factory, planned_headcount=3)
    stations = [StationFactory(factory=factory, line=line, position=n) for n in (1, 2, 3)]
    workers = [WorkerFactory(factory=factory, line=line, badge_id=f"{tag}-B{n}") for n in (1, 2, 3)]
    version = StyleVersionFactory(style__factory=factory)
    work_order = WorkOrderFactory(
        factory=factory, version=version, quantity=60, cut_quantity=60, line=line
    )
    WorkOrderLineFactory(
        work_order=work_order, size="M", colour="Black", ordered_quantity=60, cut_quantity=60
    )
    operations = [
        WorkOrderOperationFactory(work_order=work_order, sequence=n, code=f"OP{n}", name=name)
        for n, name in ((1, "Join shoulders"), (2, "Set sleeves"), (3, "Hem"))
    ]
    lay = LayFactory(marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)))
    bundles = [BundleFactory(lay=lay, number=n, quantity=20) for n in (1, 2, 3)]
    # The floor's supervisor: records for the workers are supervisor entries (with a reason).
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.SUPERVISOR)
    if release:  # the material gate: nothing is recorded before the release
        released(work_order)
    return SimpleNamespace(
        factory=factory,
        line=line,
        stations=stations,
        workers=workers,
        work_order=work_order,
        operations=operations,
        bundles=bundles,
        user=user,
    )


@pytest.fixture
def floor(db):
    return build_floor()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Test users need no slow key stretching; the isolation test keeps the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
