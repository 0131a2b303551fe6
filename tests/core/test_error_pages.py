"""The error pages: branded, translated, phone-width, with the navigation for a signed-in user;
the 500 page renders with DEBUG off and without touching the database."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from core.error_views import server_error
from core.roles import OrgKind, Role
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def signed_in(role=Role.FACTORY_MANAGER, language="en") -> Client:
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="err-f"))
    user = UserFactory(username=f"err-{role}", language=language)
    MembershipFactory(user=user, organization=factory.organization, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_a_missing_page_is_branded_with_the_navigation():
    response = signed_in().get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'class="navbar-brand fw-semibold" href="/">Seamline</a>' in html
    assert 'id="mainmenus"' in html
    assert VIEWPORT in html


def test_a_missing_page_speaks_chinese():
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html
    assert in_chinese("Page not found") != "Page not found"
    assert in_chinese("Page not found") in html
    assert in_chinese("Seamline") in html
    assert 'href="/login/"' in html or "/accounts/login/" in html


def test_a_page_the_role_may_not_open_is_a_branded_403():
    # A worker opening the payroll clerk's pay periods
    response = signed_in(Role.WORKER).get("/payroll/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "Forbidden" in html
    assert 'id="mainmenus"' in html
    assert VIEWPORT in html


def test_the_403_page_speaks_chinese():
    response = signed_in(Role.WORKER, language="zh-hans").get("/payroll/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in html
    assert in_chinese("Forbidden") == "禁止访问"
    assert "禁止访问" in html


def test_a_stale_form_gets_the_branded_csrf_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/language/", {"language": "en"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in html
    assert in_chinese("Seamline") in html
    assert "The form had expired" in html or in_chinese("The form had expired") in html
    assert VIEWPORT in html


@pytest.mark.urls("tests.core.error_urls")
def test_a_server_error_is_branded_with_debug_off(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    english = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == 500
    assert "Server error" in english.content.decode()
    assert VIEWPORT in english.content.decode()
    assert '<a class="navbar-brand fw-semibold" href="/">Seamline</a>' in english.content.decode()
    assert chinese.status_code == 500
    assert in_chinese("Server error") != "Server error"
    assert in_chinese("Server error") in chinese.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()


def test_the_500_page_does_not_touch_the_database(django_assert_num_queries):
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Seamline" in response.content.decode()
