"""A simulated exchange on the guest's NIC: it answers the kernel's ARP for
the gateway, publishes a market-data session over MoldUDP64 (multicast, at a
set rate, with faults injected), answers retransmission requests as the
rewinder, receives the kernel's OUCH orders, matches them against the book
it publishes (tradekernel/trade/matching.py) and answers each as a sequenced
stream with its own faults (tradekernel/trade/answer_stream.py), and polls
the kernel's status.

    venue = Venue(link, messages, VenueConfig(faults=Faults(loss=0.05)))
    venue.start()
    venue.publish()
    venue.finish(timeout=60)
    venue.stop()

Addresses (docs/trading.md): the guest is 10.0.2.15, the venue 10.0.2.2;
market data to 233.54.12.111:26500, rewinder at 26501, orders to 15000 and
answers from it to the guest's 15001, requests for lost answers to 15002,
control (tk-status, tk-exit) at the guest's port 9.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scapy.all import ARP, Ether

from tradekernel import ports
from tradekernel.control import CONTROL_PORT, Control, NonceUnknown
from tradekernel.feed.moldudp64 import end_of_session
from tradekernel.feed.publisher import FaultCounts, Faults, Packet, RateLimiter, pack, with_faults
from tradekernel.feed.rewinder import Rewinder
from tradekernel.frames import Endpoint, multicast_mac, parse_udp, udp_frame
from tradekernel.guest_link import GUEST_MAC, GuestLink
from tradekernel.records import Record, parse_record
from tradekernel.trade.answer_stream import AnswerStream
from tradekernel.trade.matching import MatchingEngine
from tradekernel.trade.order_receiver import OrderReceiver

GUEST = Endpoint(GUEST_MAC, "10.0.2.15")
VENUE = Endpoint("02:00:00:00:00:99", "10.0.2.2")
FEED_GROUP = "233.54.12.111"
FEED_PORT, REWINDER_PORT, ORDER_PORT = ports.FEED, ports.REWINDER, ports.ORDER_GATEWAY
ANSWER_PORT, ANSWER_REWINDER_PORT = ports.ORDER_LOCAL, ports.ORDER_REWINDER
VENUE_FEED_PORT = ports.VENUE_FEED  # source port of downstream packets


@dataclass(frozen=True)
class VenueConfig:
    session: bytes = b"TKDEMO0001"
    rate: float = 100_000  # messages per second; 0: as fast as the link takes them
    max_messages: int = 16  # per MoldUDP64 packet (1: every message its own frame)
    faults: Faults = field(default_factory=Faults)
    multicast: bool = True
    # The rewinder: how long it takes to answer, and the fraction of requests
    # it answers at all (0: a rewinder that never answers).
    rewinder_delay: float = 0.0
    rewinder_answers: float = 1.0
    # The venue is the kernel's only control source (tk-status, tk-exit).
    control: Control = field(default_factory=lambda: Control(sources=(VENUE.ip,)))
    # Orders: matched and answered (False: only recorded, never answered),
    # the answers' packets lost and duplicated at these rates, and this
    # fraction of valid orders rejected ('O', other).
    answer_orders: bool = True
    answer_loss: float = 0.0
    answer_duplicate: float = 0.0
    reject_fraction: float = 0.0


class Venue:
    def __init__(self, link: GuestLink, messages: list[bytes], config: VenueConfig) -> None:
        self.link, self.messages, self.config = link, messages, config
        # Answers are packed full whatever the feed's batching: a flood of
        # small retransmissions would cost the receiver more than the loss.
        self.rewinder = Rewinder(config.session, messages)
        self.orders = OrderReceiver()
        # The matching engine and the answer stream, shared by the publishing
        # thread (the market moves) and the receiving one (orders arrive).
        self.matching = MatchingEngine(
            reject_fraction=config.reject_fraction, seed=config.faults.seed, clock=_ns_past_midnight
        )
        self.answers = AnswerStream(config.answer_loss, config.answer_duplicate, config.faults.seed)
        self._matching_lock = threading.Lock()
        self._market_next = 1  # the next message the matching engine's book takes
        self._next_heartbeat = 0.0
        self.fault_counts = FaultCounts()
        self.status: Record | None = None
        self.arp_answered = threading.Event()
        # sent_at[n]: when message n last went out (downstream or resent).
        self.sent_at: list[float] = [0.0] * (len(messages) + 1)
        group = Endpoint(multicast_mac(FEED_GROUP), FEED_GROUP)
        self._feed_dst = group if config.multicast else GUEST
        self._stop = threading.Event()
        self._status_seen = threading.Event()
        self._late: list[tuple[float, list[Packet], int]] = []  # (due, answer, port), in order
        self._day_ended = False
        self._rewinder_rng = random.Random(config.faults.seed + 1)
        self._thread = threading.Thread(target=self._receive_loop, name="venue-rx", daemon=True)

    # --- the venue's side of the link ------------------------------------

    def start(self) -> None:
        self._thread.start()

    def open_day(self) -> None:
        """System Event 'S', the first answer, once the kernel is trading
        (sent before, it would be lost and the kernel's first answers held
        until it asked for it again)."""
        if self.config.answer_orders:
            with self._matching_lock:
                self._send_answers(self.matching.start_of_day())

    def stop(self) -> None:
        self.send_control("tk-exit")
        self._stop.set()
        self._thread.join(5)

    def send_control(self, word: str) -> bool:
        """Sends a signed command; False if the kernel's nonce is not known
        (it never booted far enough to print it)."""
        try:
            command = self.config.control.command(word)
        except NonceUnknown:
            return False
        self.link.send(udp_frame(VENUE, GUEST, CONTROL_PORT, CONTROL_PORT, command))
        return True

    def _send_feed(self, p: Packet, destination: Endpoint, port: int = FEED_PORT) -> None:
        self.link.send(udp_frame(VENUE, destination, VENUE_FEED_PORT, port, p.data))
        now = time.perf_counter()
        for n in range(p.first, p.first + p.count):
            self.sent_at[n] = now

    def _send_raw(self, payload: bytes) -> None:
        self.link.send(udp_frame(VENUE, self._feed_dst, VENUE_FEED_PORT, FEED_PORT, payload))

    def _rewind(self, request: bytes, port: int) -> None:
        """Answers now, later (rewinder_delay) or, now and then, not at all."""
        if self._rewinder_rng.random() >= self.config.rewinder_answers:
            self.rewinder.counts.unanswered += 1
            return
        answer = self.rewinder.answer(request)
        if self.config.rewinder_delay <= 0:
            for p in answer:
                self._send_feed(p, GUEST, port)
        else:
            self._late.append((time.monotonic() + self.config.rewinder_delay, answer, port))

    def _send_late_answers(self) -> None:
        now = time.monotonic()
        while self._late and self._late[0][0] <= now:
            _, answer, port = self._late.pop(0)
            for p in answer:
                self._send_feed(p, GUEST, port)

    # --- orders and their answers -------------------------------------------

    def _send_answers(self, messages: list[bytes]) -> None:
        """Numbers the answers and sends them, faults applied; the caller
        holds the matching lock (or is alone)."""
        for datagram in self.answers.send(messages):
            self.link.send(udp_frame(VENUE, GUEST, ORDER_PORT, ANSWER_PORT, datagram))

    def _advance_market(self, last: int) -> None:
        """The matching engine's book takes every message up to `last`, the
        newest one sent (a lost packet moved the market all the same)."""
        if not self.config.answer_orders:
            return
        with self._matching_lock:
            answers = []
            while self._market_next <= min(last, len(self.messages)):
                answers += self.matching.publish(self.messages[self._market_next - 1])
                self._market_next += 1
            self._send_answers(answers)

    def _on_order(self, payload: bytes) -> None:
        if not self.config.answer_orders:
            return
        with self._matching_lock:
            self._send_answers(self.matching.enter(payload))

    def _on_answer_request(self, request: bytes) -> None:
        with self._matching_lock:
            for datagram in self.answers.rewind(request):
                self.link.send(udp_frame(VENUE, GUEST, ORDER_PORT, ANSWER_PORT, datagram))

    def _heartbeat_answers(self) -> None:
        """Every 50 ms: a lost last answer is found by the next heartbeat."""
        now = time.monotonic()
        if not self.config.answer_orders or now < self._next_heartbeat:
            return
        self._next_heartbeat = now + 0.05
        with self._matching_lock:
            beat = self.answers.heartbeat()
        self.link.send(udp_frame(VENUE, GUEST, ORDER_PORT, ANSWER_PORT, beat))

    def end_of_day(self) -> None:
        """Resting orders cancelled, then the System Event 'E'."""
        if self.config.answer_orders:
            with self._matching_lock:
                self._send_answers(self.matching.end_of_day())

    def _receive_loop(self) -> None:
        while not self._stop.is_set():
            frame = self.link.receive(timeout=0.01 if self._late else 0.05)
            self._send_late_answers()
            self._heartbeat_answers()
            if frame is None:
                continue
            now = time.perf_counter()
            d = parse_udp(frame)
            if d is None:
                self._maybe_answer_arp(frame)
            elif d.dport == ORDER_PORT:
                self.orders.on_datagram(d.payload, now)
                self._on_order(d.payload)
            elif d.dport == ANSWER_REWINDER_PORT:
                self._on_answer_request(d.payload)
            elif d.dport == REWINDER_PORT:
                self._rewind(d.payload, d.sport)
            elif d.sport == CONTROL_PORT and d.payload.startswith(b"@tk status"):
                self.status = parse_record(d.payload.decode(errors="replace"))
                self._status_seen.set()

    def _maybe_answer_arp(self, frame: bytes) -> None:
        packet = Ether(frame)
        if ARP in packet and packet[ARP].op == 1 and packet[ARP].pdst == VENUE.ip:
            reply = Ether(dst=packet.src, src=VENUE.mac) / ARP(
                op=2, hwsrc=VENUE.mac, psrc=VENUE.ip, hwdst=packet[ARP].hwsrc, pdst=packet[ARP].psrc
            )
            self.link.send(bytes(reply))
            self.arp_answered.set()

    # --- the session -----------------------------------------------------

    def publish(
        self, progress: Callable[[int], None] | None = None, junk: list[bytes] | None = None
    ) -> None:
        """Sends the whole session downstream once, faults included; `junk`
        datagrams (malformed packets, say) are spread evenly among it."""
        rate = RateLimiter(self.config.rate)
        packets = pack(self.config.session, self.messages, self.config.max_messages)
        junk = list(junk or [])
        every = max(1, len(packets) // (len(junk) + 1))
        for i, p in enumerate(with_faults(packets, self.config.faults, self.fault_counts)):
            rate.wait(p.count)
            self.rewinder.published = max(self.rewinder.published, p.first + p.count - 1)
            self._send_feed(p, self._feed_dst)
            self._advance_market(p.first + p.count - 1)
            if junk and i % every == every - 1:
                self.link.send(
                    udp_frame(VENUE, self._feed_dst, VENUE_FEED_PORT, FEED_PORT, junk.pop())
                )
            if progress:
                progress(p.first + p.count - 1)
        for datagram in junk:
            self._send_raw(datagram)
        self.rewinder.published = len(self.messages)
        self._advance_market(len(self.messages))

    def finish(self, timeout: float, progress: Callable[[Record], None] | None = None) -> bool:
        """Sends End of Session every 10 ms (as a publisher's heartbeats, it
        reveals a lost tail and keeps the kernel's repeat requests going)
        until the kernel reports every message received; then ends the
        trading day (resting orders cancelled) and waits until the kernel
        has every answer too."""
        end = end_of_session(self.config.session, len(self.messages) + 1)
        deadline = time.monotonic() + timeout
        next_poll = 0.0
        while time.monotonic() < deadline:
            self._send_raw(end)
            if self._status_seen.is_set() and self.status is not None:
                if progress:
                    progress(self.status)
                if self.status.int("next") == len(self.messages) + 1:
                    if not self._day_ended:
                        self._day_ended = True
                        self.end_of_day()
                    elif self._answers_complete(self.status):
                        return True
            if time.monotonic() >= next_poll:
                self._status_seen.clear()
                self.send_control("tk-status")
                next_poll = time.monotonic() + 0.25
            time.sleep(0.01)
        return False

    def _answers_complete(self, status: Record) -> bool:
        if not self.config.answer_orders:
            return True
        with self._matching_lock:
            return status.int("answers-next") == len(self.answers.answers) + 1


def _ns_past_midnight() -> int:
    """The answers' Timestamp: nanoseconds past midnight, local time."""
    now = time.time_ns()
    lt = time.localtime(now // 1_000_000_000)
    return ((lt.tm_hour * 60 + lt.tm_min) * 60 + lt.tm_sec) * 1_000_000_000 + now % 1_000_000_000
