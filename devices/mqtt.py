"""The MQTT ingest loop behind `manage.py ingest_mqtt`.

paho-mqtt 2 (CallbackAPIVersion.VERSION2), MQTT 3.1.1 (cheaper per message than 5 in paho),
QoS 1 on a shared subscription (`$share/<group>/factories/+/devices/+/+`) with a persistent
session and manual acknowledgement: a message is acknowledged only after the batch holding it
is committed, so a crash at any point leaves it with the broker, which redelivers it.

paho's own loop reads one packet per select(); at thousands of messages a second that wake-up
dominates, so this loop drains the socket after each select (see docs/devices.md, measured).
"""

import contextlib
import logging
import select
import signal
import threading
import time as clock
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from django.db import connection as db_connection

from devices import conf
from devices.ingest import DATABASE_DOWN, Incoming, ingest_messages, ingest_one_by_one

logger = logging.getLogger(__name__)

SUBSCRIPTION = "factories/+/devices/+/+"


@dataclass
class BrokerAddress:
    host: str
    port: int
    username: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> "BrokerAddress":
        parsed = urlparse(url)
        return cls(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 1883,
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
        )


@dataclass
class IngestStats:
    messages: int = 0
    batches: int = 0
    records: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    commit_latencies_ms: list | None = None
    first_message_at: float | None = None  # wall clock (time.time()), for benchmarks
    last_commit_at: float | None = None


class IngestLoop:
    """Receives, batches, commits, then acknowledges. One instance per process."""

    def __init__(
        self,
        url: str,
        *,
        client_id: str,
        batch_size: int | None = None,
        max_wait: float | None = None,
        share_group: str | None = None,
        stop_after: int | None = None,
        idle_exit: float | None = None,
        record_latency: bool = False,
    ):
        self.address = BrokerAddress.from_url(url)
        self.client_id = client_id
        self.batch_size = batch_size or conf.get("BATCH_SIZE")
        self.max_wait = conf.get("BATCH_MAX_WAIT_SECONDS") if max_wait is None else max_wait
        group = share_group if share_group is not None else conf.get("SHARE_GROUP")
        self.topic = f"$share/{group}/{SUBSCRIPTION}" if group else SUBSCRIPTION
        self.stop_after = stop_after
        self.idle_exit = idle_exit
        self.stats = IngestStats(commit_latencies_ms=[] if record_latency else None)
        self.pending: list[tuple[int, Incoming, float]] = []  # (mid, message, arrival)
        self.running = True
        self.connected = False
        self.subscribed = threading.Event()
        self.last_activity = clock.monotonic()
        self.client = self._make_client()

    # --- MQTT ----------------------------------------------------------------------------
    def _make_client(self) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = lambda *args: self.subscribed.set()
        return client

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("broker refused the connection: %s", reason_code)
            return
        self.connected = True
        # Subscribing again on a persistent session is harmless and covers a first start.
        client.subscribe(self.topic, qos=1)
        logger.info(
            "connected to %s:%s as %s", self.address.host, self.address.port, self.client_id
        )

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected = False
        # Message ids of the lost connection mean nothing on the next one: drop what was not
        # written; the broker redelivers every unacknowledged message to the persistent session.
        self.pending.clear()
        logger.warning("disconnected from the broker: %s", reason_code)

    def _on_message(self, client, userdata, message):
        if self.stats.first_message_at is None:
            self.stats.first_message_at = clock.time()
        self.pending.append(
            (message.mid, Incoming(message.topic, message.payload), clock.monotonic())
        )

    def prepare_session(self, timeout: float = 10) -> None:
        """Create the persistent session and its subscription, then leave: from now on the
        broker queues this process's share of the stream until it comes back."""
        self._connect()
        deadline = clock.monotonic() + timeout
        while not self.subscribed.is_set() and clock.monotonic() < deadline:
            self._pump(0.1)
        if not self.subscribed.is_set():
            raise RuntimeError("the broker did not confirm the subscription")
        self.client.disconnect()
        self.client.loop_write()

    def _connect(self) -> None:
        delay = 0.2
        while self.running:
            try:
                self.client.connect(self.address.host, self.address.port, keepalive=30)
                self.client.socket().setblocking(False)
                return
            except OSError as error:
                logger.warning("broker unreachable (%s); retrying in %.1fs", error, delay)
                clock.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _read_available(self) -> None:
        """Read the packets already buffered on the socket (paho reads one per call), up to a
        full batch, so a steady stream still gets flushed on time."""
        client = self.client
        packet_read = getattr(client, "_packet_read", None)
        for _ in range(max(self.batch_size - len(self.pending), 1)):
            if client.socket() is None:
                return
            if packet_read is None:
                client.loop_read()
                return
            rc = packet_read()
            if rc == mqtt.MQTT_ERR_AGAIN:
                return
            if rc != mqtt.MQTT_ERR_SUCCESS:
                client.loop_read()  # let paho handle the error and disconnect
                return

    def _pump(self, timeout: float) -> None:
        """One network round: wait up to `timeout` for data, read all of it, write, ping."""
        sock = self.client.socket()
        if sock is None:
            self._connect()
            return
        want_write = [sock] if self.client.want_write() else []
        try:
            readable, writable, _ = select.select([sock], want_write, [], timeout)
        except (OSError, ValueError):
            readable, writable = [], []
        if readable:
            self._read_available()
            self.last_activity = clock.monotonic()
        if self.client.socket() is not None and (writable or self.client.want_write()):
            self.client.loop_write()
        if self.client.socket() is not None:
            self.client.loop_misc()
        else:
            self.connected = False

    # --- batches -------------------------------------------------------------------------
    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        messages = [incoming for _mid, incoming, _at in batch]
        started = clock.monotonic()
        delay = 0.2
        while True:
            try:
                close_old_connections()
                result = ingest_messages(messages)
                break
            except DATABASE_DOWN as error:
                # The database went away: keep the session alive, wait, reconnect, retry the
                # same batch. Nothing is acknowledged meanwhile.
                logger.warning("database unavailable (%s); retrying in %.1fs", error, delay)
                with contextlib.suppress(Exception):  # the connection is already broken
                    db_connection.close()
                deadline = clock.monotonic() + delay
                while clock.monotonic() < deadline and self.running:
                    self._keepalive(deadline - clock.monotonic())
                delay = min(delay * 2, 5.0)
                if not self.running:
                    return
            except Exception:  # noqa: BLE001 - never stop the stream for one batch
                # Not an outage, and not a record the database refused (ingest_messages turns
                # those into dead letters itself): store message by message, so that only the
                # culprit is dead-lettered.
                logger.exception("batch failed; storing one by one")
                result = ingest_one_by_one(messages)
                break
        committed = clock.monotonic()
        self.stats.last_commit_at = clock.time()
        if self.connected:
            for mid, _incoming, _at in batch:
                self.client.ack(mid, 1)
            self.client.loop_write()
        self.stats.batches += 1
        self.stats.messages += len(batch)
        self.stats.records += result.inserted
        self.stats.duplicates += result.duplicates
        self.stats.dead_letters += result.dead_letters
        if self.stats.commit_latencies_ms is not None:
            self.stats.commit_latencies_ms += [(committed - at) * 1000 for _m, _i, at in batch]
        logger.debug("batch of %d committed in %.0f ms", len(batch), (committed - started) * 1000)

    def _keepalive(self, timeout: float) -> None:
        """While the database is away: answer pings, but do not read more messages."""
        sock = self.client.socket()
        if sock is None:
            clock.sleep(max(0.0, min(timeout, 0.5)))
            return
        clock.sleep(max(0.0, min(timeout, 0.5)))
        if self.client.want_write():
            self.client.loop_write()
        self.client.loop_misc()

    def stop(self, *_args) -> None:
        self.running = False

    def run(self) -> IngestStats:
        """Receive until stopped (SIGTERM), `stop_after` messages, or `idle_exit` seconds with
        nothing received since the first message (waiting for the first one does not count)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        self._connect()
        while self.running:
            oldest = self.pending[0][2] if self.pending else None
            timeout = (
                0.5 if oldest is None else max(0.0, oldest + self.max_wait - clock.monotonic())
            )
            self._pump(timeout)
            if self.pending and (
                len(self.pending) >= self.batch_size
                or clock.monotonic() - self.pending[0][2] >= self.max_wait
            ):
                self._flush()
            if self.stop_after is not None and self.stats.messages >= self.stop_after:
                break
            if (
                self.idle_exit is not None
                and self.stats.first_message_at is not None
                and not self.pending
                and clock.monotonic() - self.last_activity > self.idle_exit
            ):
                break
        if self.pending:
            self._flush()
        self.client.disconnect()
        return self.stats


def now_utc() -> datetime:
    return datetime.now(UTC)
