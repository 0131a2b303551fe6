"""The one entry point through which every device record reaches the database.

`ingest_messages(messages)` decodes MQTT messages (topic + payload, see docs/devices.md),
validates them, writes the good records in one transaction (COPY on PostgreSQL, bulk_create
elsewhere) and the bad ones to the dead-letter table, and returns what happened. The MQTT loop
(`devices.mqtt`) acknowledges a batch to the broker only after this returns; the simulator and
the Modbus poller call it directly. A redelivered record (same device, sequence and time) never
makes a second row: it is counted and dead-lettered as a duplicate.
"""

import logging
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

import orjson
import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from core import rls
from core.realtime import notify
from devices import conf
from devices.handoff import lay_events_hand_off, station_events_hand_off
from devices.models import DeadLetter, Device, TelemetryRecord
from devices.partitions import TABLE, partition_ensure
from factories.models import Factory

logger = logging.getLogger(__name__)

# Errors that mean "the database is away" (not "this record is refused"), from Django's cursors
# and from the raw psycopg cursor used for COPY: the batch is retried, never dead-lettered.
DATABASE_DOWN = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# Errors by which the database refuses what it was given (a value, a constraint).
DATABASE_REFUSED = (DatabaseError, psycopg.Error)

CHANNELS = ("telemetry", "events", "status")
# Record types per channel, with the numeric fields each must carry (ints, >= 0).
TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "events": {
        "station.arrive": (),
        "station.leave": (),
        "cutter.start": (),
        "cutter.end": (),
        "spreader.start": (),
        "spreader.end": (),
    },
    "telemetry": {
        "sewing.sample": ("run_s",),
        "modbus.sample": (),
        "cutter.sample": (),
    },
    "status": {
        "heartbeat": (),
        "online": (),
        "offline": (),
    },
}
REQUIRED_TEXT = {
    "station.arrive": ("hanger",),
    "station.leave": ("hanger",),
}
STATION_EVENTS = ("station.arrive", "station.leave")
# Cutter and spreader jobs name their lay: its id (12) or the cut ticket's QR text ("SLL:12").
# A lay the factory does not have is stored all the same, just not linked (devices.handoff).
LAY_EVENTS = ("cutter.start", "cutter.end", "spreader.start", "spreader.end")
REQUIRED_REFERENCE = dict.fromkeys(LAY_EVENTS, ("lay",))


@dataclass(slots=True)
class Incoming:
    """One message as the broker delivered it."""

    topic: str
    payload: bytes
    received_at: datetime | None = None


@dataclass(slots=True)
class DeviceInfo:
    id: int
    factory_id: int
    gateway_id: int | None
    station_id: int | None


@dataclass
class IngestResult:
    inserted: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    station_record_ids: list[int] = field(default_factory=list)
    lay_record_ids: list[int] = field(default_factory=list)
    factories: set[int] = field(default_factory=set)
    # The `time` of each stored record, only when asked for (ingest_mqtt --latency-file).
    stored_times: list[datetime] | None = None


class Rejected(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail[:300]


class DeviceDirectory:
    """Device lookups by (factory code, device code), cached in the process.

    A miss is looked up once and remembered for a few seconds, so a flood of messages from an
    unknown device costs no query each.
    """

    MISS_TTL = 5.0
    REFRESH_SECONDS = 60.0  # devices registered, retired or moved are seen within a minute

    def __init__(self):
        self._loaded_at = clock.monotonic()
        self._factories: dict[str, int] = {}
        self._closing: set[str] = set()  # codes of factories closing: read-only (factories.closure)
        self._devices: dict[tuple[str, str], DeviceInfo] = {}
        self._by_id: dict[int, DeviceInfo] = {}
        self._codes: dict[tuple[int, str], DeviceInfo] = {}
        self._misses: dict[tuple[str, str], float] = {}
        self._routes: dict[str, tuple] = {}  # topic -> what devices.ingest._route found

    def clear(self) -> None:
        self.__init__()

    def factory_id(self, factory_code: str) -> int | None:
        if factory_code not in self._factories:
            self._load(factory_code)
        return self._factories.get(factory_code)

    def is_closing(self, factory_code: str) -> bool:
        """The factory is closing: read-only, its devices' messages are refused."""
        return factory_code in self._closing

    def device(self, factory_code: str, device_code: str) -> DeviceInfo | None:
        if clock.monotonic() - self._loaded_at > self.REFRESH_SECONDS:
            self.clear()
        key = (factory_code, device_code)
        info = self._devices.get(key)
        if info is not None:
            return info
        missed = self._misses.get(key)
        if missed is not None and clock.monotonic() - missed < self.MISS_TTL:
            return None
        self._load(factory_code)
        info = self._devices.get(key)
        if info is None:
            self._misses[key] = clock.monotonic()
        return info

    def route(self, topic: str) -> tuple | None:
        """What a topic was resolved to (devices.ingest._route), while the cache is fresh."""
        route = self._routes.get(topic)
        if route is not None and clock.monotonic() - self._loaded_at > self.REFRESH_SECONDS:
            self.clear()
            return None
        return route

    def remember_route(self, topic: str, route: tuple) -> None:
        self._routes[topic] = route

    def child(self, gateway: DeviceInfo, device_code: str) -> DeviceInfo | None:
        info = self._codes.get((gateway.factory_id, device_code))
        if info is not None and (info.id == gateway.id or info.gateway_id == gateway.id):
            return info
        return None

    def _load(self, factory_code: str) -> None:
        rows = Device.objects.filter(
            factory__organization__code=factory_code, is_active=True
        ).values_list("id", "factory_id", "code", "gateway_id", "station_id")
        for device_id, factory_id, code, gateway_id, station_id in rows:
            info = DeviceInfo(device_id, factory_id, gateway_id, station_id)
            self._factories[factory_code] = factory_id
            self._devices[(factory_code, code)] = info
            self._codes[(factory_id, code)] = info
            self._by_id[device_id] = info
        factory = (
            Factory.objects.filter(organization__code=factory_code)
            .values_list("pk", "status")
            .first()
        )
        if factory is not None:
            self._factories[factory_code] = factory[0]
            if factory[1] == Factory.Status.CLOSING:
                self._closing.add(factory_code)


directory = DeviceDirectory()


def topic_for(factory_code: str, device_code: str, channel: str) -> str:
    return f"factories/{factory_code}/devices/{device_code}/{channel}"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Limits:
    """The knobs a batch is checked against, read once per batch (settings are slow to read)."""

    earliest: datetime
    latest: datetime
    max_payload: int
    max_records: int
    earliest_us: int = 0  # the same window in epoch microseconds, for numeric `ts`
    latest_us: int = 0

    @classmethod
    def at(cls, now: datetime) -> "Limits":
        earliest = now - timedelta(days=conf.get("MAX_BACKFILL_DAYS"))
        latest = now + timedelta(seconds=conf.get("MAX_CLOCK_AHEAD_SECONDS"))
        return cls(
            earliest=earliest,
            latest=latest,
            max_payload=conf.get("MAX_PAYLOAD_BYTES"),
            max_records=conf.get("MAX_RECORDS_PER_MESSAGE"),
            earliest_us=_micros(earliest),
            latest_us=_micros(latest),
        )


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


# Epoch numbers by magnitude (see docs/devices.md, "ts"): below 1e11 seconds (up to year 5138),
# below 1e14 milliseconds, below 1e17 microseconds; anything larger is out of range.
_TS_SCALES = ((1e11, 1_000_000), (1e14, 1_000), (1e17, 1))
_INF = float("inf")


def _epoch_micros(value) -> int:
    """Epoch seconds, milliseconds or microseconds (int or float) as epoch microseconds."""
    if value != value or value in (_INF, -_INF):
        raise Rejected(DeadLetter.Reason.INVALID, f"ts {value!r} is not a time")
    magnitude = -value if value < 0 else value
    for bound, scale in _TS_SCALES:
        if magnitude < bound:
            return value * scale if isinstance(value, int) else round(value * scale)
    raise Rejected(DeadLetter.Reason.TIME_OUT_OF_RANGE, f"ts {value!r}")


def _parse_time(value, limits: Limits) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        micros = _epoch_micros(value)
        if micros < limits.earliest_us or micros > limits.latest_us:
            raise Rejected(DeadLetter.Reason.TIME_OUT_OF_RANGE, f"ts {value!r}")
        return EPOCH + timedelta(microseconds=micros)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Rejected(DeadLetter.Reason.INVALID, "ts is not a time") from None
        if moment.tzinfo is None:
            raise Rejected(DeadLetter.Reason.INVALID, "ts has no time zone")
        try:
            outside = moment < limits.earliest or moment > limits.latest
        except OverflowError:  # an offset that moves the time past year 1 or 9999
            outside = True
        if outside:
            raise Rejected(DeadLetter.Reason.TIME_OUT_OF_RANGE, f"ts {value[:40]}")
        return moment
    if value is None:
        raise Rejected(DeadLetter.Reason.INVALID, "ts missing")
    raise Rejected(
        DeadLetter.Reason.INVALID, f"ts must be a number or a time, not {type(value).__name__}"
    )


def _without_nul(value, path: str = ""):
    """`value` with the NUL padding at the end of its strings removed (firmware pads fixed-size
    fields with NUL); a NUL anywhere else is refused (PostgreSQL's jsonb cannot hold it)."""
    if isinstance(value, str):
        stripped = value.rstrip("\x00")
        if "\x00" in stripped:
            raise Rejected(DeadLetter.Reason.INVALID, f"NUL character inside {path or 'a string'}")
        return stripped
    if isinstance(value, dict):
        return {
            _without_nul(key, "a key"): _without_nul(item, str(key).rstrip("\x00")[:40])
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_nul(item, path) for item in value]
    return value


def _kind_checks() -> dict[str, dict[str, tuple]]:
    """Per channel and type, what a record must carry, worked out once (not per record): the
    numbers it needs, the counters it may carry, its required text and references."""
    return {
        channel: {
            kind: (
                numeric,
                conf.COUNTERS.get(kind, ()),
                REQUIRED_TEXT.get(kind, ()),
                REQUIRED_REFERENCE.get(kind, ()),
            )
            for kind, numeric in kinds.items()
        }
        for channel, kinds in TYPES.items()
    }


KIND_CHECKS = _kind_checks()
_NUMBERS = (int, float)  # what orjson makes of a JSON number (a bool is neither's type)
_SEQUENCE_MAX = conf.SEQUENCE_MAX
_COUNTER_MAX = conf.COUNTER_MAX


def _record_micros(value, limits: Limits) -> int:
    """A record's `ts` as epoch microseconds, checked against the accepted window."""
    kind = type(value)
    if kind is float and 0 < value < 1e11:  # the common case: epoch seconds with a fraction
        micros = round(value * 1_000_000)
    elif kind is int or kind is float:
        micros = _epoch_micros(value)
    else:
        return _micros(_parse_time(value, limits))
    if micros < limits.earliest_us or micros > limits.latest_us:
        raise Rejected(DeadLetter.Reason.TIME_OUT_OF_RANGE, f"ts {value!r}")
    return micros


def _record_row(record, channel: str, info: DeviceInfo, received_at: datetime, limits: Limits):
    """(factory id, device id, seq, time in epoch µs, received at, type, data, data as JSON)
    of one record, or Rejected with the reason (docs/devices.md, "The MQTT protocol")."""
    if type(record) is not dict:
        raise Rejected(DeadLetter.Reason.INVALID, "a record must be an object")
    get = record.get
    sequence = get("seq")
    if type(sequence) is not int:  # not a bool either
        raise Rejected(DeadLetter.Reason.INVALID, "seq must be a non-negative integer")
    if sequence < 0 or sequence > _SEQUENCE_MAX:
        raise Rejected(DeadLetter.Reason.OUT_OF_RANGE, f"seq {sequence} is outside 0..2^63-1")
    kind = get("type")
    checks = KIND_CHECKS[channel].get(kind) if type(kind) is str else None
    if checks is None:
        raise Rejected(DeadLetter.Reason.INVALID, f"unknown type {str(kind)[:40]!r} on {channel}")
    numeric, counters, texts, references = checks
    for name in numeric:
        if type(get(name)) not in _NUMBERS:
            raise Rejected(DeadLetter.Reason.INVALID, f"{name} must be a number >= 0")
    for name in counters:
        value = get(name)
        if value is None:
            continue
        if type(value) not in _NUMBERS:
            raise Rejected(DeadLetter.Reason.INVALID, f"{name} must be a number")
        if not 0 <= value <= _COUNTER_MAX:  # also false for NaN
            raise Rejected(
                DeadLetter.Reason.OUT_OF_RANGE, f"{name} {value!r} is outside 0..{conf.COUNTER_MAX}"
            )
    for name in texts:
        if not isinstance(get(name), str) or not record[name]:
            raise Rejected(DeadLetter.Reason.INVALID, f"{name} is required")
    for name in references:
        value = get(name)
        if not (isinstance(value, str) and value) and type(value) is not int:
            raise Rejected(DeadLetter.Reason.INVALID, f"{name} is required (an id or text)")
    ts = get("ts")
    if type(ts) is float and 0 < ts < 1e11:  # the common case: epoch seconds with a fraction
        micros = round(ts * 1_000_000)
        if micros < limits.earliest_us or micros > limits.latest_us:
            raise Rejected(DeadLetter.Reason.TIME_OUT_OF_RANGE, f"ts {ts!r}")
    else:
        micros = _record_micros(ts, limits)
    data = record.copy()  # without seq, ts, type, device; the record stays whole (dead letters)
    del data["seq"], data["ts"], data["type"]
    if "device" in data:
        del data["device"]
    try:
        text = orjson.dumps(data).decode()
    except orjson.JSONEncodeError as error:  # e.g. nested deeper than orjson writes
        raise Rejected(DeadLetter.Reason.INVALID, f"data cannot be stored: {error}") from None
    if "\\u0000" in text:  # rare: only then walk the record
        data = _without_nul(data)
        text = orjson.dumps(data).decode()
    return (info.factory_id, info.id, sequence, micros, received_at, kind, data, text)


def _moment(micros: int) -> datetime:
    return EPOCH + timedelta(0, 0, micros)


def _clean(text: str) -> str:
    """Text for a dead letter's varchar columns, which cannot hold NUL."""
    return text.replace("\x00", "\\0") if "\x00" in text else text


def decode(message: Incoming, now: datetime, limits: Limits | None = None):
    """(rows, dead letters) of one message: a row for each good record, a DeadLetter for each
    bad one (see decode_into)."""
    rows: list[tuple] = []
    dead: list[DeadLetter] = []
    decode_into(message, now, limits or Limits.at(now), rows, dead)
    return rows, dead


def decode_into(message: Incoming, now: datetime, limits: Limits, rows: list, dead: list):
    """Append a row to `rows` for each good record of the message, a DeadLetter to `dead` for
    each bad one.

    Never raises for a bad message: an unexpected exception while decoding makes the message
    (or the record of a batch) an "undecodable" dead letter. Only an unreachable database
    (DATABASE_DOWN, while looking a device up) is raised, so that the batch is retried.
    """
    received_at = message.received_at or now
    before = len(rows) + len(dead)
    try:
        _decode(message, received_at, limits, rows, dead)
    except DATABASE_DOWN:
        raise
    except Exception as error:  # noqa: BLE001 - any bad input must become a dead letter
        logger.warning("undecodable message on %r: %r", message.topic[:120], error)
        done = len(rows) + len(dead) - before
        dead.append(
            _dead(
                message,
                received_at,
                DeadLetter.Reason.UNDECODABLE,
                f"{type(error).__name__}: {error}" + (f" (after {done} records)" if done else ""),
            )
        )


def _dead(message, received_at, reason, detail="", factory_id=None, device_id=None, payload=None):
    return DeadLetter(
        factory_id=factory_id,
        device_id=device_id,
        topic=_clean(message.topic[:300]),
        payload=message.payload[:65536] if payload is None else payload,
        reason=reason,
        detail=_clean(detail[:300]),
        received_at=received_at,
    )


def _route(message: Incoming, received_at: datetime, dead: list):
    """The topic's (factory code, device code, channel, factory id, device), or None with a
    dead letter appended. Resolved topics are remembered by the directory."""
    topic = message.topic
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "factories" or parts[2] != "devices":
        dead.append(_dead(message, received_at, DeadLetter.Reason.BAD_TOPIC))
        return None
    _root, factory_code, _devices, device_code, channel = parts
    if channel not in CHANNELS:
        dead.append(
            _dead(message, received_at, DeadLetter.Reason.BAD_TOPIC, f"unknown channel {channel!r}")
        )
        return None
    if "\x00" in topic:
        dead.append(
            _dead(message, received_at, DeadLetter.Reason.BAD_TOPIC, "NUL character in the topic")
        )
        return None
    factory_id = directory.factory_id(factory_code)
    if factory_id is None:
        dead.append(
            _dead(
                message,
                received_at,
                DeadLetter.Reason.WRONG_FACTORY,
                f"no factory {factory_code!r}",
            )
        )
        return None
    if directory.is_closing(factory_code):
        dead.append(
            _dead(message, received_at, DeadLetter.Reason.FACTORY_CLOSING, factory_id=factory_id)
        )
        return None
    info = directory.device(factory_code, device_code)
    if info is None:
        dead.append(
            _dead(
                message,
                received_at,
                DeadLetter.Reason.UNKNOWN_DEVICE,
                device_code,
                factory_id=factory_id,
            )
        )
        return None
    route = (factory_code, device_code, channel, factory_id, info)
    directory.remember_route(topic, route)
    return route


def _decode(message: Incoming, received_at: datetime, limits: Limits, rows: list, dead: list):
    route = directory.route(message.topic) or _route(message, received_at, dead)
    if route is None:
        return
    factory_code, device_code, channel, factory_id, info = route
    payload = message.payload
    if len(payload) > limits.max_payload:
        dead.append(
            _dead(
                message,
                received_at,
                DeadLetter.Reason.OVERSIZE,
                f"{len(payload)} bytes",
                factory_id,
                info.id,
                payload[:1024],
            )
        )
        return
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        dead.append(
            _dead(
                message, received_at, DeadLetter.Reason.MALFORMED, str(error), factory_id, info.id
            )
        )
        return
    if type(body) is dict and "records" in body:
        records = body["records"]
        if not isinstance(records, list) or not records:
            dead.append(
                _dead(
                    message,
                    received_at,
                    DeadLetter.Reason.INVALID,
                    "records must be a non-empty list",
                    factory_id,
                )
            )
            return
        if len(records) > limits.max_records:
            dead.append(
                _dead(
                    message,
                    received_at,
                    DeadLetter.Reason.OVERSIZE,
                    f"{len(records)} records",
                    factory_id,
                    info.id,
                )
            )
            return
    else:
        records = [body]
    single = len(records) == 1 and records[0] is body
    # Checked once for the message, refused for each of its records.
    claimed = body.get("factory") if type(body) is dict else None
    wrong_factory = claimed is not None and claimed != factory_code
    append = rows.append
    for record in records:
        target = info
        try:
            child_code = record.get("device") if type(record) is dict else None
            if wrong_factory:
                raise Rejected(DeadLetter.Reason.WRONG_FACTORY, str(claimed)[:100])
            if child_code is not None and child_code != device_code:
                child = directory.child(info, str(child_code))
                if child is None:
                    raise Rejected(DeadLetter.Reason.NOT_BEHIND_GATEWAY, str(child_code)[:100])
                target = child
            append(_record_row(record, channel, target, received_at, limits))
        except Rejected as rejected:
            dead.append(
                _dead(
                    message,
                    received_at,
                    rejected.reason,
                    rejected.detail,
                    factory_id,
                    target.id,
                    _record_payload(message, record, single),
                )
            )
        except DATABASE_DOWN:
            raise
        except Exception as error:  # noqa: BLE001 - one bad record of a batch: a dead letter
            dead.append(
                _dead(
                    message,
                    received_at,
                    DeadLetter.Reason.UNDECODABLE,
                    f"{type(error).__name__}: {error}",
                    factory_id,
                    target.id,
                    _record_payload(message, record, single),
                )
            )


def _record_payload(message: Incoming, record, single: bool) -> bytes:
    if single:
        return message.payload[:65536]
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        return message.payload[:65536]


# --- writing -------------------------------------------------------------------------------

# Days whose partition is known to exist. Updated only after the transaction that created (or
# found) the partition commits: a rolled-back batch takes its CREATE TABLE with it, and a day
# remembered from it would send every later record of that day into a missing partition.
_known_partition_days: set[date] = set()


def _ensure_partitions(rows) -> None:
    days = {
        EPOCH_DAY + timedelta(days) for days in {row[3] // DAY_MICROS for row in rows}
    } - _known_partition_days
    if not days:
        return
    for day in sorted(days):
        partition_ensure(day)
    transaction.on_commit(lambda: _known_partition_days.update(days))


DAY_MICROS = 86_400_000_000
EPOCH_DAY = date(1970, 1, 1)


class _Stamps(dict):
    """COPY text of a time in epoch microseconds: the second's text is made once (most records
    of a batch share their second), the microseconds appended."""

    def __missing__(self, second: int) -> str:
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S.")
        self[second] = text
        return text


def _copy_text(rows, ids) -> bytes:
    stamps = _Stamps()
    # "factory\tdevice\t" and "\treceived at\tkind\t": a few of each per batch.
    heads: dict[tuple[int, int], str] = {}
    middles: dict[tuple[datetime, str], str] = {}
    lines = []
    append = lines.append
    for row_id, (factory_id, device_id, sequence, micros, received_at, kind, _data, text) in zip(
        ids, rows, strict=True
    ):
        head = heads.get((factory_id, device_id))
        if head is None:
            head = heads[factory_id, device_id] = f"{factory_id}\t{device_id}\t"
        middle = middles.get((received_at, kind))
        if middle is None:
            # `kind` is one of TYPES (validated), so it needs no escaping.
            middle = middles[received_at, kind] = f"\t{received_at.isoformat()}\t{kind}\t"
        # orjson escapes control characters inside strings, so only backslashes need doubling.
        if "\\" in text:
            text = text.replace("\\", "\\\\")
        second, fraction = divmod(micros, 1_000_000)
        append(f"{row_id}\t{head}{sequence}\t{stamps[second]}{fraction:06d}+00{middle}{text}\n")
    return "".join(lines).encode()


ID_BLOCK = 1000
COLUMNS = "id, factory_id, device_id, sequence, time, received_at, kind, data"


def _insert_postgres(rows) -> tuple[list[int], list[tuple]]:
    """COPY the rows; on a duplicate, fall back to a staging table + ON CONFLICT DO NOTHING.

    Returns (ids of the inserted rows in order of `rows`, the rows that were duplicates).
    """
    _ensure_partitions(rows)
    rls.sync(connection)  # the raw cursor below skips Django's: apply the platform scope first
    raw = connection.connection  # the psycopg 3 connection, inside Django's transaction
    with raw.cursor() as cursor:
        # The sequence steps by ID_BLOCK (migration 0004): each nextval() reserves a block.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [TABLE, -(-len(rows) // ID_BLOCK)],
        )
        ids = [start + n for (start,) in cursor.fetchall() for n in range(ID_BLOCK)][: len(rows)]
        text = _copy_text(rows, ids)
        # Under row-level security (the app role) PostgreSQL refuses COPY into the table: ask
        # once a batch rather than fail a COPY, and load through the staging table, whose
        # INSERT the policy checks.
        cursor.execute("SELECT row_security_active(%s)", [TABLE])
        if not cursor.fetchone()[0]:
            try:
                with (
                    transaction.atomic(savepoint=True),
                    cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy,
                ):
                    copy.write(text)
                return ids, []
            except psycopg.errors.UniqueViolation:
                pass  # a redelivery: find out which rows are new below
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS telemetry_staging "
            f"(LIKE {TABLE} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute("DELETE FROM telemetry_staging")
        with cursor.copy(f"COPY telemetry_staging ({COLUMNS}) FROM STDIN") as copy:
            copy.write(text)
        cursor.execute(
            f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM telemetry_staging "
            "ON CONFLICT DO NOTHING RETURNING id"
        )
        inserted = {row[0] for row in cursor.fetchall()}
    kept = [row_id for row_id in ids if row_id in inserted]
    duplicates = [row for row_id, row in zip(ids, rows, strict=True) if row_id not in inserted]
    return kept, duplicates


def _insert_generic(rows) -> tuple[list[int], list[tuple]]:
    existing = {
        (device_id, sequence, _micros(moment))
        for device_id, sequence, moment in TelemetryRecord.objects.filter(
            device_id__in={row[1] for row in rows}, sequence__in={row[2] for row in rows}
        ).values_list("device_id", "sequence", "time")
    }
    fresh, duplicates = [], []
    for row in rows:
        (duplicates if (row[1], row[2], row[3]) in existing else fresh).append(row)
    objects = TelemetryRecord.objects.bulk_create(
        [
            TelemetryRecord(
                factory_id=f,
                device_id=d,
                sequence=s,
                time=_moment(t),
                received_at=r,
                kind=k,
                data=data,
            )
            for f, d, s, t, r, k, data, _text in fresh
        ],
        batch_size=500,
    )
    return [obj.pk for obj in objects], duplicates


def _insert_row_postgres(row) -> int | None:
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (factory_id, device_id, sequence, time, received_at, kind, data) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb) ON CONFLICT DO NOTHING RETURNING id",
            [*row[:3], _moment(row[3]), *row[4:6], row[7]],
        )
        found = cursor.fetchone()
    return found[0] if found else None


def _insert_each(rows) -> tuple[list[int], list[tuple], list[tuple[tuple, str]]]:
    """The slow path, after the database refused a batch: each row in its own savepoint.

    Returns (ids of the stored rows in order, duplicate rows, [(refused row, the database's
    message)]). An unreachable database is raised, not counted as a refusal.
    """
    postgres = connection.vendor == "postgresql"
    if postgres:
        _ensure_partitions(rows)
    ids, duplicates, refused = [], [], []
    for row in rows:
        try:
            with transaction.atomic():
                if postgres:
                    row_id = _insert_row_postgres(row)
                else:
                    stored, _dups = _insert_generic([row])
                    row_id = stored[0] if stored else None
        except DATABASE_DOWN:
            raise
        except DATABASE_REFUSED as error:
            refused.append((row, str(error).strip()))
            continue
        if row_id is None:
            duplicates.append(row)
        else:
            ids.append(row_id)
    return ids, duplicates, refused


def _mark_seen(rows) -> None:
    last_seen: dict[int, datetime] = {}
    for device_id, received_at in {(row[1], row[4]) for row in rows}:
        if device_id not in last_seen or received_at > last_seen[device_id]:
            last_seen[device_id] = received_at
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE devices_device AS d SET last_seen_at = v.seen, is_online = true "
                "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS seen) v "
                "WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.seen)",
                [list(last_seen), list(last_seen.values())],
            )
        return
    for device_id, seen in last_seen.items():
        Device.objects.filter(pk=device_id).update(last_seen_at=seen, is_online=True)


def _row_letter(row, topic_of, reason: str, detail: str) -> DeadLetter:
    factory_id, device_id, sequence, micros, received_at, kind, _data, text = row
    head = orjson.dumps({"seq": sequence, "ts": _moment(micros).isoformat(), "type": kind})
    payload = head[:-1] + (b"," + text[1:].encode() if text != "{}" else b"}")
    return DeadLetter(
        factory_id=factory_id,
        device_id=device_id,
        topic=_clean(topic_of.get(device_id, "")[:300]),
        payload=payload,
        reason=reason,
        detail=_clean(detail[:300]),
        received_at=received_at,
    )


def _duplicate_letter(row, topic_of) -> DeadLetter:
    return _row_letter(row, topic_of, DeadLetter.Reason.DUPLICATE, f"seq {row[2]} already received")


def _without_repeats(decoded: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(rows, repeats): a record that comes twice in one batch (same device, seq and time) is
    kept once; the others are duplicates."""
    keys = {(row[1], row[2], row[3]) for row in decoded}
    if len(keys) == len(decoded):
        return decoded, []
    seen: set[tuple] = set()
    rows, repeats = [], []
    for row in decoded:
        key = (row[1], row[2], row[3])
        if key in seen:
            repeats.append(row)
        else:
            seen.add(key)
            rows.append(row)
    return rows, repeats


@rls.platform()  # the ingest writes for every factory (row-level security)
def ingest_messages(messages: list[Incoming], *, stored_times: bool = False) -> IngestResult:
    """Decode, validate and store a batch of messages in one transaction (see module doc).

    A record the checks let through but the database refuses (a COPY error other than a
    duplicate) sends the batch down the record-by-record path: that record becomes a "refused"
    dead letter with the database's message, every other record is stored once. Raises only
    when the database is unreachable (DATABASE_DOWN): the caller retries the whole batch.
    `stored_times` also returns the time of every stored record (result.stored_times).
    """
    now = datetime.now(UTC)
    decoded: list[tuple] = []
    dead: list[DeadLetter] = []
    topic_of: dict[int, str] = {}  # device id -> a topic it came on, for its dead letters
    limits = Limits.at(now)
    for message in messages:
        before = len(decoded)
        decode_into(message, now, limits, decoded, dead)
        for index in range(before, len(decoded)):
            topic_of[decoded[index][1]] = message.topic
    rows, duplicates = _without_repeats(decoded)
    result = IngestResult(stored_times=[] if stored_times else None)
    with transaction.atomic():
        if rows:
            insert = _insert_postgres if connection.vendor == "postgresql" else _insert_generic
            refused: list[tuple[tuple, str]] = []
            try:
                with transaction.atomic():
                    ids, dup_rows = insert(rows)
            except DATABASE_DOWN:
                raise
            except DATABASE_REFUSED as error:
                logger.warning(
                    "batch refused by the database (%s); storing record by record", error
                )
                ids, dup_rows, refused = _insert_each(rows)
            duplicates += dup_rows
            result.inserted = len(ids)
            if dup_rows or refused:
                skipped = {(row[1], row[2], row[3]) for row in dup_rows}
                skipped |= {(row[1], row[2], row[3]) for row, _message in refused}
                written = [row for row in rows if (row[1], row[2], row[3]) not in skipped]
            else:
                written = rows
            if stored_times:
                result.stored_times = [_moment(row[3]) for row in written]
            result.station_record_ids = [
                row_id for row_id, row in zip(ids, written, strict=True) if row[5] in STATION_EVENTS
            ]
            result.lay_record_ids = [
                row_id for row_id, row in zip(ids, written, strict=True) if row[5] in LAY_EVENTS
            ]
            _mark_seen(rows if not refused else written + dup_rows)
            counts = Counter(map(itemgetter(0), written))
            for factory_id, count in counts.items():
                result.factories.add(factory_id)
                notify(factory_id, "device_data", {"records": count})
            dead += [
                _row_letter(
                    row, topic_of, DeadLetter.Reason.REFUSED, f"refused by the database: {message}"
                )
                for row, message in refused
            ]
        dead += [_duplicate_letter(row, topic_of) for row in duplicates]
        if dead:
            DeadLetter.objects.bulk_create(dead, batch_size=500)
        result.duplicates = len(duplicates)
        result.dead_letters = len(dead)
        if result.station_record_ids:
            record_ids = result.station_record_ids
            transaction.on_commit(lambda: _hand_off(record_ids))
        if result.lay_record_ids:
            lay_ids = result.lay_record_ids
            transaction.on_commit(lambda: _hand_off(lay_ids, task=lay_events_hand_off))
    return result


def _hand_off(record_ids: list[int], task=station_events_hand_off) -> None:
    for start in range(0, len(record_ids), 200):
        task.delay(record_ids=record_ids[start : start + 200])


@rls.platform()  # the ingest writes for every factory (row-level security)
def ingest_one_by_one(messages: list[Incoming], *, stored_times: bool = False) -> IngestResult:
    """Store messages one at a time; one that cannot be stored at all becomes a dead letter.

    The last resort of the MQTT loop when a whole batch failed for a reason other than an
    unreachable database (which is raised, so that the batch is retried).
    """
    total = IngestResult(stored_times=[] if stored_times else None)
    for message in messages:
        try:
            result = ingest_messages([message], stored_times=stored_times)
        except DATABASE_DOWN:
            raise
        except Exception as error:  # noqa: BLE001 - the stream goes on; the message is kept
            logger.exception("message refused on %r", message.topic[:120])
            DeadLetter.objects.create(
                topic=_clean(message.topic[:300]),
                payload=message.payload[:65536],
                reason=DeadLetter.Reason.REFUSED,
                detail=_clean(f"refused by the database: {error}"[:300]),
                received_at=message.received_at or datetime.now(UTC),
            )
            total.dead_letters += 1
            continue
        total.inserted += result.inserted
        total.duplicates += result.duplicates
        total.dead_letters += result.dead_letters
        total.station_record_ids += result.station_record_ids
        total.lay_record_ids += result.lay_record_ids
        total.factories |= result.factories
        if stored_times:
            total.stored_times += result.stored_times
    return total
