"""A MoldUDP64 rewinder: answers retransmission requests (a bare 20-byte
header naming Session, first Sequence Number and Message Count) with
downstream packets carrying the messages asked for, from what has been
published so far. Requests for another session, for nothing, or for
messages not yet published are counted and answered only in part or not
at all, as a real rewinder would."""

from __future__ import annotations

from dataclasses import dataclass

from tradekernel.feed.moldudp64 import HEADER
from tradekernel.feed.publisher import Packet, pack


@dataclass
class RewinderCounts:
    requests: int = 0
    bad_requests: int = 0
    messages_resent: int = 0
    unanswered: int = 0  # requests the venue chose not to answer (VenueConfig.rewinder_answers)


class Rewinder:
    def __init__(self, session: bytes, messages: list[bytes], max_messages: int = 1000) -> None:
        self.session = session.ljust(10)
        self.messages = messages  # sequence n is messages[n - 1]
        self.max_messages = max_messages
        self.published = 0  # highest sequence sent downstream so far
        self.counts = RewinderCounts()

    def answer(self, request: bytes) -> list[Packet]:
        self.counts.requests += 1
        if len(request) != HEADER.size:
            self.counts.bad_requests += 1
            return []
        session, first, count = HEADER.unpack(request)
        last = min(first + count - 1, self.published)
        if session != self.session or first < 1 or count == 0 or first > last:
            self.counts.bad_requests += 1
            return []
        self.counts.messages_resent += last - first + 1
        return pack(self.session, self.messages[first - 1 : last], self.max_messages, first)
