"""Acting organization, roles, error shape and language, audit, login protection."""

import re

import pytest
from auditlog.models import LogEntry  # noqa: F401  (the swappable base; ours is AuditEntry)
from django.test import Client
from rest_framework.test import APIClient

from core.models import AuditEntry
from core.roles import OrgKind, Role
from factories.models import SewingLine
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    SewingLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def factory():
    return FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))


def member(factory, role, username=None):
    user = UserFactory(username=username or f"u-{role}")
    MembershipFactory(user=user, organization=factory.organization, role=role)
    client = APIClient()
    client.force_login(user)
    return user, client


def test_a_worker_cannot_create_or_approve_anything(factory):
    _user, client = member(factory, Role.WORKER)
    response = client.post("/api/v1/lines/", {"code": "L1", "name": "x"}, format="json")
    assert response.status_code == 403
    assert SewingLine.objects.count() == 0


def test_a_user_without_membership_sees_no_rows(factory):
    SewingLineFactory(factory=factory)
    client = APIClient()
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/api/v1/lines/")
    assert response.status_code == 403


def test_an_anonymous_request_is_401_with_the_error_shape():
    response = APIClient().get("/api/v1/lines/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "errors"}


def test_errors_speak_the_request_language(factory):
    _user, client = member(factory, Role.FACTORY_OWNER)
    english = client.post("/api/v1/lines/", {"name": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(
        "/api/v1/lines/", {"name": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert english.json()["message"] == "The request is not valid."
    assert chinese.json()["message"] == "请求无效。"
    assert list(chinese.json()["errors"]) == ["code"]
    assert SewingLine.objects.count() == 0


def test_the_user_language_setting_wins_over_the_browser(factory):
    user, client = member(factory, Role.FACTORY_OWNER)
    user.language = "zh-hans"
    user.save()
    response = client.post(
        "/api/v1/lines/", {"name": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["message"] == "请求无效。"


def test_switching_acts_for_another_membership(factory):
    other = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f2"))
    SewingLineFactory(factory=other, code="OTHER")
    user, _ = member(factory, Role.FACTORY_MANAGER, "both")
    MembershipFactory(user=user, organization=other.organization, role=Role.PLANNER)
    client = Client()
    client.force_login(user)
    client.post("/switch/", {"organization": other.pk})
    response = client.get("/api/v1/lines/")
    assert [line["code"] for line in response.json()["results"]] == ["OTHER"]


def test_switching_to_a_foreign_organization_is_refused(factory):
    stranger = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f3"))
    SewingLineFactory(factory=stranger, code="SECRET")
    _user, _ = member(factory, Role.FACTORY_MANAGER, "one")
    client = Client()
    client.force_login(_user)
    client.post("/switch/", {"organization": stranger.pk})
    response = client.get("/api/v1/lines/")
    assert response.json()["results"] == []


def test_an_api_write_is_audited_with_actor_and_organization(factory):
    user, client = member(factory, Role.FACTORY_OWNER)
    client.post("/api/v1/lines/", {"code": "L1", "name": "Line 1"}, format="json")
    line = SewingLine.objects.get()
    entry = AuditEntry.objects.get(object_pk=str(line.pk), content_type__model="sewingline")
    assert (entry.actor_id, entry.organization_id, entry.action) == (user.pk, factory.pk, 0)


def test_the_owner_reads_the_audit_log_and_a_planner_cannot(factory):
    _owner, owner_client = member(factory, Role.FACTORY_OWNER)
    _planner, planner_client = member(factory, Role.PLANNER)
    owner_client.post("/api/v1/lines/", {"code": "L1", "name": "Line 1"}, format="json")
    assert owner_client.get("/api/v1/audit/").json()["count"] == 1
    assert planner_client.get("/api/v1/audit/").status_code == 403


def test_repeated_failed_logins_lock_the_account_out(settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="victim")
    client = Client()
    statuses = [
        client.post("/login/", {"username": "victim", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    locked = client.post("/login/", {"username": "victim", "password": "pw-Seamline-1"})
    assert statuses[:2] == [200, 200]
    assert locked.status_code == 429


def test_a_successful_login_lands_on_home():
    UserFactory(username="alice")
    response = Client().post("/login/", {"username": "alice", "password": "pw-Seamline-1"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_login_page_is_phone_friendly():
    html = Client().get("/login/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html


def test_swagger_ui_is_served_from_local_static_files():
    html = Client().get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # Nothing is fetched from another host (a CDN is unreachable from many factories' networks).
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert addresses
    assert [a for a in addresses if re.match(r"^(?:[a-z]+:)?//", a, re.IGNORECASE)] == []
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_the_openapi_schema_lists_the_api():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/lines/" in response.json()["paths"]


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    """Every endpoint describes itself (this also keeps `check --deploy` clean)."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 1000
