"""MoldUDP64 packets (NASDAQ MoldUDP64 Protocol Specification 1.00): a
20-byte header (Session, Sequence Number, Message Count) and length-prefixed
message blocks. A count of 0 is a heartbeat, 0xFFFF the end of the session;
a retransmission request is a bare header asking for Count messages from
Sequence Number."""

from __future__ import annotations

import struct

HEADER = struct.Struct(">10sQH")
END_OF_SESSION = 0xFFFF


def packet(session: bytes, sequence: int, messages: list[bytes]) -> bytes:
    blocks = b"".join(struct.pack(">H", len(m)) + m for m in messages)
    return HEADER.pack(session.ljust(10), sequence, len(messages)) + blocks


def heartbeat(session: bytes, next_sequence: int) -> bytes:
    return HEADER.pack(session.ljust(10), next_sequence, 0)


def end_of_session(session: bytes, next_sequence: int) -> bytes:
    return HEADER.pack(session.ljust(10), next_sequence, END_OF_SESSION)


def request(session: bytes, sequence: int, count: int) -> bytes:
    return HEADER.pack(session.ljust(10), sequence, count)


def parse(data: bytes) -> tuple[bytes, int, list[bytes]]:
    """(session, first sequence, messages); raises ValueError if malformed."""
    if len(data) < HEADER.size:
        raise ValueError("shorter than the MoldUDP64 header")
    session, sequence, count = HEADER.unpack_from(data)
    messages, at = [], HEADER.size
    if count not in (0, END_OF_SESSION):
        for _ in range(count):
            if at + 2 > len(data):
                raise ValueError("truncated message block")
            (n,) = struct.unpack_from(">H", data, at)
            if at + 2 + n > len(data):
                raise ValueError("message runs past the packet")
            messages.append(data[at + 2 : at + 2 + n])
            at += 2 + n
    return session, sequence, messages
