"""The web shell's navigation by role, grouped into a few menus.

Each app lists its entries in its `navigation.py` and registers them from its AppConfig.ready()
with `navigation_register`: core imports no domain app, so it never goes looking for them. Every
entry names its menu (`group`, one of GROUPS); a role sees at most seven menus, so the top bar
fits a 1366 px screen on one line and folds into one collapsible list on a phone.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import DISTRICT, FACTORY_ALL, MERCHANTS, OWNERS, SUPPLIERS

HOME = "home"
ORDERS = "orders"
PRODUCTION = "production"
QUALITY = "quality"
MATERIALS = "materials"
PEOPLE = "people"
REPORTS = "reports"
SETTINGS = "settings"

# The menus in their order on the bar. No role's entries span more than seven of them (a test
# walks every role): the district's report menu stands in for the factory's floor menus.
GROUPS = {
    HOME: _("Home"),
    ORDERS: _("Orders"),
    PRODUCTION: _("Production"),
    QUALITY: _("Quality"),
    MATERIALS: _("Materials"),
    PEOPLE: _("People & pay"),
    REPORTS: _("Reports"),
    SETTINGS: _("Settings & devices"),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = ""
    order: int = 100
    group: str = ""


CORE_ITEMS = [
    NavItem(
        _("Home"),
        "core:home",
        FACTORY_ALL | MERCHANTS | SUPPLIERS | DISTRICT,
        order=0,
        group=HOME,
    ),
    NavItem(_("People"), "core:people", OWNERS | MERCHANTS | SUPPLIERS, order=890, group=PEOPLE),
    NavItem(
        _("API tokens"), "core:tokens", OWNERS | MERCHANTS | SUPPLIERS, order=900, group=SETTINGS
    ),
    NavItem(
        _("Audit log"), "core:audit", OWNERS | MERCHANTS | SUPPLIERS, order=910, group=SETTINGS
    ),
]


_registered: list[NavItem] = []


def navigation_register(items) -> None:
    """Add an app's entries to the menu (idempotent: ready() may run twice in tests)."""
    _registered.extend(item for item in items if item not in _registered)


def all_items() -> list[NavItem]:
    return sorted([*CORE_ITEMS, *_registered], key=lambda item: item.order)


def navigation_for(role, path: str = "") -> list[dict]:
    """The role's menus in bar order, each with its entries: {"key", "label", "items": [{"label",
    "url", "active"}], "active"}. The entry whose address is the longest prefix of `path` is the
    active one, and so is its menu. An entry without a known group goes under settings rather
    than vanish (tests insist every entry names one)."""
    menus: dict[str, dict] = {}
    for item in all_items():
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        group = item.group if item.group in GROUPS else SETTINGS
        menu = menus.setdefault(
            group, {"key": group, "label": GROUPS[group], "items": [], "active": False}
        )
        menu["items"].append({"label": item.label, "url": url, "active": False})
    active = _active_entry(menus.values(), path)
    if active is not None:
        active[1]["active"] = True
        active[0]["active"] = True
    return [menus[key] for key in GROUPS if key in menus]


def _active_entry(menus, path: str):
    """The (menu, entry) whose address is the longest prefix of path; the home only when it is
    the path itself (every address starts with "/")."""
    best, best_length = None, 0
    for menu in menus:
        for entry in menu["items"]:
            url = entry["url"]
            matches = path == url if url == "/" else path.startswith(url)
            if matches and len(url) > best_length:
                best, best_length = (menu, entry), len(url)
    return best
