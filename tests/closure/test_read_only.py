"""A closing factory is read-only until its grace period ends: every write through the API, the
pages and its devices is refused with the reason, nothing written; reads, and the owner's
cancellation, still work. Closing and cancelling are the owner's (or a platform operator's)."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import NotAllowed
from core.models import AuditEntry
from core.roles import Role
from devices.ingest import directory, ingest_messages
from devices.modbus import due_targets
from devices.models import DeadLetter, TelemetryRecord
from factories.closure import factory_closure_cancel, factory_closure_request
from factories.models import DataExport, Factory, SewingLine
from tests.devices.conftest import message
from tests.factories import (
    DeviceFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    SewingLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REQUESTED = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 2 March in Shanghai: grace ends 1 April
READ_ONLY_EN = (
    "This factory is closing and is read-only until April 1, 2026. Its owner can still export "
    "its data or cancel the closure."
)
READ_ONLY_ZH = "本厂正在关闭，2026年4月1日 之前为只读。负责人仍可导出工厂数据或取消关闭。"


def member(factory, role=Role.FACTORY_OWNER):
    user = UserFactory(username=f"{factory.organization.code}-{role}")
    MembershipFactory(user=user, organization=factory.organization, role=role)
    return user


@pytest.fixture
def factory():
    return FactoryFactory(organization=OrganizationFactory(code="plant-a"))


@pytest.fixture
def owner(factory):
    return member(factory)


@pytest.fixture
def closing(factory, owner):
    SewingLineFactory(factory=factory, code="L1")
    return factory_closure_request(factory=factory, by=owner, now=REQUESTED)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.force_login(user)
    return client


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_closing_sets_the_grace_end_on_the_factorys_calendar_and_is_audited(closing, owner):
    # given the owner closed the factory on 2 March (factory time)
    factory = Factory.objects.get(pk=closing.pk)
    # then it is closing until 1 April (30 days), and the move is in the audit log by the owner
    assert (factory.status, factory.closing_grace_ends_on) == ("closing", date(2026, 4, 1))
    entry = AuditEntry.objects.get_for_object(factory).get(action=AuditEntry.Action.UPDATE)
    assert (entry.actor_id, entry.changes["status"]) == (owner.pk, ["active", "closing"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/lines/", {"code": "L2", "name": "Line 2"}),
        ("patch", "/api/v1/lines/{line}/", {"name": "Renamed"}),
        ("delete", "/api/v1/lines/{line}/", None),
    ],
)
def test_an_api_write_is_refused_with_the_reason_and_nothing_changes(
    closing, owner, method, path, body
):
    # given a closing factory with one line
    line = SewingLine.objects.get()
    # when its owner writes through the API
    response = getattr(api_as(owner), method)(path.format(line=line.pk), body, format="json")
    # then the write is refused with the reason, and the line is as it was
    assert response.status_code == 409
    assert response.json() == {"code": "tenant_read_only", "message": READ_ONLY_EN, "errors": {}}
    assert list(SewingLine.objects.values_list("code", "name")) == [(line.code, line.name)]


def test_the_refusal_speaks_the_requests_language(closing, owner):
    response = api_as(owner).post(
        "/api/v1/lines/",
        {"code": "L2", "name": "二线"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert (response.status_code, response.json()["message"]) == (409, READ_ONLY_ZH)
    assert SewingLine.objects.count() == 1


def test_reads_still_work_while_closing(closing, owner):
    response = api_as(owner).get("/api/v1/lines/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["L1"]


def test_a_form_post_is_refused_with_the_reason_and_nothing_is_written(closing, owner):
    # when the owner submits the new-line form of the set-up pages
    response = page_as(owner).post(
        reverse("factories:lines-new"), {"code": "L2", "name": "Line 2", "planned_headcount": 5}
    )
    # then the page says why, with 409, and no line is added
    assert response.status_code == 409
    assert READ_ONLY_EN in response.content.decode()
    assert list(SewingLine.objects.values_list("code", flat=True)) == ["L1"]


def test_device_messages_of_a_closing_factory_are_refused_into_dead_letters(closing):
    # given a device of the closing factory
    machine = DeviceFactory(factory=closing, code="sm-1", kind="sewing_machine")
    directory.clear()
    # when it sends a reading
    result = ingest_messages([message(machine, seq=1)])
    # then nothing is stored and the message is a dead letter saying why
    assert result.inserted == 0
    assert not TelemetryRecord.objects.exists()
    assert list(DeadLetter.objects.values_list("reason", "factory_id")) == [
        ("factory_closing", closing.pk)
    ]


def test_modbus_machines_of_a_closing_factory_are_not_polled(closing):
    DeviceFactory(factory=closing, code="mb-1", protocol="modbus_tcp", modbus_port=15099)
    assert due_targets() == []


def test_cancelling_during_grace_makes_the_factory_writable_again(closing, owner):
    # when the owner cancels the closure on its page (a write allowed while read-only)
    response = page_as(owner).post(reverse("factories:closure-cancel"))
    # then the factory is active, and an API write goes through
    assert response.status_code == 302
    factory = Factory.objects.get(pk=closing.pk)
    assert (factory.status, factory.closing_grace_ends_on) == ("active", None)
    created = api_as(owner).post("/api/v1/lines/", {"code": "L2", "name": "Line 2"}, format="json")
    assert created.status_code == 201


def test_the_owner_closes_through_the_page_after_typing_the_code(factory, owner):
    response = page_as(owner).post(reverse("factories:closure"), {"code": "plant-a"})
    assert response.status_code == 302
    assert Factory.objects.get(pk=factory.pk).status == "closing"


def test_a_wrong_code_closes_nothing(factory, owner):
    response = page_as(owner).post(reverse("factories:closure"), {"code": "plant-b"})
    assert response.status_code == 200
    assert Factory.objects.get(pk=factory.pk).status == "active"


def test_a_manager_may_not_close_the_factory(factory):
    # given a factory manager (not the owner)
    manager = member(factory, Role.FACTORY_MANAGER)
    # when they open the closure page, call the API or the service
    page = page_as(manager).post(reverse("factories:closure"), {"code": "plant-a"})
    api = api_as(manager).post(f"/api/v1/factories/{factory.pk}/closure/")
    with pytest.raises(NotAllowed):
        factory_closure_request(factory=factory, by=manager)
    # then each refuses and the factory stays active
    assert (page.status_code, api.status_code) == (403, 403)
    assert Factory.objects.get(pk=factory.pk).status == "active"


def test_another_factorys_owner_gets_404_and_changes_nothing(factory):
    # given the owner of another factory
    other_owner = member(FactoryFactory(organization=OrganizationFactory(code="plant-b")))
    # when they close this factory through the API
    response = api_as(other_owner).post(f"/api/v1/factories/{factory.pk}/closure/")
    # then it answers as for a missing factory, and this factory stays active
    assert response.status_code == 404
    assert Factory.objects.get(pk=factory.pk).status == "active"


def test_the_owner_closes_and_cancels_through_the_api(factory, owner):
    client = api_as(owner)
    closed = client.post(f"/api/v1/factories/{factory.pk}/closure/")
    cancelled = client.delete(f"/api/v1/factories/{factory.pk}/closure/")
    assert (closed.status_code, closed.json()["status"]) == (200, "closing")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "active")


def test_a_platform_operator_closes_a_factory_from_the_console(factory):
    operator = UserFactory(username="operator", is_platform_operator=True)
    response = page_as(operator).post(reverse("platform:tenant-closure", args=[factory.pk]))
    assert response.status_code == 302
    assert Factory.objects.get(pk=factory.pk).status == "closing"


def test_cancelling_an_active_factory_is_refused(factory, owner):
    with pytest.raises(NotAllowed) as refused:
        factory_closure_cancel(factory=factory, by=owner)
    assert refused.value.code == "invalid_transition"


def test_a_platform_operator_cancels_a_closure_from_the_console(closing):
    operator = UserFactory(username="operator", is_platform_operator=True)
    response = page_as(operator).post(reverse("platform:tenant-closure-cancel", args=[closing.pk]))
    assert response.status_code == 302
    assert Factory.objects.get(pk=closing.pk).status == "active"


def test_signing_out_still_works_while_closing(closing, owner):
    response = page_as(owner).post(reverse("core:logout"))
    assert response.status_code == 302


def test_the_owner_still_exports_the_data_while_closing(
    closing, owner, django_capture_on_commit_callbacks, settings, tmp_path
):
    # Given a closing factory (read-only)
    settings.MEDIA_ROOT = tmp_path
    # When its owner starts the export of all its data from the data page
    with django_capture_on_commit_callbacks(execute=True):
        response = page_as(owner).post(reverse("factories:data-export-new"))
    # Then it is accepted and the archive is written, for the owner to take away
    assert response.status_code == 302
    assert list(DataExport.objects.filter(factory=closing).values_list("status", flat=True)) == [
        DataExport.Status.DONE
    ]
