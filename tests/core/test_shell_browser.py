"""The top bar and the home in Chromium at a laptop's 1366 px and a phone's 390 px: the menus
fit one line on the laptop, fold behind the toggler on the phone, and open as dropdowns.
Screenshots go to artifacts/ (shell-*.png)."""

import pytest

from core.roles import OrgKind, Role
from tests.browser.harness import ALL_APPS, ARTIFACTS, Visit
from tests.core.test_homes import _factory_data
from tests.dashboards.test_browser import person
from tests.factories import FactoryFactory, OrganizationFactory, UserFactory

# `browser` and `server` are tests/browser/harness.py's fixtures.

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]

LAPTOP, PHONE = (1366, 768), (390, 844)


@pytest.fixture
def manager(server):
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="shell"))
    _factory_data(
        factory,
        OrganizationFactory(kind=OrgKind.MERCHANT, code="shell-m"),
        OrganizationFactory(kind=OrgKind.SUPPLIER, code="shell-s"),
        worker_user=UserFactory(username="shell-worker"),
    )
    person(factory.organization, Role.FACTORY_MANAGER, "shell-manager")
    return factory


def test_the_bar_fits_one_line_at_1366_px(browser, server, manager):
    visit = Visit(browser, server, "shell-manager", LAPTOP)
    page = visit.page
    page.goto(f"{server.url}/")

    bar = page.locator("nav.navbar").bounding_box()
    menus = page.locator("#mainmenus > li")
    # One line: the bar is as tall as one row of links, with seven menus on it.
    assert bar["height"] < 70
    assert menus.count() == 7
    tops = {round(menus.nth(i).bounding_box()["y"]) for i in range(menus.count())}
    assert len(tops) == 1
    page.click("#menu-materials")
    page.wait_for_selector("#menu-materials + .dropdown-menu.show")
    assert page.locator("#home-cards [data-card]").count() == 14
    page.screenshot(path=str(ARTIFACTS / "shell-laptop-1366.png"), full_page=True)

    # The language switch on the bar: the same home in Chinese still fits one line.
    page.click(".language-switch button[value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator("nav.navbar").bounding_box()["height"] < 70
    assert page.locator("#mainmenus > li").count() == 7
    assert page.locator(".navbar-brand").inner_text() == "衣链 Seamline"
    visit.shot("shell-laptop-1366-zh")
    assert visit.errors == []


def test_the_bar_folds_on_a_390_px_phone(browser, server, manager):
    visit = Visit(browser, server, "shell-manager", PHONE)
    page = visit.page
    page.goto(f"{server.url}/inventory/purchase-orders/overdue/")

    assert not page.locator("#mainmenus").is_visible()
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainnav.show")
    page.click("#menu-orders")
    page.wait_for_selector("#menu-orders + .dropdown-menu.show")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0]
    active = page.locator("#mainmenus .nav-link.active")
    assert active.count() == 1
    assert active.get_attribute("id") == "menu-materials"
    visit.shot("shell-phone-390")
    assert visit.errors == []


def test_the_404_page_at_390_px(browser, server, manager):
    # daphne runs with DEBUG on (Django's technical 404 page); the page a visitor gets with it
    # off is rendered here and shown at the server's address, with its static files.
    from django.test import Client

    from core.models import User

    client = Client()
    client.force_login(User.objects.get(username="shell-manager"))
    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert missing.status_code == 404
    visit = Visit(browser, server, "shell-manager", PHONE)
    page = visit.page
    page.goto(f"{server.url}/")  # the server's origin, for the page's /static/ addresses
    page.set_content(missing.content.decode(), wait_until="networkidle")

    assert page.locator("h1").inner_text() == "页面没有找到"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.locator(".navbar-toggler").is_visible()
    visit.shot("shell-404-phone-390")
    assert visit.errors == []
