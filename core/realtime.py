"""How domain apps announce a change to live screens, without importing dashboards/.

A service calls `notify(factory_id, kind, data)` inside its transaction; listeners (registered by
dashboards/ with `listen`) run only after the transaction commits, so a rolled-back write never
reaches a screen.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[[int, str, dict], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> Listener:
    """Register a listener (idempotent); usable as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def notify(factory_id: int, kind: str, data: dict | None = None) -> None:
    """Announce that something of `kind` changed for a factory (after commit)."""
    payload = dict(data or {})

    def deliver() -> None:
        for listener in list(_listeners):
            try:
                listener(factory_id, kind, payload)
            except Exception:  # a live screen must never break a business write
                logger.exception("realtime listener failed for %s/%s", factory_id, kind)

    transaction.on_commit(deliver)
