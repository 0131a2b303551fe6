"""The ingest never stops and strands nothing, on a real Mosquitto and PostgreSQL, with
`manage.py ingest_mqtt` processes and an independent publisher process
(tests/devices/stream_publisher.py): clean stops, kill -9, scaling down to a new client id,
and hostile payloads."""

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time as clock
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from paho.mqtt import client as mqtt

from devices.models import DeadLetter, IngestSession, TelemetryRecord
from devices.mqtt import IngestLoop
from simulation.throwaway_postgres import ThrowawayPostgres
from tests.devices import test_zero_loss
from tests.devices.mqtt_support import (
    INGEST_PASSWORD,
    INGEST_USER,
    database_url,
    row_counts,
    start_ingest,
    stop_process,
    wait_until,
)

pytestmark = [
    pytest.mark.mqtt,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

PUBLISHER = Path(__file__).with_name("stream_publisher.py")
DEVICES = test_zero_loss.DEVICES
PER_DEVICE = 3000
N = DEVICES * PER_DEVICE


# The zero-loss tests' broker: the project's configuration on a free port, factories "zl" and
# "other" with three devices each, and the ingest's account.
broker = test_zero_loss.broker


def zl_logins(broker) -> list[list[str]]:
    return [
        [login.factory_code, login.device_code, login.username, login.password]
        for (factory, _code), login in broker.logins.items()
        if factory == "zl"
    ]


def publish(broker, tmp_path: Path, **spec) -> subprocess.Popen:
    """Start the publisher process; `finish()` waits for it and returns what was acknowledged."""
    spec_file = tmp_path / f"publish-{clock.monotonic_ns()}.json"
    spec_file.write_text(json.dumps({"port": broker.port, "devices": zl_logins(broker), **spec}))
    return subprocess.Popen(
        [sys.executable, str(PUBLISHER), str(spec_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )


def finish(publisher: subprocess.Popen) -> int:
    output, _ = publisher.communicate(timeout=180)
    return json.loads(output.decode().strip().splitlines()[-1])["acked"]


def outcomes(db_url: str) -> int:
    rows, _distinct = row_counts(db_url)
    return rows + DeadLetter.objects.count()


def test_a_clean_stop_under_load_strands_nothing_and_makes_no_duplicates(broker, tmp_path):
    # Given two ingests sharing a live stream
    db_url = database_url()
    log = tmp_path / "ingest.log"
    one = start_ingest(broker.ingest_url, db_url, "ingest-one", log)
    two = start_ingest(broker.ingest_url, db_url, "ingest-two", log)
    try:
        publisher = publish(broker, tmp_path, per_device=PER_DEVICE, interval=0.003)
        assert wait_until(lambda: row_counts(db_url)[0] >= N // 4)
        # When one of them is stopped with SIGTERM
        one.send_signal(signal.SIGTERM)
        assert one.wait(60) == 0
        # Then the other receives the whole rest of the stream: every message once, no
        # duplicate dead letters, and the stopped one's session is gone
        assert finish(publisher) == N
        assert wait_until(lambda: row_counts(db_url)[0] >= N, timeout=60)
        clock.sleep(1)
        assert row_counts(db_url) == (N, N)
        assert DeadLetter.objects.count() == 0
        assert list(IngestSession.objects.values_list("client_id", flat=True)) == ["ingest-two"]
        assert two.poll() is None
    finally:
        stop_process(one)
        stop_process(two)


def test_sigterm_one_kill_the_other_start_a_new_one_and_every_message_is_stored_once(
    broker, tmp_path
):
    # Given two ingests sharing a live stream
    db_url = database_url()
    log = tmp_path / "ingest.log"
    one = start_ingest(broker.ingest_url, db_url, "ingest-one", log)
    two = start_ingest(broker.ingest_url, db_url, "ingest-two", log)
    three = None
    try:
        publisher = publish(broker, tmp_path, per_device=PER_DEVICE, interval=0.003)
        assert wait_until(lambda: row_counts(db_url)[0] >= N // 4)
        # When one is stopped with SIGTERM, the other killed, and a new one with a new client
        # id started while the stream goes on
        one.send_signal(signal.SIGTERM)
        assert one.wait(60) == 0
        os.kill(two.pid, signal.SIGKILL)
        two.wait()
        three = start_ingest(broker.ingest_url, db_url, "ingest-three", log)
        assert finish(publisher) == N
        # Then within a minute every message is stored exactly once (the killed one's session
        # is taken over and ended), and only the new ingest's session is left
        assert wait_until(lambda: row_counts(db_url)[0] >= N, timeout=60)
        clock.sleep(1)
        assert row_counts(db_url) == (N, N)
        assert wait_until(
            lambda: (
                list(IngestSession.objects.values_list("client_id", flat=True)) == ["ingest-three"]
            ),
            timeout=30,
        )
    finally:
        stop_process(one)
        stop_process(two)
        if three is not None:
            stop_process(three)


def test_a_stop_while_the_database_is_away_leaves_the_session_for_another_ingest(broker, tmp_path):
    cluster = ThrowawayPostgres().init()
    cluster.start()
    one = two = None
    try:
        cluster.clone_from(database_url())
        db_url, log = cluster.url(), tmp_path / "ingest.log"
        # Given an ingest whose database went away while it holds a batch in hand
        one = start_ingest(broker.ingest_url, db_url, "ingest-one", log)
        assert finish(publish(broker, tmp_path, per_device=100)) == 300
        assert wait_until(lambda: row_counts(db_url)[0] == 300)
        cluster.stop()
        assert finish(publish(broker, tmp_path, per_device=50, first=101)) == 150
        clock.sleep(2)  # received, its commit failing and retried
        # When it is stopped before the database is back
        one.send_signal(signal.SIGTERM)
        assert one.wait(60) == 0
        # Then nothing it held is lost: another ingest takes its session over
        cluster.start()
        two = start_ingest(broker.ingest_url, db_url, "ingest-two", log)
        assert wait_until(lambda: row_counts(db_url)[0] >= 450, timeout=60)
        clock.sleep(1)
        assert row_counts(db_url) == (450, 450)
    finally:
        for process in (one, two):
            if process is not None:
                stop_process(process)
        cluster.remove()


class RecordingLoop(IngestLoop):
    """An ingest loop that notes the back-off (before jitter) of each connection attempt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delays = []

    def _connect(self):
        self.delays.append(self.reconnect_delay)
        super()._connect()


def kick(broker, client_id: str) -> None:
    """Connect with `client_id`, which takes its session over from whoever holds it, and leave."""
    kicker = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    kicker.username_pw_set(INGEST_USER, INGEST_PASSWORD)
    connected = threading.Event()
    kicker.on_connect = lambda *args: connected.set()
    kicker.connect("127.0.0.1", broker.port)
    kicker.loop_start()
    assert connected.wait(10)
    kicker.disconnect()
    kicker.loop_stop()


def test_an_ingest_taken_over_by_a_client_with_its_id_backs_off_exponentially(broker, caplog):
    # Given a running ingest
    loop = RecordingLoop(broker.ingest_url, client_id="ingest-kicked")
    thread = threading.Thread(target=loop.run)
    thread.start()
    try:
        # When another client with its id takes its session over, again and again
        for _ in range(4):
            assert wait_until(lambda: loop.connected and loop.subscribed.is_set(), timeout=60)
            loop.subscribed.clear()
            kick(broker, "ingest-kicked")
            assert wait_until(lambda: not loop.connected, timeout=10)
        assert wait_until(lambda: loop.connected, timeout=60)
    finally:
        loop.stop()
        thread.join(60)
    # Then it waits twice as long before each new attempt (plus jitter), and says so
    assert loop.delays == [0.0, 0.5, 1.0, 2.0, 4.0]
    waits = [r.message for r in caplog.records if r.message.startswith("reconnecting")]
    assert len(waits) == 4


# --- hostile payloads --------------------------------------------------------------------

NOW_MS = int(clock.time() * 1000)
GOOD_TS = st.sampled_from(
    [NOW_MS, NOW_MS // 1000, NOW_MS * 1000, NOW_MS / 1000, NOW_MS + 0.5, "2026-11-30T12:00:00Z"]
)
HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["NaN", "inf", "-inf", "Infinity", "", "\x00", "abc\x00", "x" * 70_000]),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
TS_FORMS = st.one_of(
    GOOD_TS,
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["2026-11-30T12:00:00", "yesterday", "9999-12-31T23:59:59-14:00", "0"]),
)


def _json(body) -> bytes:
    # The standard library writes NaN/Infinity and integers of any size, as firmware does.
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def hostile(draw) -> bytes:
    base = {"seq": draw(st.integers(0, 10**6)), "ts": NOW_MS, "type": "sewing.sample", "run_s": 1}
    kind = draw(st.sampled_from(["field", "ts", "raw", "gbk", "nul", "deep", "shape", "size"]))
    if kind == "field":
        base[draw(st.sampled_from(["seq", "ts", "type", "run_s", "stitches", "note", "good"]))] = (
            draw(HOSTILE_VALUES)
        )
        return _json(base)
    if kind == "ts":
        base["ts"] = draw(TS_FORMS)
        return _json(base)
    if kind == "raw":
        return draw(st.binary(max_size=200))
    if kind == "gbk":
        return _json(base)[:-1] + b', "note": "' + "缝纫机温度".encode("gbk") + b'"}'
    if kind == "nul":
        base["fw"] = draw(st.sampled_from(["v1\x00\x00", "v\x001", "\x00"]))
        return _json(base)
    if kind == "deep":
        depth = draw(st.integers(200, 1200))
        return _json(base)[:-1] + b', "x": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == "shape":
        return _json(
            draw(
                st.sampled_from(
                    [[], [base], 5, "text", {"records": 5}, {"records": []}, {"records": [7]}]
                )
            )
        )
    return _json({**base, "blob": "y" * draw(st.integers(60_000, 100_000))})


def test_hostile_payloads_never_stop_the_ingest_and_every_good_message_is_stored(broker, tmp_path):
    db_url = database_url()
    ingest = start_ingest(broker.ingest_url, db_url, "ingest-hostile", tmp_path / "ingest.log")
    published = {"total": 0, "good": []}
    try:

        @hypothesis_settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.lists(st.tuples(st.booleans(), hostile()), min_size=1, max_size=12))
        def run(mixed):
            messages = []
            for is_good, payload in mixed:
                if is_good:  # a good message from device m0, with a sequence never used
                    sequence = 10**7 + len(published["good"])
                    published["good"].append(sequence)
                    body = {"seq": sequence, "ts": NOW_MS, "type": "sewing.sample", "run_s": 2}
                    messages.append([0, "telemetry", base64.b64encode(_json(body)).decode()])
                # the hostile one from device m1
                messages.append([1, "telemetry", base64.b64encode(payload).decode()])
            assert finish(publish(broker, tmp_path, messages=messages)) == len(messages)
            published["total"] += len(messages)
            # every message is stored once or dead-lettered, and the process is alive
            assert wait_until(lambda: outcomes(db_url) >= published["total"], timeout=30)
            assert outcomes(db_url) == published["total"]
            assert ingest.poll() is None
            good = TelemetryRecord.objects.filter(
                device__code="m0", factory__organization__code="zl"
            )
            assert sorted(good.values_list("sequence", flat=True)) == published["good"]

        run()
    finally:
        stop_process(ingest)
    assert ingest.returncode == 0
