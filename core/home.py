"""The cards of a role's home: what needs that role now, each a count linking to the work.

core imports no domain app, so each app lists its cards in its `navigation.py` and registers
them from its AppConfig.ready() with `home_cards_register`. A card's count is its owning app's
selector (the same one the linked list shows), so the number on the home is the number of rows
behind the link.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


class Severity:
    """How loudly a card with something waiting asks for attention (a Bootstrap colour)."""

    INFO = "primary"
    WARNING = "warning"
    DANGER = "danger"


@dataclass(frozen=True)
class HomeCard:
    """One card: `count(organization, user)` answers how many rows the `url_name` list (with
    `query`) shows; one COUNT query, as the home asks every card at each visit."""

    key: str
    label: str
    roles: frozenset
    count: Callable
    url_name: str
    query: str = ""
    severity: str = Severity.INFO
    order: int = 100


_registered: list[HomeCard] = []


def home_cards_register(cards) -> None:
    """Add an app's cards to the homes (idempotent: ready() may run twice in tests)."""
    known = {card.key for card in _registered}
    _registered.extend(card for card in cards if card.key not in known)


def home_cards_for(*, organization, role, user) -> list[dict]:
    """The role's cards with their counts, loudest first among those with work waiting; the
    quiet ("nothing waiting") ones follow in their order."""
    if organization is None or role is None:
        return []
    cards = []
    for card in sorted(_registered, key=lambda card: (card.order, card.key)):
        if role not in card.roles:
            continue
        try:
            url = reverse(card.url_name)
        except NoReverseMatch:
            continue
        count = card.count(organization, user)
        cards.append(
            {
                "key": card.key,
                "label": card.label,
                "count": count,
                "url": f"{url}?{card.query}" if card.query else url,
                "severity": card.severity if count else "secondary",
            }
        )
    return sorted(cards, key=lambda card: card["count"] == 0)
