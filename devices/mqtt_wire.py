"""The ingest's receive path on the MQTT wire: PUBLISH packets parsed straight from the bytes
read off the socket, and the PUBACKs of a committed batch built as one write.

paho-mqtt reads a packet with three or more `recv()` calls and builds a message object, a
properties object and a topic match per message: half of the ingest's CPU at thousands of
messages a second. `PacketReader` takes whatever one large `recv()` returned (several packets,
or a packet cut anywhere, carried over to the next read) and returns the QoS 0/1 PUBLISH packets
as (topic, payload, packet id); every other packet (CONNACK, SUBACK, UNSUBACK, PINGRESP,
DISCONNECT, ...) is returned whole for paho to handle (devices.mqtt). MQTT 5 (the ingest connects
with it): a PUBLISH carries a properties block, skipped here (the ingest uses none of them).
"""

PUBLISH = 0x30
PUBACK = 0x40
MAX_REMAINING_LENGTH = 268_435_455  # 4 bytes of varint (MQTT 5, 1.5.5)


class ProtocolError(Exception):
    """The bytes are not MQTT: the connection must be dropped (and made again)."""


class PacketReader:
    """Splits a byte stream into MQTT packets; keeps an incomplete tail for the next `feed`."""

    __slots__ = ("_rest",)

    def __init__(self):
        self._rest = b""

    def reset(self) -> None:
        """A new connection: what was left of the old one means nothing."""
        self._rest = b""

    @property
    def pending_bytes(self) -> int:
        return len(self._rest)

    def feed(self, data: bytes) -> tuple[list[tuple[str, bytes, int]], list[tuple[int, bytes]]]:
        """Parse `data` (appended to what was left over): returns the PUBLISH packets as
        (topic, payload, packet id; 0 for QoS 0) and the other packets as (first byte, body)."""
        buffer = self._rest + data if self._rest else data
        end_of_data = len(buffer)
        publishes: list[tuple[str, bytes, int]] = []
        others: list[tuple[int, bytes]] = []
        position = 0
        while position + 2 <= end_of_data:
            header = buffer[position]
            # The remaining length: a varint of 1 to 4 bytes.
            index = position + 1
            byte = buffer[index]
            length = byte & 0x7F
            shift = 7
            while byte & 0x80:
                index += 1
                if index >= end_of_data:
                    break
                if shift > 21:
                    raise ProtocolError("remaining length longer than 4 bytes")
                byte = buffer[index]
                length |= (byte & 0x7F) << shift
                shift += 7
            if byte & 0x80:  # the varint itself is cut: wait for more bytes
                break
            start = index + 1
            end = start + length
            if end > end_of_data:
                break
            if header & 0xF0 == PUBLISH:
                publishes.append(_publish(buffer, header, start, end))
            else:
                others.append((header, buffer[start:end]))
            position = end
        self._rest = buffer[position:] if position < end_of_data else b""
        return publishes, others


def _publish(buffer: bytes, header: int, start: int, end: int) -> tuple[str, bytes, int]:
    qos = (header >> 1) & 3
    if qos == 3 or qos == 2:
        # The ingest subscribes with QoS 1: a broker never sends it QoS 2 (MQTT 5, 3.8.4).
        raise ProtocolError(f"PUBLISH with QoS {qos}")
    if end - start < 2:
        raise ProtocolError("PUBLISH too short")
    topic_end = start + 2 + ((buffer[start] << 8) | buffer[start + 1])
    if topic_end == start + 2:
        # A topic alias: the ingest sets no Topic Alias Maximum, so the broker may not use one.
        raise ProtocolError("PUBLISH without a topic name")
    index = topic_end
    if index + (3 if qos else 1) > end:
        raise ProtocolError("PUBLISH shorter than its header")
    topic = buffer[start + 2 : topic_end].decode("utf-8", "replace")
    if qos:
        mid = (buffer[index] << 8) | buffer[index + 1]
        index += 2
    else:
        mid = 0
    # MQTT 5 properties: their length (a varint), then the properties, skipped.
    byte = buffer[index]
    properties = byte & 0x7F
    shift = 7
    while byte & 0x80:
        index += 1
        if index >= end or shift > 21:
            raise ProtocolError("PUBLISH properties length cut")
        byte = buffer[index]
        properties |= (byte & 0x7F) << shift
        shift += 7
    payload_start = index + 1 + properties
    if payload_start > end:
        raise ProtocolError("PUBLISH properties run past the packet")
    return topic, buffer[payload_start:end], mid


def pubacks(mids: list[int]) -> bytes:
    """PUBACK packets (success, no properties: the MQTT 5 short form) for these packet ids."""
    return b"".join([b"\x40\x02" + mid.to_bytes(2, "big") for mid in mids])


def remaining_length(length: int) -> bytes:
    """The varint of an MQTT packet's remaining length (for building packets, e.g. in tests)."""
    if not 0 <= length <= MAX_REMAINING_LENGTH:
        raise ValueError(length)
    out = bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        out.append(byte | 0x80 if length else byte)
        if not length:
            return bytes(out)
