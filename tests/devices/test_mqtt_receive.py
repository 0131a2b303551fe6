"""The ingest's receive path (devices.mqtt_wire inside devices.mqtt.IngestLoop) on a real
Mosquitto: packets the broker builds (MQTT 5 properties, QoS 0 and 1, remaining lengths of 1 to 3
bytes) read in reads cut anywhere, and a redelivery with the DUP flag stored once."""

import threading
import time as clock

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from core import rls
from devices.broker import broker_sync
from devices.ingest import topic_for
from devices.models import DeadLetter, TelemetryRecord
from devices.mqtt import IngestLoop
from devices.mqtt_wire import PacketReader
from devices.services import device_credentials_issue
from simulation.local_broker import LocalBroker, free_port
from tests.devices.mqtt_support import INGEST_PASSWORD, INGEST_USER, wait_until
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(tmp_path, settings):
    port = free_port()
    settings.MQTT_URL = f"mqtt://{INGEST_USER}:{INGEST_PASSWORD}@127.0.0.1:{port}"
    local = LocalBroker(tmp_path / "broker", port).start()
    settings.DEVICES = {"BROKER_ADMIN_URL": local.admin_url}
    broker_sync()
    device = DeviceFactory(factory=FactoryFactory(organization=OrganizationFactory(code="rx")))
    password = device_credentials_issue(device=device)
    device.refresh_from_db()
    local.device = (device.mqtt_username, password, device.code)
    local.ingest_url = settings.MQTT_URL
    yield local
    local.stop()


class Device5:
    """An MQTT 5 device connection that waits for the broker's PUBACK of each QoS-1 publish."""

    def __init__(self, broker):
        username, password, self.code = broker.device
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=username, protocol=mqtt.MQTTv5
        )
        self.client.username_pw_set(username, password)
        connected = threading.Event()
        self.client.on_connect = lambda c, u, f, reason_code, p: connected.set()
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        assert connected.wait(10)

    def publish(self, body: dict, *, qos: int = 1, properties: Properties | None = None) -> None:
        topic = topic_for("rx", self.code, "telemetry")
        info = self.client.publish(topic, orjson.dumps(body), qos=qos, properties=properties)
        info.wait_for_publish(10)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def with_properties() -> Properties:
    properties = Properties(PacketTypes.PUBLISH)
    properties.UserProperty = [("firmware", "4.2" * 60), ("line", "L1")]
    properties.ContentType = "application/json"
    properties.MessageExpiryInterval = 3600
    properties.PayloadFormatIndicator = 1
    return properties


def sample(sequence: int, **extra) -> dict:
    return {"seq": sequence, "ts": clock.time(), "type": "sewing.sample", "run_s": 1, **extra}


def as_the_command_runs(loop: IngestLoop):
    """`manage.py ingest_mqtt` runs the loop for the platform (row-level security)."""
    return rls.platform()(loop.run)


class RecordingReader(PacketReader):
    """The ingest's reader, remembering every byte it was given (to look at the headers)."""

    def __init__(self):
        super().__init__()
        self.stream = bytearray()

    def feed(self, data):
        self.stream += data
        return super().feed(data)


def publish_headers(stream: bytes) -> list[int]:
    """The first byte of each PUBLISH packet in a byte stream."""
    headers, position = [], 0
    while position < len(stream):
        header, index, length, shift = stream[position], position + 1, 0, 0
        while True:
            length |= (stream[index] & 0x7F) << shift
            shift += 7
            index += 1
            if not stream[index - 1] & 0x80:
                break
        if header & 0xF0 == 0x30:
            headers.append(header)
        position = index + length
    return headers


def test_packets_the_broker_builds_are_read_in_reads_cut_anywhere(broker):
    loop = IngestLoop(broker.ingest_url, client_id="rx-ingest", stop_after=5, max_wait=0.05)
    loop.READ_BYTES = 7  # every packet cut, several packets' ends and starts in one read
    thread = threading.Thread(target=as_the_command_runs(loop))
    thread.start()
    try:
        assert loop.subscribed.wait(20)  # online: the broker also delivers QoS 0 to it
        device = Device5(broker)
        device.publish(sample(1))
        device.publish(sample(2), qos=0)
        device.publish(sample(3), properties=with_properties())
        big = {"records": [sample(100 + n, note="x" * 400) for n in range(60)]}  # 3-byte length
        device.publish(big, properties=with_properties())
        device.publish(sample(4), qos=0, properties=with_properties())
        device.stop()
        thread.join(60)
    finally:
        loop.stop()
        thread.join(30)
    assert list(DeadLetter.objects.values_list("reason", "detail")) == []
    stored = sorted(TelemetryRecord.objects.values_list("sequence", flat=True))
    assert stored == [1, 2, 3, 4, *range(100, 160)]
    assert loop.stats.messages == 5


def test_a_redelivery_with_the_dup_flag_is_stored_once_and_acknowledged(broker):
    IngestLoop(broker.ingest_url, client_id="rx-dup").prepare_session()
    device = Device5(broker)
    for sequence in range(1, 6):
        device.publish(sample(sequence))
    device.stop()
    # Received but never committed nor acknowledged: the connection drops.
    first = IngestLoop(broker.ingest_url, client_id="rx-dup")
    first._connect()
    assert wait_until(lambda: first._pump(0.1) or len(first.pending) == 5, timeout=20)
    first.client.socket().close()
    # The next connection of the session gets them again, flagged DUP; stored once, acked.
    second = IngestLoop(broker.ingest_url, client_id="rx-dup", stop_after=5, max_wait=0.05)
    second.reader = RecordingReader()
    as_the_command_runs(second)()
    assert sorted(TelemetryRecord.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert [header & 0x08 for header in publish_headers(second.reader.stream)] == [0x08] * 5
    # Acknowledged: a third connection of the session gets nothing.
    third = IngestLoop(broker.ingest_url, client_id="rx-dup")
    third._connect()
    deadline = clock.monotonic() + 2
    while clock.monotonic() < deadline:
        third._pump(0.1)
    assert third.received == 0
    third.client.disconnect()
