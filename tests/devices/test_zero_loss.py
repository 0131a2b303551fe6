"""Zero loss on a real Mosquitto (the project's configuration) and real ingest processes:
killed ingest, restarted broker, database taken away, bad messages, ACL refusals."""

import json
import os
import signal
import subprocess
import sys
import threading
import time as clock
from array import array

import orjson
import paho.mqtt.client as mqtt
import pytest
from django.conf import settings

from devices.broker import broker_sync
from devices.ingest import topic_for
from devices.models import DeadLetter, TelemetryRecord
from devices.mqtt import IngestLoop
from devices.services import device_credentials_issue
from simulation.device_publisher import DeviceLogin, DevicePublisher, publish_samples, sample
from simulation.local_broker import LocalBroker, free_port
from simulation.throwaway_postgres import ThrowawayPostgres
from tests.devices.mqtt_support import (
    INGEST_PASSWORD,
    INGEST_USER,
    database_url,
    row_counts,
    start_ingest,
    stop_process,
    wait_until,
)
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory

pytestmark = [
    pytest.mark.mqtt,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

DEVICES = 3
PER_DEVICE = 1500
N = DEVICES * PER_DEVICE


@pytest.fixture
def broker(tmp_path, settings):
    """A broker with the project's configuration, knowing two factories' devices."""
    port = free_port()
    settings.MQTT_URL = f"mqtt://{INGEST_USER}:{INGEST_PASSWORD}@127.0.0.1:{port}"
    local = LocalBroker(tmp_path / "broker", port).start()
    settings.DEVICES = {"BROKER_ADMIN_URL": local.admin_url}
    broker_sync()  # the ingest's account
    logins = {}
    for code in ("zl", "other"):
        factory = FactoryFactory(organization=OrganizationFactory(code=code))
        for number in range(DEVICES):
            device = DeviceFactory(factory=factory, code=f"m{number}")
            password = device_credentials_issue(device=device)
            logins[(code, device.code)] = DeviceLogin(
                code, device.code, device.mqtt_username, password
            )
    local.logins = logins
    local.ingest_url = settings.MQTT_URL
    yield local
    local.stop()


def plant_logins(broker):
    return [login for (factory, _code), login in broker.logins.items() if factory == "zl"]


def publish_in_background(broker, **options):
    outcome = {}

    def run():
        outcome["acked"] = publish_samples(
            "127.0.0.1", broker.port, plant_logins(broker), PER_DEVICE, **options
        )

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_killing_the_ingest_midway_loses_and_doubles_nothing(broker, tmp_path):
    db_url = database_url()
    ingest = start_ingest(broker.ingest_url, db_url, "ingest-a", tmp_path / "ingest.log")
    try:
        publisher, outcome = publish_in_background(broker, interval=0.001)
        assert wait_until(lambda: row_counts(db_url)[0] >= N // 3)
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait()
        ingest = start_ingest(broker.ingest_url, db_url, "ingest-a", tmp_path / "ingest.log")
        publisher.join(120)
        assert outcome["acked"] == N
        assert wait_until(lambda: row_counts(db_url)[0] >= N)
        clock.sleep(1)  # anything still redelivered would show up now
        assert row_counts(db_url) == (N, N)
    finally:
        stop_process(ingest)


def test_restarting_the_broker_midway_loses_and_doubles_nothing(broker, tmp_path):
    # A plain persistent subscription: Mosquitto 2.0 does not restore *shared* subscriptions
    # from its persistence file, so with $share the messages published between the restart
    # and the ingest's re-subscription would be dropped (see docs/devices.md).
    db_url = database_url()
    ingest = start_ingest(
        broker.ingest_url, db_url, "ingest-b", tmp_path / "ingest.log", share_group=""
    )
    try:
        publisher, outcome = publish_in_background(broker, interval=0.002)
        assert wait_until(lambda: row_counts(db_url)[0] >= N // 3)
        broker.restart()
        publisher.join(120)
        assert outcome["acked"] == N
        assert wait_until(lambda: row_counts(db_url)[0] >= N)
        clock.sleep(1)
        assert row_counts(db_url) == (N, N)
    finally:
        stop_process(ingest)


def test_taking_the_database_away_midway_loses_and_doubles_nothing(broker, tmp_path):
    cluster = ThrowawayPostgres().init()
    cluster.start()
    try:
        cluster.clone_from(database_url())
        db_url = cluster.url()
        ingest = start_ingest(broker.ingest_url, db_url, "ingest-c", tmp_path / "ingest.log")
        try:
            publisher, outcome = publish_in_background(broker, interval=0.002)
            assert wait_until(lambda: row_counts(db_url)[0] >= N // 3)
            cluster.stop()
            clock.sleep(3)
            cluster.start()
            publisher.join(120)
            assert outcome["acked"] == N
            assert wait_until(lambda: row_counts(db_url)[0] >= N)
            clock.sleep(1)
            assert row_counts(db_url) == (N, N)
            assert ingest.poll() is None  # it waited and caught up instead of dying
        finally:
            stop_process(ingest)
    finally:
        cluster.remove()


def run_ingest_in_thread(broker, messages: int) -> threading.Thread:
    loop = IngestLoop(broker.ingest_url, client_id="ingest-inline", stop_after=messages)
    thread = threading.Thread(target=loop.run)
    thread.start()
    return thread


def test_bad_messages_are_dead_lettered_or_refused_and_every_good_one_arrives(broker):
    IngestLoop(broker.ingest_url, client_id="ingest-inline").prepare_session()
    zl = broker.logins[("zl", "m0")]
    device = DevicePublisher("127.0.0.1", broker.port, zl).start()
    ts = int(clock.time() * 1000)
    good = [sample(n, ts + n) for n in range(1, 7)]
    device.publish("telemetry", good[0])
    device.publish("telemetry", b"{not json")  # malformed
    device.publish("telemetry", good[1])
    device.publish("telemetry", sample(99, ts, note="x" * 70_000))  # over the 64 KiB limit
    device.publish("telemetry", good[2])
    device.publish("telemetry", good[2])  # replayed sequence
    device.publish("telemetry", good[3])
    # Refused by the ACL: another factory's topic, and a device that is not this one.
    device.publish("telemetry", good[4], topic=topic_for("other", "m0", "telemetry"))
    device.publish("telemetry", good[4], topic=topic_for("zl", "ghost", "telemetry"))
    device.publish("telemetry", good[4])
    device.publish("telemetry", good[5])
    assert device.wait_acked()
    device.stop()
    # Everything that passed the ACL: 6 good + malformed + oversize + replay.
    run_ingest_in_thread(broker, 9).join(60)
    stored = TelemetryRecord.objects.filter(device__code="m0", factory__organization__code="zl")
    assert sorted(stored.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert TelemetryRecord.objects.count() == 6
    assert sorted(DeadLetter.objects.values_list("reason", flat=True)) == [
        DeadLetter.Reason.DUPLICATE,
        DeadLetter.Reason.MALFORMED,
        DeadLetter.Reason.OVERSIZE,
    ]


class Listener:
    """A subscriber that records what it receives and what its subscriptions were granted."""

    def __init__(self, port, username, password, client_id):
        self.received, self.granted = [], {}
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311
        )
        self.client.username_pw_set(username, password)
        self.client.on_message = lambda c, u, m: self.received.append(m.topic)
        self.client.on_subscribe = self._on_subscribe
        self.subscribed = threading.Event()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.granted[mid] = [code.is_failure for code in reason_codes]
        self.subscribed.set()

    def subscribe(self, topic) -> bool:
        """True if the broker refused the subscription."""
        self.subscribed.clear()
        _rc, mid = self.client.subscribe(topic, qos=1)
        self.subscribed.wait(5)
        return self.granted[mid][0]

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


def test_a_device_cannot_publish_as_another_device_nor_read_another_factory(broker):
    watcher = Listener(broker.port, INGEST_USER, INGEST_PASSWORD, "watcher")
    watcher.subscribe("factories/+/devices/+/+")
    m0, m1 = broker.logins[("zl", "m0")], broker.logins[("zl", "m1")]
    # The device itself (its client id is bound to its username) subscribes and publishes.
    spy = Listener(broker.port, m0.username, m0.password, m0.username)
    spy.subscribe("factories/other/#")
    spy.subscribe(topic_for("zl", "m1", "commands"))
    spy.subscribe(topic_for("zl", "m0", "commands"))

    publish = spy.client.publish
    publish(topic_for("zl", m1.device_code, "telemetry"), orjson.dumps(sample(1, 1)), qos=1)
    heartbeat = orjson.dumps(sample(2, 1, type="heartbeat"))
    sentinel = publish(topic_for("zl", "m0", "status"), heartbeat, qos=1)  # its own topic
    sentinel.wait_for_publish(5)
    other = DevicePublisher("127.0.0.1", broker.port, broker.logins[("other", "m0")]).start()
    other.publish("telemetry", sample(1, 1))
    assert other.wait_acked()
    other.stop()
    # The platform (ingest account) writes commands: only m0's may reach m0.
    watcher.client.publish(topic_for("zl", "m1", "commands"), b"{}", qos=1).wait_for_publish(5)
    watcher.client.publish(topic_for("zl", "m0", "commands"), b"{}", qos=1).wait_for_publish(5)
    assert wait_until(lambda: len(watcher.received) >= 4 and spy.received, timeout=10)
    clock.sleep(0.5)
    spy.stop()
    watcher.stop()
    device_data = sorted(t for t in watcher.received if not t.endswith("/commands"))
    assert device_data == [topic_for("other", "m0", "telemetry"), topic_for("zl", "m0", "status")]
    assert spy.received == [topic_for("zl", "m0", "commands")]


def test_anonymous_clients_are_refused(broker):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="anon")
    outcome = {}
    client.on_connect = lambda c, u, f, rc, p: outcome.setdefault("failure", rc.is_failure)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    wait_until(lambda: "failure" in outcome, timeout=5)
    client.loop_stop()
    assert outcome == {"failure": True}


def test_stats_report_cpu_and_memory_and_the_latency_file_holds_each_record(broker, tmp_path):
    """`ingest_mqtt --stats --latency-file`: the JSON line's cpu_seconds and peak_rss_mb, and one
    little-endian float64 per stored record, its ms from `ts` to its batch's commit."""
    IngestLoop(broker.ingest_url, client_id="ingest-stats").prepare_session()
    device = DevicePublisher("127.0.0.1", broker.port, broker.logins[("zl", "m0")]).start()
    sent_at = clock.time()
    device.publish("telemetry", sample(1, sent_at - 2.0))  # epoch seconds as a float
    device.publish("telemetry", {"records": [sample(2, sent_at), sample(3, sent_at)]})
    device.publish("telemetry", b"{not json")  # a dead letter: no latency
    assert device.wait_acked()
    device.stop()
    latency_file = tmp_path / "latencies.f64"
    env = {**os.environ, "DATABASE_URL": database_url(), "MQTT_URL": broker.ingest_url}
    finished = subprocess.run(
        [sys.executable, "manage.py", "ingest_mqtt", "--client-id", "ingest-stats", "--stats",
         "--stop-after", "3", "--latency-file", str(latency_file)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    ended_at = clock.time()
    stats = json.loads(finished.stdout.strip().splitlines()[-1])
    assert (stats["messages"], stats["records"], stats["dead_letters"]) == (3, 3, 1)
    assert 0 < stats["cpu_seconds"] < ended_at - sent_at + 1
    assert 10 < stats["peak_rss_mb"] < 4096
    latencies = array("d")
    latencies.frombytes(latency_file.read_bytes())
    assert len(latencies) == 3
    bound = (ended_at - sent_at) * 1000
    older, *newer = sorted(latencies, reverse=True)
    assert 2000 <= older <= 2000 + bound
    assert all(0 <= value <= bound for value in newer)
