"""The set-up checklist: what a new factory still lacks before its first order.

Each app registers the items it owns from its AppConfig.ready() with `checklist_register`
(factories: lines, stations, workers, shifts, calendar, a merchant, people invited; inventory:
materials, suppliers; orders: a style with a tech pack), so core imports no domain app and a
lower app never reads an upper app's tables. An item counts what the factory has (`count`, a
function of the factory's Organization) and is done at `needed` or more; `url_name` is where
it is set up, for the roles in `link_roles` (None: everyone who sees the checklist); another
role sees the item without a link it could not open. `checklist_for(organization, role)`
answers the page and the home card.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    count: Callable
    url_name: str
    order: int = 100
    needed: int = 1
    help: str = ""
    link_roles: frozenset | None = None


_registered: dict[str, ChecklistItem] = {}


def checklist_register(items) -> None:
    """Add an app's items (by key: ready() may run twice in tests)."""
    for item in items:
        _registered[item.key] = item


def checklist_items() -> list[ChecklistItem]:
    return sorted(_registered.values(), key=lambda item: (item.order, item.key))


def checklist_for(organization, role=None) -> list[dict]:
    """Each item with its count, whether it is done, and the link to set it up (none for a
    `role` that may not open it)."""
    rows = []
    for item in checklist_items():
        count = int(item.count(organization))
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            url = None
        if item.link_roles is not None and role not in item.link_roles:
            url = None
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "help": item.help,
                "count": count,
                "needed": item.needed,
                "done": count >= item.needed,
                "url": url,
            }
        )
    return rows
