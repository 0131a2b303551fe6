"""PostgreSQL row-level security is the backstop beneath the ORM's scoping (core/rls.py).

With `TenantQuerySet.visible_to` made to return every row, a request, a task and a WebSocket
of factory A still get none of factory B's rows from the database.
"""

import inspect
from datetime import UTC, date, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings as django_settings
from django.db import ProgrammingError, connection, transaction
from django.urls import re_path, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery_app import app as celery_app
from core import rls
from core.roles import OrgKind, Role
from core.tenancy import TenantQuerySet
from dashboards import selectors
from dashboards.consumers import FactoryDashboardConsumer
from dashboards.models import ProfileLinkView
from dashboards.services import profile_link_create
from devices import partitions
from devices.models import Device, TelemetryRecord
from factories.models import Partnership, SewingLine
from orders.models import Order
from tests.factories import (
    DistrictFactory,
    FactoryDayFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    SewingLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def orm_scoping_removed(monkeypatch):
    """The ORM forgets to scope: every queryset's visible_to returns every row."""
    monkeypatch.setattr(TenantQuerySet, "visible_to", lambda self, org: self.all())


@pytest.fixture
def two_factories(db):
    a = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="rls-a"))
    b = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="rls-b"))
    SewingLineFactory(factory=a, code="A1")
    SewingLineFactory(factory=b, code="B1")
    SewingLineFactory(factory=b, code="B2")
    return a, b


def manager_client(factory) -> APIClient:
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_OWNER)
    client = APIClient()
    client.force_login(user)
    return client


def line_factories() -> list[int]:
    return sorted(SewingLine.objects.values_list("factory_id", flat=True))


# --- The policies are installed --------------------------------------------------------------


@pytest.mark.django_db
def test_every_model_with_a_factory_field_has_forced_row_security_and_the_policy():
    with_factory = [
        model
        for model in apps.get_models()
        if any(field.name == "factory" for field in model._meta.concrete_fields)
    ]
    tables = sorted(model._meta.db_table for model in with_factory)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname "
            "AND p.policyname = %s WHERE c.relrowsecurity AND c.relforcerowsecurity "
            "AND c.relname = ANY(%s) ORDER BY c.relname",
            [rls.POLICY, tables],
        )
        secured = [row[0] for row in cursor.fetchall()]
    assert len(tables) > 60
    assert secured == tables


@pytest.mark.django_db
def test_a_policy_that_is_not_todays_is_made_again_by_the_next_install():
    with rls.owner(), connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON POLICY {rls.POLICY} ON factories_sewingline IS 'stale'")
        assert not rls.installed(connection)
    assert rls.install(connection) != []
    assert rls.installed(connection)


@pytest.mark.django_db
def test_the_app_runs_as_a_role_that_neither_is_superuser_nor_bypasses_security():
    with rls.none(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role = cursor.fetchone()
    assert role == (django_settings.DATABASES["default"]["APP_ROLE"], False, False)


@pytest.mark.django_db
def test_migrations_and_maintenance_run_as_the_owner():
    with rls.owner(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user = session_user")
        assert cursor.fetchone() == (True,)


# --- Fail closed -------------------------------------------------------------------------------


def test_a_statement_outside_every_scope_sees_no_tenant_row(two_factories):
    with rls.none():
        assert SewingLine.objects.count() == 0
    assert SewingLine.objects.count() == 3


def test_a_statement_outside_every_scope_cannot_write_a_tenant_row(two_factories):
    a, _b = two_factories
    with rls.none(), pytest.raises(ProgrammingError), transaction.atomic():
        SewingLine.objects.create(factory=a, code="X", name="x")
    assert SewingLine.objects.filter(code="X").count() == 0


def test_a_factory_cannot_write_a_row_for_another_factory(two_factories):
    a, b = two_factories
    with rls.scope(rls.for_factory(a.pk)), pytest.raises(ProgrammingError), transaction.atomic():
        SewingLine.objects.create(factory=b, code="X", name="x")
    assert SewingLine.objects.filter(code="X").count() == 0


@pytest.mark.django_db(transaction=True, available_apps=list(django_settings.INSTALLED_APPS))
def test_a_rolled_back_transaction_does_not_leave_another_scope_in_force():
    a = FactoryFactory()
    b = FactoryFactory()
    SewingLineFactory(factory=a)
    SewingLineFactory(factory=b)
    with rls.scope(rls.for_factory(b.pk)):
        assert line_factories() == [b.pk]  # autocommit: B's settings stay on the connection
    with rls.scope(rls.for_factory(a.pk)):
        try:
            with transaction.atomic():
                assert line_factories() == [a.pk]  # A's settings, inside the transaction
                raise RuntimeError("roll back the transaction that set them")
        except RuntimeError:
            pass
        # The rollback brought B's settings back on the server; the backend must notice.
        assert line_factories() == [a.pk]


# --- A request ---------------------------------------------------------------------------------


def test_a_request_without_orm_scoping_still_lists_only_its_factorys_rows(
    two_factories, orm_scoping_removed
):
    a, _b = two_factories
    response = manager_client(a).get("/api/v1/lines/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["A1"]


def test_a_request_scope_does_not_outlive_the_request_on_the_same_connection(two_factories):
    a, _b = two_factories
    manager_client(a).get("/api/v1/lines/")
    with rls.none():
        assert SewingLine.objects.count() == 0


def test_a_merchant_reaches_its_partner_factories_and_its_own_orders_only(two_factories):
    a, b = two_factories
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="rls-m")
    Partnership.objects.create(factory=a, partner=merchant, status=Partnership.Status.ACCEPTED)
    Partnership.objects.create(factory=b, partner=merchant, status=Partnership.Status.INVITED)
    scope = rls.for_organization(merchant)
    assert (scope.org_id, scope.factory_ids) == (merchant.pk, (a.pk,))
    with rls.scope(scope):
        assert line_factories() == [a.pk]
        assert list(Partnership.objects.values_list("factory_id", flat=True).order_by("pk")) == [
            a.pk,
            b.pk,
        ]


def test_a_district_reaches_only_the_factories_that_share_with_it(db):
    district_org = OrganizationFactory(kind=OrgKind.DISTRICT, code="rls-d")
    district = apps.get_model("factories", "District").objects.create(organization=district_org)
    sharing = FactoryFactory(district=district, shares_with_district=True)
    private = FactoryFactory(district=district, shares_with_district=False)
    SewingLineFactory(factory=sharing)
    SewingLineFactory(factory=private)
    with rls.scope(rls.for_organization(district_org)):
        assert line_factories() == [sharing.pk]


def test_a_merchant_never_reaches_a_row_keyed_to_another_merchant_at_a_foreign_factory(
    two_factories,
):
    _a, b = two_factories
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="rls-m2")
    with rls.scope(rls.for_organization(merchant)):
        assert Order.objects.filter(factory=b).count() == 0
        assert line_factories() == []


def test_a_districts_all_factories_total_still_counts_the_factories_that_do_not_share(db):
    district = DistrictFactory(organization=OrganizationFactory(kind=OrgKind.DISTRICT))
    for index, shares in enumerate([True, False, False, False]):
        factory = FactoryFactory(district=district, shares_with_district=shares)
        FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=100 + index)
    with rls.scope(rls.for_organization(district.organization)):
        report = selectors.district_report(district)
    assert (report["sharing_total"]["output"], report["all_total"]["output"]) == (100, 406)


def test_a_shared_profile_link_opens_for_a_visitor_without_a_login(db):
    factory = FactoryFactory()
    FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=123)
    link = profile_link_create(factory=factory, recipient="a lender", by=UserFactory())
    response = APIClient().get(reverse("dashboards:profile-shared"), {"t": link.token})
    assert response.status_code == 200
    assert ProfileLinkView.objects.filter(link=link).count() == 1


# --- A Celery task -----------------------------------------------------------------------------


@celery_app.task(name="tests.rls.lines_seen")
def lines_seen(factory_id: int) -> list[int]:
    return line_factories()


@celery_app.task(name="tests.rls.lines_seen_by_platform", rls="platform")
def lines_seen_by_platform() -> list[int]:
    return line_factories()


@celery_app.task(name="tests.rls.lines_seen_by_nobody")
def lines_seen_by_nobody() -> list[int]:
    return line_factories()


def test_a_task_runs_for_the_factory_it_carries(two_factories):
    a, b = two_factories
    assert lines_seen.delay(a.pk).get() == [a.pk]
    assert lines_seen.delay(factory_id=b.pk).get() == [b.pk, b.pk]


def test_a_task_started_inside_another_factorys_request_still_runs_for_its_own(two_factories):
    a, b = two_factories
    with rls.scope(rls.for_factory(b.pk)):
        assert lines_seen.delay(a.pk).get() == [a.pk]


def test_a_platform_task_spans_tenants_and_an_undeclared_one_reaches_none(two_factories):
    a, b = two_factories
    with rls.none():
        assert lines_seen_by_platform.delay().get() == [a.pk, b.pk, b.pk]
    assert lines_seen_by_nobody.delay().get() == []


def test_every_project_task_says_how_it_is_scoped():
    celery_app.loader.import_default_modules()
    unscoped = []
    for name, task in celery_app.tasks.items():
        if name.split(".")[0] not in django_settings.PROJECT_APPS:
            continue
        parameters = inspect.signature(task.run).parameters
        if isinstance(task.rls, rls.FactoryOf):
            continue
        if task.rls != "platform" and task.rls not in parameters:
            unscoped.append(name)
    # None of these reads a factory-owned table: they run for no tenant.
    assert sorted(unscoped) == [
        "core.tasks.ping",
        "core.tasks.purge_idempotency_records",
        "orders.tasks.webhook_deliver",
        "orders.tasks.webhook_deliveries_send",
        "orders.tasks.webhook_retry_due",
    ]


# --- A WebSocket consumer ----------------------------------------------------------------------


class LinesConsumer(FactoryDashboardConsumer):
    """The dashboard consumer, answering 'lines' with what its database access sees."""

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "lines":
            await self.send_json({"lines": await self.database(line_factories)})


@pytest.mark.django_db(transaction=True, available_apps=list(django_settings.INSTALLED_APPS))
def test_a_consumer_reads_only_its_factorys_rows(orm_scoping_removed):
    a = FactoryFactory()
    b = FactoryFactory()
    SewingLineFactory(factory=a)
    SewingLineFactory(factory=b)
    user = UserFactory()
    MembershipFactory(user=user, organization=a.organization, role=Role.FACTORY_MANAGER)
    application = URLRouter(
        [re_path(r"^ws/(?P<factory_id>\d+)/$", LinesConsumer.as_asgi())],
    )

    async def scenario():
        socket = WebsocketCommunicator(application, f"/ws/{a.pk}/")
        socket.scope["user"] = user
        connected, _ = await socket.connect()
        assert connected
        await socket.receive_json_from()
        await socket.send_json_to({"type": "lines"})
        answer = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return answer

    assert async_to_sync(scenario)() == {"lines": [a.pk]}


# --- Partitions --------------------------------------------------------------------------------


def test_a_partition_created_later_is_reached_only_through_its_parent(two_factories):
    a, b = two_factories
    day = date(2031, 5, 17)
    assert partitions.partition_ensure(day)  # as the ingest does: for the platform
    when = datetime(2031, 5, 17, 8, tzinfo=UTC)
    for factory in (a, b):
        device = Device.objects.create(factory=factory, code=f"d-{factory.pk}", name="d")
        TelemetryRecord.objects.create(
            factory=factory,
            device=device,
            sequence=1,
            time=when,
            received_at=when + timedelta(seconds=1),
            kind="sample",
            data={},
        )
    with rls.scope(rls.for_factory(a.pk)):
        seen = list(TelemetryRecord.objects.values_list("factory_id", flat=True))
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f'SELECT count(*) FROM "{partitions.partition_name(day)}"')
    assert seen == [a.pk]
