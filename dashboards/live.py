"""Live pushes: one coalesced message per factory group (the `core.realtime` listener in
dashboards/listener.py asks for them).

The listener may be called from any thread (a request's on_commit, a Celery task, the MQTT
ingest). It hands the factory id to the pusher's event loop, which sends at most one message per
factory per PUSH_INTERVAL_SECONDS: the first change after a quiet spell goes out at once, the
rest of a burst is folded into one trailing message. In a web process the loop is the ASGI
server's own (so the in-memory channel layer works); elsewhere (a worker, the ingest) the pusher
runs a private loop thread and the messages travel through channels-redis.
"""

import asyncio
import logging
import threading
import time

from channels.layers import get_channel_layer

from dashboards import conf

logger = logging.getLogger(__name__)


def group_name(factory_id: int) -> str:
    return f"factory-{int(factory_id)}"


class _LoopState:
    """Pending pushes of one event loop; a new loop (a restarted server, a test) starts fresh."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.handles: dict[int, asyncio.TimerHandle] = {}
        self.kinds: dict[int, set[str]] = {}
        self.last_sent: dict[int, float] = {}


class Pusher:
    def __init__(self):
        self._lock = threading.Lock()
        self._home: asyncio.AbstractEventLoop | None = None
        self._private: asyncio.AbstractEventLoop | None = None
        self._state: _LoopState | None = None
        self.sent = 0

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by consumers: this process serves WebSockets from `loop`."""
        with self._lock:
            self._home = loop

    def _current(self) -> _LoopState:
        with self._lock:
            loop = self._home
            if loop is None or loop.is_closed() or not loop.is_running():
                if self._private is None or self._private.is_closed():
                    self._private = asyncio.new_event_loop()
                    threading.Thread(
                        target=self._private.run_forever, name="dashboards-pusher", daemon=True
                    ).start()
                loop = self._private
            if self._state is None or self._state.loop is not loop:
                self._state = _LoopState(loop)
            return self._state

    def request(self, factory_id: int, kind: str) -> None:
        """Ask for a push to the factory's group (thread-safe, returns at once)."""
        state = self._current()
        state.loop.call_soon_threadsafe(self._schedule, state, int(factory_id), kind)

    def _schedule(self, state: _LoopState, factory_id: int, kind: str) -> None:
        state.kinds.setdefault(factory_id, set()).add(kind)
        if factory_id in state.handles:
            return  # a push is already due: this change rides along
        interval = float(conf.get("PUSH_INTERVAL_SECONDS"))
        last = state.last_sent.get(factory_id)
        delay = 0.0 if last is None else max(0.0, last + interval - state.loop.time())
        state.handles[factory_id] = state.loop.call_later(delay, self._fire, state, factory_id)

    def _fire(self, state: _LoopState, factory_id: int) -> None:
        state.handles.pop(factory_id, None)
        kinds = sorted(state.kinds.pop(factory_id, set()))
        state.last_sent[factory_id] = state.loop.time()
        state.loop.create_task(self._send(factory_id, kinds))

    async def _send(self, factory_id: int, kinds: list[str]) -> None:
        message = {"type": "factory.update", "kinds": kinds, "sent_at": time.time()}
        try:
            await get_channel_layer().group_send(group_name(factory_id), message)
            self.sent += 1
        except Exception:  # a broken channel layer must not take the loop down
            logger.exception("dashboard push to factory %s failed", factory_id)


pusher = Pusher()
