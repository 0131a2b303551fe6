"""A closed factory's erasure: after the grace period every row of the factory is gone from
every table of core.tenant_rows, another factory's rows are untouched, and a report says so."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client

from core import rls
from core.errors import NotAllowed
from core.models import AuditEntry, TenantErasure, User
from core.roles import ROLES_BY_KIND, OrgKind, Role
from core.tenant_rows import tenant_row_counts
from devices import partitions
from devices.models import TelemetryRecord
from factories.closure import factory_closure_request, factory_erase
from factories.models import Factory
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    WorkerFactory,
)
from tests.worlds import build_world

FACTORY_ROLES = ROLES_BY_KIND[OrgKind.FACTORY]
REQUESTED = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, 2 March


def _close(world):
    factory_closure_request(
        factory=world.factory, by=world.users[Role.FACTORY_OWNER], now=REQUESTED
    )
    return Factory.objects.get(pk=world.factory.pk)


def _counts(tenant_id):
    with rls.platform():
        return tenant_row_counts(tenant_id)


@pytest.fixture
def worlds(db):
    return build_world("alpha"), build_world("bravo")


def _erase_and_verify(alpha, bravo):
    # given two complete worlds, A closing since 2 March (grace ends 1 April)
    factory = _close(alpha)
    bravo_before = _counts(bravo.factory.pk)
    alpha_before = _counts(alpha.factory.pk)
    owner_pk = alpha.users[Role.FACTORY_OWNER].pk
    # when the grace period is over and A is erased
    report = factory_erase(factory=factory, now=datetime(2026, 4, 2, 1, 0, tzinfo=UTC))
    # (every foreign key still names a row: checked now, not at a commit the test never makes)
    connection.check_constraints()
    # then A has no row left in any table, B's counts are exactly as before, and the report
    # holds the counts before and the zeros after
    alpha_after = _counts(alpha.factory.pk)
    assert alpha_after == dict.fromkeys(alpha_before, 0)
    assert _counts(bravo.factory.pk) == bravo_before
    assert report.rows_before == alpha_before
    assert report.rows_after == alpha_after
    assert report.verified
    assert not User.objects.filter(pk=owner_pk).exists()
    assert report.users_deleted == len(FACTORY_ROLES)
    return report


def test_erasure_leaves_no_row_of_the_factory_and_every_row_of_another(worlds):
    _erase_and_verify(*worlds)


@pytest.mark.postgres
def test_erasure_on_postgres_empties_the_factorys_telemetry_partitions(worlds):
    alpha, bravo = worlds
    # given a telemetry row of A in a partition made for another day than the world's
    day = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    with rls.platform():
        partitions.partition_ensure(day.date())
        TelemetryRecord.objects.create(
            factory=alpha.factory,
            device=alpha.device,
            sequence=99,
            time=day,
            received_at=day,
            kind="station.leave",
            data={},
        )
    partition = partitions.partition_name(day.date())
    # when A is erased (row-level security on: the erasure runs in the platform's scope)
    _erase_and_verify(alpha, bravo)
    # then that partition holds none of A's rows
    with rls.owner(), connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{partition}" WHERE factory_id = %s', [alpha.factory.pk]
        )
        assert cursor.fetchone()[0] == 0


@pytest.fixture
def owner(db):
    return UserFactory(username="gamma-owner")


@pytest.fixture
def closing(owner):
    """A small factory with its owner, closing since 2 March (grace ends 1 April)."""
    factory = FactoryFactory(organization__code="gamma")
    MembershipFactory(user=owner, organization=factory.organization, role=Role.FACTORY_OWNER)
    factory_closure_request(factory=factory, by=owner, now=REQUESTED)
    return Factory.objects.get(pk=factory.pk)


def test_erasure_is_refused_on_the_grace_periods_last_day(closing):
    # given a factory whose grace period ends on 1 April
    before = _counts(closing.pk)
    # when erasure is asked on 1 April (23:00 in Shanghai)
    with pytest.raises(NotAllowed) as refused:
        factory_erase(factory=closing, now=datetime(2026, 4, 1, 15, 0, tzinfo=UTC))
    # then it is refused and nothing is deleted
    assert refused.value.code == "grace_not_over"
    assert _counts(closing.pk) == before
    assert not TenantErasure.objects.exists()


def test_the_command_erases_only_the_factories_past_their_grace(
    closing, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given a closing factory past its grace, with a worker's photo on storage, and an active one
    settings.MEDIA_ROOT = str(tmp_path)
    photo = default_storage.save("workers/gamma.jpg", ContentFile(b"jpeg"))
    WorkerFactory(line__factory=closing, photo=photo)
    active = FactoryFactory(organization__code="delta")
    active_before = _counts(active.pk)
    # (the closure's audit entry names no organization: it is not counted among the rows)
    about_factory = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Factory), object_pk=str(closing.pk)
    )
    about_owner = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(owner.pk)
    )
    assert about_factory.filter(organization=None).exists()
    assert about_owner.exists()
    # when the command runs after the grace period
    after_grace = datetime(2026, 4, 2, 1, 0, tzinfo=UTC)
    with (
        time_machine.travel(after_grace, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("factory_closures_erase", stdout=io.StringIO())
    # then the closing factory is erased, with its photo, and the active one is untouched
    report = TenantErasure.objects.get()
    assert (report.tenant_id, report.tenant_code, report.files_deleted) == (closing.pk, "gamma", 1)
    assert not any(_counts(closing.pk).values())
    assert not default_storage.exists(photo)
    assert _counts(active.pk) == active_before
    # and so are the closure's audit entry (outside its rows) and the owner's login's
    assert not about_factory.exists()
    assert not about_owner.exists()


def test_erasure_deletes_the_logins_sessions_and_lockout_records_but_keeps_a_shared_login(
    closing, owner
):
    # given the owner's session and failed log-ins, and a manager who also works for a merchant
    client = Client()
    client.force_login(owner)
    AccessAttempt.objects.create(
        username="gamma-owner", ip_address="10.0.0.1", failures_since_start=2
    )
    AccessLog.objects.create(username="gamma-owner", ip_address="10.0.0.1")
    shared = UserFactory(username="shared-manager")
    MembershipFactory(user=shared, organization=closing.organization, role=Role.FACTORY_MANAGER)
    MembershipFactory(
        user=shared,
        organization=OrganizationFactory(kind=OrgKind.MERCHANT),
        role=Role.MERCHANT_BUYER,
    )
    # when the factory is erased after its grace period
    report = factory_erase(factory=closing, now=datetime(2026, 4, 2, 1, 0, tzinfo=UTC))
    # then the owner's login, session and lockout records are gone; the shared login stays with
    # its merchant membership only
    assert (report.users_deleted, report.users_anonymised) == (1, 0)
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Session.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert list(shared.memberships.values_list("role", flat=True)) == [Role.MERCHANT_BUYER]
