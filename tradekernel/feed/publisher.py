"""A MoldUDP64 publisher: a session's messages packed into downstream
packets, sent at a controlled rate, with faults injected on the way --
packets lost, duplicated or swapped with the next one -- from a seeded
random generator, so a faulty run can be repeated exactly.

    packets = pack(session_id, messages, max_messages=16)
    for p in with_faults(packets, Faults(loss=0.05, duplicate=0.05, reorder=0.05, seed=7)):
        send(p.data)
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tradekernel.feed.moldudp64 import HEADER, packet

# A MoldUDP64 packet must fit one Ethernet frame: 1500 - 20 (IPv4) - 8 (UDP).
MAX_PAYLOAD = 1472


@dataclass(frozen=True)
class Packet:
    first: int  # sequence number of its first message
    count: int
    data: bytes


def pack(
    session: bytes, messages: list[bytes], max_messages: int = 16, first: int = 1
) -> list[Packet]:
    """Packets of up to `max_messages` consecutive messages, each within one
    frame; sequence numbers start at `first`."""
    packets, batch, size, sequence = [], [], HEADER.size, first
    for m in messages:
        block = 2 + len(m)
        if batch and (len(batch) == max_messages or size + block > MAX_PAYLOAD):
            packets.append(Packet(sequence, len(batch), packet(session, sequence, batch)))
            sequence += len(batch)
            batch, size = [], HEADER.size
        batch.append(m)
        size += block
    if batch:
        packets.append(Packet(sequence, len(batch), packet(session, sequence, batch)))
    return packets


@dataclass(frozen=True)
class Faults:
    loss: float = 0.0  # probability a packet is never sent
    duplicate: float = 0.0  # probability it is sent twice
    reorder: float = 0.0  # probability it is held back and sent after the next
    seed: int = 0
    # Bursts: from the burst_every-th packet on, burst_length in a row lost,
    # and again every burst_every packets (0: no bursts).
    burst_every: int = 0
    burst_length: int = 0


@dataclass
class FaultCounts:
    sent: int = 0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    lost_messages: list[range] = field(default_factory=list)  # sequences, per lost packet


def with_faults(
    packets: Iterable[Packet], faults: Faults, counts: FaultCounts | None = None
) -> Iterator[Packet]:
    """The packets as a faulty network would deliver them."""
    rng = random.Random(faults.seed)
    counts = counts if counts is not None else FaultCounts()
    held: list[Packet] = []  # copies of a packet held back to follow the next one
    for i, p in enumerate(packets):
        in_burst = (
            faults.burst_every > 0
            and i >= faults.burst_every
            and (i % faults.burst_every < faults.burst_length)
        )
        if in_burst or rng.random() < faults.loss:
            counts.lost += 1
            counts.lost_messages.append(range(p.first, p.first + p.count))
            continue
        copies = [p, p] if rng.random() < faults.duplicate else [p]
        counts.duplicated += len(copies) - 1
        if not held and rng.random() < faults.reorder:
            held = copies
            counts.reordered += 1
            continue
        for c in copies + held:
            counts.sent += 1
            yield c
        held = []
    for c in held:
        counts.sent += 1
        yield c


class RateLimiter:
    """Paces messages to `per_second` (0: unlimited) by sleeping between
    packets; bursts are bounded to 1 ms worth of messages."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._start = time.perf_counter()
        self._sent = 0

    def wait(self, messages: int) -> None:
        if self.per_second <= 0:
            return
        self._sent += messages
        due = self._start + self._sent / self.per_second
        now = time.perf_counter()
        if due - now > 0.001:
            time.sleep(due - now)
        elif now - due > 0.001:  # behind: do not build up a burst to catch up
            self._start += now - due - 0.001
