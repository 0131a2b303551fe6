"""The web shell's navigation by role. Apps add their entries in their `navigation.py`."""

from dataclasses import dataclass
from importlib import import_module, util

from django.conf import settings
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


def _all_items() -> list[NavItem]:
    items = list(CORE_ITEMS)
    for app in settings.PROJECT_APPS:
        if app != "core" and util.find_spec(f"{app}.navigation"):
            items += import_module(f"{app}.navigation").ITEMS
    return sorted(items, key=lambda item: item.order)


def navigation_for(role) -> list[dict]:
    entries = []
    for item in _all_items():
        if role in item.roles:
            try:
                entries.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return entries
