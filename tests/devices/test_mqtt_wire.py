"""The ingest's own PUBLISH parser (devices.mqtt_wire): packets cut anywhere across reads, several
in one read, remaining lengths of 1 to 4 bytes, MQTT 5 properties, QoS 0 and 1, the DUP flag; and
the same on a real Mosquitto, where the broker builds the packets (test_mqtt_receive.py)."""

import pytest

from devices.mqtt_wire import PacketReader, ProtocolError, pubacks, remaining_length

TOPIC = "factories/zl/devices/m0/telemetry"


def publish_packet(
    topic: str, payload: bytes, *, qos: int = 1, mid: int = 7, dup=False, properties=b""
) -> bytes:
    """A PUBLISH packet as a broker sends it (MQTT 5)."""
    name = topic.encode()
    body = len(name).to_bytes(2, "big") + name
    if qos:
        body += mid.to_bytes(2, "big")
    body += remaining_length(len(properties)) + properties + payload
    header = 0x30 | (qos << 1) | (0x08 if dup else 0)
    return bytes([header]) + remaining_length(len(body)) + body


def user_property(key: str, value: str) -> bytes:
    def text(s: str) -> bytes:
        return len(s.encode()).to_bytes(2, "big") + s.encode()

    return b"\x26" + text(key) + text(value)


def test_several_packets_in_one_read_and_the_other_packets_kept_whole():
    stream = (
        publish_packet(TOPIC, b'{"seq":1}', mid=1)
        + b"\xd0\x00"  # PINGRESP
        + publish_packet(TOPIC, b'{"seq":2}', qos=0)
        + b"\x90\x04\x00\x05\x00\x01"  # SUBACK: packet id 5, no properties, granted QoS 1
        + publish_packet(TOPIC, b'{"seq":3}', mid=65535)
    )
    publishes, others = PacketReader().feed(stream)
    assert publishes == [
        (TOPIC, b'{"seq":1}', 1),
        (TOPIC, b'{"seq":2}', 0),  # QoS 0: no packet id, nothing to acknowledge
        (TOPIC, b'{"seq":3}', 65535),
    ]
    assert others == [(0xD0, b""), (0x90, b"\x00\x05\x00\x01")]


@pytest.mark.parametrize(("size", "length_bytes"), [(10, 1), (200, 2), (20_000, 3), (2_100_000, 4)])
def test_remaining_lengths_of_one_to_four_bytes(size, length_bytes):
    payload = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    packet = publish_packet(TOPIC, payload)
    assert len(remaining_length(len(packet) - 1 - length_bytes)) == length_bytes
    reader = PacketReader()
    assert reader.feed(packet) == ([(TOPIC, payload, 7)], [])
    assert reader.pending_bytes == 0


def test_a_stream_cut_at_every_byte_gives_the_same_packets():
    stream = (
        publish_packet(TOPIC, b"a" * 300, mid=1)  # a two-byte remaining length, cut inside it
        + b"\xd0\x00"
        + publish_packet("factories/zl/devices/m1/events", b"b", qos=0)
        + publish_packet(TOPIC, b"c" * 5, mid=2, dup=True, properties=user_property("k", "v"))
    )
    whole = PacketReader().feed(stream)
    for cut in range(1, len(stream)):
        reader = PacketReader()
        first = reader.feed(stream[:cut])
        second = reader.feed(stream[cut:])
        assert (first[0] + second[0], first[1] + second[1]) == whole, cut
        assert reader.pending_bytes == 0
    reader, publishes, others = PacketReader(), [], []
    for index in range(len(stream)):  # one byte per read
        got = reader.feed(stream[index : index + 1])
        publishes += got[0]
        others += got[1]
    assert (publishes, others) == whole


def test_mqtt5_properties_are_skipped_and_the_dup_flag_changes_nothing():
    properties = (
        b"\x01\x01"  # payload format indicator: UTF-8
        + b"\x02\x00\x00\x0e\x10"  # message expiry interval
        + b"\x03\x00\x10application/json"  # content type
        + user_property("firmware", "4.2" * 50)  # long enough for a 2-byte property length
    )
    assert len(properties) > 127
    packet = publish_packet(TOPIC, b'{"seq":9}', mid=300, dup=True, properties=properties)
    assert PacketReader().feed(packet) == ([(TOPIC, b'{"seq":9}', 300)], [])


def test_an_empty_payload_and_a_non_utf8_topic_never_break_the_reader():
    packets = publish_packet(TOPIC, b"") + publish_packet("x", b"1")
    packets = packets.replace(b"\x00\x01x", b"\x00\x01\xff")
    publishes, _others = PacketReader().feed(packets)
    assert publishes == [(TOPIC, b"", 7), ("\ufffd", b"1", 7)]


@pytest.mark.parametrize(
    "stream",
    [
        b"\x30\xff\xff\xff\xff\x01",  # a remaining length of 5 bytes
        b"\x34\x05\x00\x01a\x00\x01",  # QoS 2: the ingest subscribes with QoS 1
        publish_packet("", b"x"),  # a topic alias the ingest never allowed
        b"\x32\x04\x00\x01ab",  # shorter than its topic, packet id and properties
    ],
)
def test_what_is_not_mqtt_is_a_protocol_error(stream):
    with pytest.raises(ProtocolError):
        PacketReader().feed(stream)


def test_a_reset_forgets_the_tail_of_the_old_connection():
    reader = PacketReader()
    reader.feed(publish_packet(TOPIC, b"x" * 50)[:20])
    assert reader.pending_bytes == 20
    reader.reset()
    assert reader.feed(b"\xd0\x00") == ([], [(0xD0, b"")])


def test_pubacks_of_a_batch_in_one_write():
    assert pubacks([1, 258, 65535]) == b"\x40\x02\x00\x01\x40\x02\x01\x02\x40\x02\xff\xff"
    assert pubacks([]) == b""
