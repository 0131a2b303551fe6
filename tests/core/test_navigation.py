"""The top bar: at most seven menus for every role, each entry opens for that role, the active
menu is marked, and the language switch and organization switcher stay on the bar."""

import pytest
from django.test import Client
from django.urls import reverse

from core.navigation import GROUPS, all_items, navigation_for
from core.roles import ROLES_BY_KIND, OrgKind, Role
from tests.factories import (
    DistrictFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [(kind, role) for kind, roles in ROLES_BY_KIND.items() for role in sorted(roles)]


def organization_of(kind):
    organization = OrganizationFactory(kind=kind, code=f"nav-{kind}")
    if kind == OrgKind.FACTORY:
        FactoryFactory(organization=organization)
    if kind == OrgKind.DISTRICT:
        DistrictFactory(organization=organization)
    return organization


def client_as(organization, role, username="nav-user") -> Client:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_every_entry_names_a_known_menu():
    assert [item.url_name for item in all_items() if item.group not in GROUPS] == []


@pytest.mark.parametrize(("kind", "role"), ROLES)
def test_a_role_gets_at_most_seven_menus_and_every_entry_opens_for_it(kind, role):
    # Given a member of each role of an organization of its kind
    client = client_as(organization_of(kind), role)

    # When they open the home and then every entry of their menus
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    menus = home.context["navigation"]
    entries = [item for menu in menus for item in menu["items"]]
    answers = {item["url"]: client.get(item["url"]).status_code for item in entries}

    # Then the bar has no more than seven menus, the home first, and no entry is refused
    assert home.status_code == 200
    assert 1 <= len(menus) <= 7
    assert menus[0]["items"][0]["url"] == "/"
    assert {url: code for url, code in answers.items() if code != 200} == {}


@pytest.mark.parametrize(("kind", "role"), ROLES)
def test_a_role_sees_exactly_the_entries_granted_to_it(kind, role):
    shown = [item["url"] for menu in navigation_for(role) for item in menu["items"]]
    granted = [reverse(item.url_name) for item in all_items() if role in item.roles]
    assert sorted(shown) == sorted(granted)


def test_a_manager_gets_seven_menus_and_the_district_two():
    manager = [menu["key"] for menu in navigation_for(Role.FACTORY_MANAGER)]
    district = [menu["key"] for menu in navigation_for(Role.DISTRICT_OFFICIAL)]
    worker = [menu["key"] for menu in navigation_for(Role.WORKER)]
    assert manager == [
        "home",
        "orders",
        "production",
        "quality",
        "materials",
        "people",
        "settings",
    ]
    assert district == ["home", "reports"]
    assert worker == ["home", "production", "people"]


def test_the_menu_of_the_page_is_marked_active():
    client = client_as(organization_of(OrgKind.FACTORY), Role.FACTORY_MANAGER)
    response = client.get("/inventory/purchase-orders/overdue/", HTTP_ACCEPT_LANGUAGE="en")
    menus = {menu["key"]: menu for menu in response.context["navigation"]}
    assert [key for key, menu in menus.items() if menu["active"]] == ["materials"]
    active = [item["label"] for item in menus["materials"]["items"] if item["active"]]
    assert [str(label) for label in active] == ["Purchase orders"]
    html = response.content.decode()
    assert 'class="nav-link dropdown-toggle text-nowrap active"' in html
    assert html.count('aria-current="page"') == 1


def test_the_home_marks_only_the_home_active():
    client = client_as(organization_of(OrgKind.FACTORY), Role.FACTORY_MANAGER)
    menus = client.get("/").context["navigation"]
    assert [menu["key"] for menu in menus if menu["active"]] == ["home"]


def test_the_bar_keeps_the_language_switch_and_the_organization_switcher():
    # Given a user with two memberships
    factory = organization_of(OrgKind.FACTORY)
    client = client_as(factory, Role.FACTORY_MANAGER)
    other = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="nav-g"))
    MembershipFactory(
        user=UserFactory(username="nav-user"), organization=other.organization, role=Role.PLANNER
    )

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'id="org-switcher"' in html
    assert 'action="/language/"' in html
    assert 'lang="en">English</button>' in html
    assert "首页" in html  # the home menu, translated
