"""The MQTT ingest loop behind `manage.py ingest_mqtt`.

paho-mqtt 2 (CallbackAPIVersion.VERSION2), MQTT 5, QoS 1 on a shared subscription
(`$share/<group>/factories/+/devices/+/+`) with a persistent session (clean_start=False, a
session-expiry interval) and manual acknowledgement: a message is acknowledged only after the
batch holding it is committed, so a crash at any point leaves it with the broker's session.

Mosquitto (2.0) drops the queued and in-flight messages of a shared-subscription member whose
session ends, and keeps routing a share of the stream to a member that is gone but whose session
lives. So every ingest registers its session (devices.IngestSession, held by a PostgreSQL
advisory lock while the process lives), a clean stop unsubscribes and drains its session before
ending it, and a live ingest takes over the session of one that went away (kill -9, scaled
down, host renamed): it resumes it, drains it and ends it. See docs/devices.md.

paho connects, subscribes, pings and handles every packet but PUBLISH; the PUBLISH packets are
read in large chunks and parsed by devices.mqtt_wire, and the PUBACKs of a committed batch go out
as one write: paho's per-message receive path was half the ingest's CPU (docs/devices.md).
"""

import contextlib
import logging
import os
import random
import select
import signal
import socket
import threading
import time as clock
from array import array
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
import psycopg
from django.db import close_old_connections
from django.db import connection as db_connection
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from devices import conf
from devices.ingest import DATABASE_DOWN, Incoming, ingest_messages, ingest_one_by_one
from devices.models import IngestSession
from devices.mqtt_wire import PUBACK, PacketReader, ProtocolError, pubacks

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
    # Per stored record: ms from its `ts` to the wall clock right after its batch's commit
    # (ingest_mqtt --latency-file; None when not asked for).
    record_latencies_ms: array | None = None
    first_message_at: float | None = None  # wall clock (time.time()), for benchmarks
    last_commit_at: float | None = None


def default_client_id() -> str:
    """Unique per process (host, pid, random): two ingests never share a session, so they never
    take each other's session over, and a renamed host or a restarted process leaves a session
    that the others take over (SessionRegistry) rather than one that waits for its owner."""
    return f"seamline-ingest-{socket.gethostname()[:60]}-{os.getpid()}-{random.randbytes(3).hex()}"


def _session_properties(expiry_seconds: int) -> Properties:
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = expiry_seconds
    return properties


def _end_session_properties() -> Properties:
    """DISCONNECT properties that end the session at once (MQTT 5: expiry 0 on disconnect)."""
    properties = Properties(PacketTypes.DISCONNECT)
    properties.SessionExpiryInterval = 0
    return properties


class SessionRegistry:
    """The ingest sessions on the broker (devices.IngestSession), each held by its live process
    through a PostgreSQL advisory lock on a connection of its own: when the process dies, the
    lock goes with its connection, and any other ingest may take the session over. Off (every
    call a no-op) on other databases, where one ingest process is all there is."""

    LOCK_SPACE = 0x5EA1  # first key of pg_try_advisory_lock(int, int); the second hashes the id

    def __init__(self):
        self.enabled = db_connection.vendor == "postgresql"
        self._locks: psycopg.Connection | None = None

    def _connection(self) -> psycopg.Connection:
        if self._locks is None or self._locks.closed or self._locks.broken:
            # Django's own connection parameters (host, credentials, OPTIONS such as sslmode),
            # without its cursor class and adapters, which this plain connection does not need.
            params = {
                key: value
                for key, value in db_connection.get_connection_params().items()
                if key not in ("cursor_factory", "context", "prepare_threshold", "pool")
            }
            params.setdefault("connect_timeout", 5)
            params["application_name"] = "seamline-ingest-sessions"
            self._locks = psycopg.connect(**params, autocommit=True)
        return self._locks

    def try_lock(self, client_id: str) -> bool:
        row = (
            self._connection()
            .execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [self.LOCK_SPACE, client_id])
            .fetchone()
        )
        return bool(row[0])

    def unlock(self, client_id: str) -> None:
        with contextlib.suppress(psycopg.Error):
            self._connection().execute(
                "SELECT pg_advisory_unlock(%s, hashtext(%s))", [self.LOCK_SPACE, client_id]
            )

    def claim(self, client_id: str) -> bool:
        """Hold `client_id` for this process; False while another live process holds it."""
        if not self.enabled:
            return True
        if not self.try_lock(client_id):
            return False
        IngestSession.objects.update_or_create(
            client_id=client_id,
            defaults={"host": socket.gethostname()[:255], "pid": os.getpid()},
        )
        return True

    def heartbeat(self, client_id: str) -> None:
        if self.enabled:
            IngestSession.objects.filter(client_id=client_id).update(seen_at=timezone.now())

    def orphans(self, mine: str, stale_seconds: float) -> list[str]:
        """Sessions not heard of for `stale_seconds` whose process holds no lock any more
        (each returned one is now locked by this process: adopt it, then `forget` it)."""
        if not self.enabled:
            return []
        cutoff = timezone.now() - timedelta(seconds=stale_seconds)
        candidates = IngestSession.objects.filter(seen_at__lt=cutoff).exclude(client_id=mine)
        return [
            client_id
            for client_id in candidates.values_list("client_id", flat=True)
            if self.try_lock(client_id)
        ]

    def forget(self, client_id: str) -> None:
        """The session is ended on the broker: drop its row and lock."""
        if self.enabled:
            IngestSession.objects.filter(client_id=client_id).delete()
            self.unlock(client_id)

    def release(self, client_id: str, *, ended: bool) -> None:
        """This process stops. Its row stays when its session still holds messages, so that
        another ingest takes it over."""
        if not self.enabled:
            return
        with contextlib.suppress(Exception):
            if ended:
                IngestSession.objects.filter(client_id=client_id).delete()
            else:  # mark it stale now: the others need not wait for the heartbeat to age
                IngestSession.objects.filter(client_id=client_id).update(
                    seen_at=timezone.now() - timedelta(days=1)
                )
        if self._locks is not None:
            with contextlib.suppress(psycopg.Error):
                self._locks.close()
            self._locks = None


class IngestLoop:
    """Receives, batches, commits, then acknowledges. One instance per process."""

    # A connection that ends sooner than this after it was made counts as a failed one (e.g.
    # taken over by another client with the same id): the next attempt backs off.
    STABLE_SECONDS = 10.0
    # Housekeeping: the heartbeat of this process's session, and the look for gone ones.
    HOUSEKEEPING_SECONDS = 5.0
    # How long to wait, with nothing arriving, before a drained session counts as empty.
    QUIET_SECONDS = 0.5
    # The receive path: one recv() takes up to this many bytes (hundreds of messages), and a
    # round reads at most this many times before the batch is looked at again.
    READ_BYTES = 65536
    READS_PER_ROUND = 64

    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        batch_size: int | None = None,
        max_wait: float | None = None,
        share_group: str | None = None,
        stop_after: int | None = None,
        idle_exit: float | None = None,
        record_latency: bool = False,
        record_ts_latency: bool = False,
    ):
        self.address = BrokerAddress.from_url(url)
        self.client_id = client_id or default_client_id()
        self.batch_size = batch_size or conf.get("BATCH_SIZE")
        self.max_wait = conf.get("BATCH_MAX_WAIT_SECONDS") if max_wait is None else max_wait
        group = share_group if share_group is not None else conf.get("SHARE_GROUP")
        self.topic = f"$share/{group}/{SUBSCRIPTION}" if group else SUBSCRIPTION
        self.session_expiry = int(conf.get("SESSION_EXPIRY_SECONDS"))
        self.max_backoff = float(conf.get("RECONNECT_MAX_SECONDS"))
        self.stop_after = stop_after
        self.idle_exit = idle_exit
        self.stats = IngestStats(
            commit_latencies_ms=[] if record_latency else None,
            record_latencies_ms=array("d") if record_ts_latency else None,
        )
        self.pending: list[tuple[int, Incoming, float]] = []  # (mid, message, arrival)
        self.received = 0
        self.running = True
        self.connected = False
        self.connected_at: float | None = None
        self.reconnect_delay = 0.0
        self.subscribed = threading.Event()
        self.unsubscribed = threading.Event()
        self.last_activity = clock.monotonic()
        self.next_housekeeping = 0.0
        self.registry = SessionRegistry()
        self.reader = PacketReader()
        self.client = self._make_client()

    # --- MQTT ----------------------------------------------------------------------------
    def _new_client(self, client_id: str) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password)
        return client

    def _make_client(self) -> mqtt.Client:
        client = self._new_client(self.client_id)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = lambda *args: self.subscribed.set()
        client.on_unsubscribe = lambda *args: self.unsubscribed.set()
        return client

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("broker refused the connection: %s", reason_code)
            return
        self.connected = True
        self.connected_at = clock.monotonic()
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
        lasted = clock.monotonic() - self.connected_at if self.connected_at else 0.0
        self.connected_at = None
        if lasted < self.STABLE_SECONDS:
            # Connected then dropped (taken over by a client with the same id, refused, the
            # broker going down): back off exponentially, so that two clients never kick each
            # other off in a loop.
            self.reconnect_delay = min(self.max_backoff, max(0.5, self.reconnect_delay * 2))
        else:
            self.reconnect_delay = 0.0
        if self.running:
            logger.warning(
                "disconnected from the broker (%s) after %.1fs; reconnecting in up to %.1fs",
                reason_code,
                lasted,
                self.reconnect_delay,
            )

    def prepare_session(self, timeout: float = 10) -> None:
        """Create the persistent session and its subscription, then leave: from now on the
        broker queues this process's share of the stream until it comes back (for at most
        SESSION_EXPIRY_SECONDS)."""
        self._connect()
        deadline = clock.monotonic() + timeout
        while not self.subscribed.is_set() and clock.monotonic() < deadline:
            self._pump(0.1)
        if not self.subscribed.is_set():
            raise RuntimeError("the broker did not confirm the subscription")
        self.client.disconnect()
        self._write_out(5)

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up on stop()."""
        deadline = clock.monotonic() + seconds
        while self.running and clock.monotonic() < deadline:
            clock.sleep(min(0.1, max(0.0, deadline - clock.monotonic())))

    def _connect(self) -> None:
        while self.running:
            if self.reconnect_delay:
                wait = self.reconnect_delay * random.uniform(0.5, 1.0)  # jitter
                logger.warning("reconnecting to the broker in %.1fs", wait)
                self._sleep(wait)
                if not self.running:
                    return
            try:
                self.client.connect(
                    self.address.host,
                    self.address.port,
                    keepalive=30,
                    clean_start=False,
                    properties=_session_properties(self.session_expiry),
                )
                self.client.socket().setblocking(False)
                self.reader.reset()
                return
            except OSError as error:
                self.reconnect_delay = min(self.max_backoff, max(0.5, self.reconnect_delay * 2))
                logger.warning("broker unreachable (%s)", error)

    def _read_available(self) -> None:
        """Read what the socket holds in large chunks (devices.mqtt_wire parses the PUBLISH
        packets; paho handles the others), up to a full batch, so a steady stream still gets
        flushed on time."""
        client = self.client
        for reads in range(self.READS_PER_ROUND):
            sock = client.socket()
            # At least one read a round, whatever is in hand: a SUBACK or UNSUBACK may wait
            # behind a full batch of redelivered messages (prepare_session, _drain_own).
            if sock is None or (reads and len(self.pending) >= self.batch_size):
                return
            try:
                data = sock.recv(self.READ_BYTES)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                logger.warning("reading from the broker failed: %s", error)
                client._loop_rc_handle(mqtt.MQTT_ERR_CONN_LOST)
                return
            if not data:  # the broker closed the connection
                client._loop_rc_handle(mqtt.MQTT_ERR_CONN_LOST)
                return
            client._last_bytes_received = clock.monotonic()  # paho's keepalive clock
            try:
                publishes, others = self.reader.feed(data)
            except ProtocolError as error:
                logger.error("the broker sent a malformed packet (%s); reconnecting", error)
                client._loop_rc_handle(mqtt.MQTT_ERR_PROTOCOL)
                return
            if publishes:
                self._received(publishes)
            for header, body in others:
                if not self._paho_handles(header, body):
                    return

    def _received(self, publishes: list[tuple[str, bytes, int]]) -> None:
        at = clock.monotonic()
        if self.stats.first_message_at is None:
            self.stats.first_message_at = clock.time()
        self.received += len(publishes)
        self.pending += [(mid, Incoming(topic, payload), at) for topic, payload, mid in publishes]

    def _paho_handles(self, header: int, body: bytes) -> bool:
        """A packet other than PUBLISH (CONNACK, SUBACK, UNSUBACK, PINGRESP, DISCONNECT): paho
        handles it as if it had read it itself (its callbacks run). False if the connection
        ended."""
        client = self.client
        client._in_packet = {
            "command": header,
            "have_remaining": 1,
            "remaining_count": [],
            "remaining_mult": 1,
            "remaining_length": len(body),
            "packet": bytearray(body),
            "to_process": 0,
            "pos": 0,
        }
        rc = client._packet_read()  # with the packet complete, it only handles it
        if rc > 0:
            client._loop_rc_handle(rc)
            return False
        return client.socket() is not None

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

    def _write_out(self, timeout: float) -> None:
        """Write everything paho has queued (acknowledgements, DISCONNECT) to the socket: the
        socket is non-blocking, so one loop_write() may leave part of it behind."""
        deadline = clock.monotonic() + timeout
        while clock.monotonic() < deadline:
            sock = self.client.socket()
            if sock is None or not self.client.want_write():
                return
            with contextlib.suppress(OSError, ValueError):
                select.select([], [sock], [], 0.1)
            self.client.loop_write()

    # --- batches -------------------------------------------------------------------------
    def _flush(self) -> bool:
        """Commit the batch in hand, then acknowledge it; False if it could not be committed
        (the database away while stopping): nothing is acknowledged then."""
        batch, self.pending = self.pending, []
        messages = [incoming for _mid, incoming, _at in batch]
        started = clock.monotonic()
        delay = 0.2
        while True:
            try:
                close_old_connections()
                result = ingest_messages(messages, stored_times=self._want_times)
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
                if not self.running:  # stopping: keep the batch unacknowledged, in hand
                    self.pending = batch + self.pending
                    return False
            except Exception:  # noqa: BLE001 - never stop the stream for one batch
                # Not an outage, and not a record the database refused (ingest_messages turns
                # those into dead letters itself): store message by message, so that only the
                # culprit is dead-lettered.
                logger.exception("batch failed; storing one by one")
                result = ingest_one_by_one(messages, stored_times=self._want_times)
                break
        committed = clock.monotonic()
        self.stats.last_commit_at = clock.time()
        self._record_ts_latencies(result)
        if self.connected:
            mids = [mid for mid, _incoming, _at in batch if mid]  # 0: QoS 0, nothing to ack
            if mids:  # one write for the whole batch, queued behind anything paho has queued
                self.client._packet_queue(PUBACK, pubacks(mids), 0, 0)
            self.client.loop_write()
        self.stats.batches += 1
        self.stats.messages += len(batch)
        self.stats.records += result.inserted
        self.stats.duplicates += result.duplicates
        self.stats.dead_letters += result.dead_letters
        if self.stats.commit_latencies_ms is not None:
            self.stats.commit_latencies_ms += [(committed - at) * 1000 for _m, _i, at in batch]
        logger.debug("batch of %d committed in %.0f ms", len(batch), (committed - started) * 1000)
        return True

    @property
    def _want_times(self) -> bool:
        return self.stats.record_latencies_ms is not None

    def _record_ts_latencies(self, result) -> None:
        """Only with --latency-file: each stored record's age (from its `ts`) at commit."""
        if result.stored_times:
            now = clock.time()
            self.stats.record_latencies_ms.extend(
                (now - moment.timestamp()) * 1000 for moment in result.stored_times
            )

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

    # --- sessions ------------------------------------------------------------------------
    def _claim(self) -> None:
        """Hold this process's client id (devices.IngestSession). Another live process holding
        the same id is waited for, with back-off, instead of taking its session over."""
        delay = 0.5
        while self.running:
            try:
                if self.registry.claim(self.client_id):
                    return
                logger.error("client id %s is held by a live ingest; waiting", self.client_id)
            except DATABASE_DOWN + (psycopg.Error,) as error:
                logger.warning("database unavailable (%s) while registering the session", error)
                with contextlib.suppress(Exception):
                    db_connection.close()
            self._sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self.max_backoff)

    def _housekeeping(self) -> None:
        """Every few seconds: say this session is alive, and take over gone ones."""
        self.next_housekeeping = clock.monotonic() + self.HOUSEKEEPING_SECONDS
        if not self.registry.enabled:
            return
        try:
            close_old_connections()
            self.registry.heartbeat(self.client_id)
            for client_id in self.registry.orphans(self.client_id, 2 * self.HOUSEKEEPING_SECONDS):
                if self._adopt(client_id):
                    self.registry.forget(client_id)
                else:
                    self.registry.unlock(client_id)
        except DATABASE_DOWN + (psycopg.Error,) as error:
            logger.warning("database unavailable (%s) during session housekeeping", error)
            with contextlib.suppress(Exception):
                db_connection.close()

    def _adopt(self, client_id: str, timeout: float = 60) -> bool:
        """Take over the session of a gone ingest: resume it, stop its subscription, store and
        acknowledge everything it holds (in flight and queued), then end it. True when ended."""
        logger.warning("taking over the session of %s, whose ingest is gone", client_id)
        state: dict = {}
        received: list = []
        client = self._new_client(client_id)
        client.on_connect = lambda c, u, flags, rc, p: state.update(
            failed=rc.is_failure, present=flags.session_present
        )
        client.on_message = lambda c, u, message: received.append(message)
        client.on_unsubscribe = lambda *args: state.update(unsubscribed=True)
        try:
            client.connect(
                self.address.host,
                self.address.port,
                keepalive=30,
                clean_start=False,
                properties=_session_properties(self.session_expiry),
            )
        except OSError as error:
            logger.warning("could not take over %s: %s", client_id, error)
            return False
        client.loop_start()
        try:
            deadline = clock.monotonic() + timeout
            while "failed" not in state and clock.monotonic() < deadline:
                clock.sleep(0.05)
            if state.get("failed", True):
                return False
            if state["present"]:
                client.unsubscribe(self.topic)
                done = 0
                quiet_since, seen = clock.monotonic(), 0
                while clock.monotonic() < deadline:
                    clock.sleep(0.1)
                    if len(received) != seen:
                        seen, quiet_since = len(received), clock.monotonic()
                        continue
                    if clock.monotonic() - quiet_since < self.QUIET_SECONDS:
                        continue
                    if seen > done:  # store and acknowledge what came; more may follow
                        batch = received[done:seen]
                        result = ingest_messages(
                            [Incoming(message.topic, message.payload) for message in batch],
                            stored_times=self._want_times,
                        )
                        self._record_ts_latencies(result)
                        for message in batch:
                            client.ack(message.mid, 1)
                        done = seen
                        self.stats.records += result.inserted
                        self.stats.duplicates += result.duplicates
                        self.stats.dead_letters += result.dead_letters
                        quiet_since = clock.monotonic()
                    elif state.get("unsubscribed"):
                        break
                else:
                    logger.warning("session %s still not drained; leaving it", client_id)
                    client.disconnect()
                    return False
                logger.warning("took over %d messages of %s", done, client_id)
            client.disconnect(properties=_end_session_properties())
            return True
        except Exception:
            logger.exception("could not take over %s", client_id)
            client.disconnect()  # keep the session: the next look tries again
            return False
        finally:
            client.loop_stop()

    def _drain_own(self, timeout: float = 15) -> bool:
        """Stopping: unsubscribe (the broker sends this session nothing new), then store and
        acknowledge what it already sent or queued. True when the session is empty."""
        self.unsubscribed.clear()
        self.client.unsubscribe(self.topic)
        deadline = clock.monotonic() + timeout
        quiet_since, seen = clock.monotonic(), self.received
        while clock.monotonic() < deadline:
            self._pump(0.1)
            if not self.connected:
                return False
            if self.received != seen:
                seen, quiet_since = self.received, clock.monotonic()
            if len(self.pending) >= self.batch_size:
                if not self._flush():
                    return False
                continue
            if clock.monotonic() - quiet_since < self.QUIET_SECONDS:
                continue
            if self.pending:  # the broker sends the rest of the queue as acks free its window
                if not self._flush():
                    return False
                quiet_since = clock.monotonic()
            elif self.unsubscribed.is_set():
                return True
        return False

    def _shutdown(self) -> None:
        """Stop cleanly: no new messages, the batch in hand committed and acknowledged (every
        acknowledgement written out), then the session ended and forgotten. If that cannot be
        done (broker or database away), the session is kept for another ingest to take over."""
        ended = False
        drained = self.connected and self.client.socket() is not None and self._drain_own()
        committed = self._flush() if self.pending else True
        if self.client.socket() is not None:
            if drained and committed:
                self.client.disconnect(properties=_end_session_properties())
                ended = True
            else:
                self.client.disconnect()
            self._write_out(10)
        self.registry.release(self.client_id, ended=ended)
        logger.info("stopped (%s)", "session ended" if ended else "session kept")

    def run(self) -> IngestStats:
        """Receive until stopped (SIGTERM), `stop_after` messages, or `idle_exit` seconds with
        nothing received since the first message (waiting for the first one does not count)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        self._claim()
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
            if not self.pending and clock.monotonic() >= self.next_housekeeping:
                self._housekeeping()
        self._shutdown()
        return self.stats


def now_utc() -> datetime:
    return datetime.now(UTC)
