"""The venue's answers to the kernel's orders as a sequenced stream: OUCH
4.2 outbound messages numbered from 1 and carried in MoldUDP64 packets of
the venue's order session (kernel/trade/order_session.h says why), with
faults injected from a seeded generator -- packets lost or sent twice -- and
a rewinder that resends what the kernel asks for again."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tradekernel.feed.moldudp64 import heartbeat
from tradekernel.feed.publisher import pack
from tradekernel.feed.rewinder import Rewinder

ORDER_SESSION = b"TKORDERS01"


@dataclass
class AnswerFaultCounts:
    packets: int = 0
    lost: int = 0
    duplicated: int = 0


class AnswerStream:
    def __init__(self, loss: float = 0.0, duplicate: float = 0.0, seed: int = 0) -> None:
        self.answers: list[bytes] = []  # answer n is answers[n - 1]
        self.rewinder = Rewinder(ORDER_SESSION, self.answers)
        self.loss, self.duplicate = loss, duplicate
        self.counts = AnswerFaultCounts()
        self._rng = random.Random(seed + 2)

    def send(self, messages: list[bytes]) -> list[bytes]:
        """Numbers `messages` and returns the datagrams to transmit, faults
        applied (a lost packet is found by the kernel at the next packet or
        heartbeat and asked for again)."""
        if not messages:
            return []
        first = len(self.answers) + 1
        self.answers.extend(messages)
        self.rewinder.published = len(self.answers)
        out = []
        for p in pack(ORDER_SESSION, messages, 16, first):
            self.counts.packets += 1
            if self._rng.random() < self.loss:
                self.counts.lost += 1
                continue
            out.append(p.data)
            if self._rng.random() < self.duplicate:
                self.counts.duplicated += 1
                out.append(p.data)
        return out

    def heartbeat(self) -> bytes:
        return heartbeat(ORDER_SESSION, len(self.answers) + 1)

    def rewind(self, request: bytes) -> list[bytes]:
        return [p.data for p in self.rewinder.answer(request)]
