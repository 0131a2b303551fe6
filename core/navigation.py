"""The web shell's navigation by role.

Each app lists its entries in its `navigation.py` and registers them from its AppConfig.ready()
with `navigation_register`: core imports no domain app, so it never goes looking for them.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import DISTRICT, FACTORY_ALL, MERCHANTS, OWNERS, SUPPLIERS


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = ""
    order: int = 100


CORE_ITEMS = [
    NavItem(_("Home"), "core:home", FACTORY_ALL | MERCHANTS | SUPPLIERS | DISTRICT, order=0),
    NavItem(_("People"), "core:people", OWNERS | MERCHANTS | SUPPLIERS, order=890),
    NavItem(_("API tokens"), "core:tokens", OWNERS | MERCHANTS | SUPPLIERS, order=900),
    NavItem(_("Audit log"), "core:audit", OWNERS | MERCHANTS | SUPPLIERS, order=910),
]


_registered: list[NavItem] = []


def navigation_register(items) -> None:
    """Add an app's entries to the menu (idempotent: ready() may run twice in tests)."""
    _registered.extend(item for item in items if item not in _registered)


def _all_items() -> list[NavItem]:
    return sorted([*CORE_ITEMS, *_registered], key=lambda item: item.order)


def navigation_for(role) -> list[dict]:
    entries = []
    for item in _all_items():
        if role in item.roles:
            try:
                entries.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return entries
