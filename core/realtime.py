"""How domain apps announce a change to live screens, without importing dashboards/.

A service calls `notify(factory_id, kind, data)` inside its transaction, or `notify_many` for
the rows of a bulk write; listeners (registered by dashboards/ with `listen` or `listen_batch`)
run only after the transaction commits, so a rolled-back write never reaches a screen. One
`notify_many` is one after-commit delivery: a batch listener hears its changes at once and can
fold repeats (a thousand converted orders schedule one rollup rebuild, not a thousand).
"""

import logging
from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

Notification = tuple[int, str, dict]
Listener = Callable[[int, str, dict], None]
BatchListener = Callable[[list[Notification]], None]
_listeners: list[Listener] = []
_batch_listeners: list[BatchListener] = []


def listen(listener: Listener) -> Listener:
    """Register a listener of one change at a time (idempotent); usable as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def listen_batch(listener: BatchListener) -> BatchListener:
    """Register a listener of the changes of one delivery, in order (idempotent)."""
    if listener not in _batch_listeners:
        _batch_listeners.append(listener)
    return listener


def notify(factory_id: int, kind: str, data: dict | None = None) -> None:
    """Announce that something of `kind` changed for a factory (after commit)."""
    notify_many([(factory_id, kind, data)])


def notify_many(changes: Iterable[tuple[int, str, dict | None]]) -> None:
    """Announce several changes (factory id, kind, data) with one delivery after commit."""
    batch = [(factory_id, kind, dict(data or {})) for factory_id, kind, data in changes]
    if batch:
        transaction.on_commit(partial(_deliver, batch))


def _deliver(batch: list[Notification]) -> None:
    for batch_listener in list(_batch_listeners):
        try:
            batch_listener(batch)
        except Exception:  # a live screen must never break a business write
            logger.exception("realtime listener failed for %d changes", len(batch))
    for listener in list(_listeners):
        for factory_id, kind, payload in batch:
            try:
                listener(factory_id, kind, payload)
            except Exception:  # a live screen must never break a business write
                logger.exception("realtime listener failed for %s/%s", factory_id, kind)
