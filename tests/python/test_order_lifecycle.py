"""Orders with a lifecycle, on the hosted core: the kernel's order entry
(kernel/trade/order_entry.h, order_state.cpp, order_session.h) against the
venue's matching engine (tradekernel/trade/matching.py), which fills,
partly fills, cancels and rejects, with its answers lost and duplicated on
the way. Whenever the kernel has every answer the venue sent, its open
orders, positions and counts must be the venue's."""

from __future__ import annotations

import ctypes
import random
import struct
from collections.abc import Callable

import pytest
from scapy.all import IP, UDP, Ether
from test_pipeline import SESSION, HostedPipeline, add, directory, recorded_events

from tradekernel import ports
from tradekernel.feed import generator
from tradekernel.feed.itch import encode
from tradekernel.feed.moldudp64 import packet
from tradekernel.trade import ouch
from tradekernel.trade.answer_stream import ORDER_SESSION, AnswerStream
from tradekernel.trade.matching import IOC, SYSTEM_HOURS, MatchingEngine

GATEWAY = 0x0A000020  # the hosted pipeline's gateway, 10.0.0.32
STRANGER = 0x0A000077
STATES = ("pending", "live", "partly_filled", "filled", "cancelled", "rejected")
EVENTS = ("accepted", "filled", "cancelled", "rejected")


def token_of(order_id: int) -> str:
    return f"{order_id - 1:014d}"


class Session:
    """The kernel (a hosted pipeline) and the venue, joined by a lossy link."""

    def __init__(
        self,
        venue: MatchingEngine,
        answers: AnswerStream,
        journal: int | None = None,
        **pipeline: int,
    ) -> None:
        self.p = HostedPipeline(**pipeline)
        self.lib = self.p.lib
        if journal is not None:  # a tk_journal_create handle (test_journal.py)
            self.lib.tk_pipeline_attach_journal(self.p.h, journal)
        self.venue, self.stream = venue, answers
        self.seq = 1
        self.deliver(self.stream.send(venue.start_of_day()))

    def close(self) -> None:
        self.p.close()

    # --- the link -------------------------------------------------------------

    def deliver(self, datagrams: list[bytes], source: int = GATEWAY) -> None:
        for d in datagrams:
            self.lib.tk_pipeline_answers_from(self.p.h, source, d, len(d))

    def exchange(self) -> None:
        """What the kernel sent goes to the venue; its answers come back,
        faults and all, and requests for lost answers are answered, until
        the kernel sends nothing more."""
        buf = ctypes.create_string_buffer(2048)
        while (n := self.lib.tk_pipeline_sent(self.p.h)) > 0:
            frames = []
            for i in range(n):
                length = self.lib.tk_pipeline_frame(self.p.h, i, buf, 2048)
                frames.append(buf.raw[:length])
            self.lib.tk_pipeline_clear_frames(self.p.h)
            for f in frames:
                udp = Ether(f)[UDP]
                payload = bytes(udp.payload)[: udp.len - 8]
                assert Ether(f)[IP].dst == "10.0.0.32"
                if udp.dport == ports.ORDER_GATEWAY:
                    self.deliver(self.stream.send(self.venue.enter(payload)))
                elif udp.dport == ports.ORDER_REWINDER:
                    self.deliver(self.stream.rewind(payload))

    def feed(self, *messages: bytes) -> None:
        """Published by the venue (its book moves, resting orders may fill)
        and received by the kernel (its strategy may send orders)."""
        answers = [a for m in messages for a in self.venue.publish(m)]
        self.deliver(self.stream.send(answers))
        self.p.feed_datagram(packet(SESSION, self.seq, list(messages)))
        self.seq += len(messages)
        self.exchange()

    def catch_up(self) -> None:
        """Heartbeats until the kernel has every answer (each reveals a lost
        tail, and the kernel asks for it)."""
        for _ in range(50):
            if self.answers_next() == len(self.stream.answers) + 1:
                return
            self.deliver([self.stream.heartbeat()])
            self.exchange()
        raise AssertionError(f"the kernel is stuck at answer {self.answers_next()}")

    # --- the kernel's side ------------------------------------------------------

    def answers_next(self) -> int:
        return self.lib.tk_pipeline_answers_next(self.p.h)

    def send(self, locate: int, side: str, shares: int, price: int, tif: int) -> int:
        order = self.lib.tk_pipeline_send_order(self.p.h, locate, side.encode(), shares, price, tif)
        self.exchange()
        return order

    def cancel(self, order_id: int) -> bool:
        done = bool(self.lib.tk_pipeline_cancel_order(self.p.h, order_id))
        self.exchange()
        return done

    def open_orders(self) -> dict[str, tuple[str, int, int]]:
        """token -> (state, open, filled) of every order the kernel holds open."""
        out = (ctypes.c_int64 * (10 * 4096))()
        n = self.lib.tk_pipeline_open_orders(self.p.h, out, 4096)
        rows = [out[10 * i : 10 * i + 10] for i in range(n)]
        return {token_of(r[0]): (STATES[r[3]], r[6], r[7]) for r in rows}

    def position(self, locate: int) -> tuple[int, int, int, int, int]:
        out = (ctypes.c_int64 * 5)()
        self.lib.tk_pipeline_position(self.p.h, locate, out)
        return tuple(out)  # type: ignore[return-value]

    def counters(self) -> dict[str, int]:
        return self.p.counters()

    # --- the check --------------------------------------------------------------

    def assert_agrees(self, locates: dict[str, int]) -> None:
        """With every answer in, the kernel's orders and positions are the
        venue's, share for share."""
        assert self.answers_next() == len(self.stream.answers) + 1
        venue_open = {
            t: ("partly_filled" if o.filled else "live", o.open, o.filled)
            for t, o in self.venue.orders.items()
            if o.open
        }
        assert self.open_orders() == venue_open
        for stock, locate in locates.items():
            vp = self.venue.positions.get(stock)
            bought, sold = (vp.bought, vp.sold) if vp else (0, 0)
            open_buy = sum(o.open for o in self.venue.orders.values() if o.stock == stock and o.buy)
            open_sell = sum(
                o.open for o in self.venue.orders.values() if o.stock == stock and not o.buy
            )
            assert self.position(locate) == (bought - sold, bought, sold, open_buy, open_sell), (
                stock
            )
        notional = sum(o.open * o.price for o in self.venue.orders.values())
        assert self.lib.tk_pipeline_open_notional(self.p.h) == notional
        c, states = self.counters(), self.venue.states()
        assert c["orders_filled"] == states.get("filled", 0)
        assert c["orders_cancelled"] == states.get("cancelled", 0)
        assert c["venue_rejected"] == states.get("rejected", 0)
        assert c["venue_executions"] == self.venue.counts.executions
        assert (c["unknown_order"], c["inconsistent"], c["malformed_answers"]) == (0, 0, 0)


def run_session(
    seed: int,
    loss: float,
    duplicate: float,
    messages: int = 3000,
    journal_handle: int | None = None,
    drain: Callable[[], int] | None = None,
) -> Session:
    """A generated session on 4 symbols. The sample strategy takes narrow
    spreads with IOC orders; beside it the test, like a second strategy,
    rests day orders near the touch, cancels some, and sends orders the
    venue rejects (shares beyond its limit, a halted symbol)."""
    rng = random.Random(seed)
    venue = MatchingEngine(max_shares=800, reject_fraction=0.05, seed=seed)
    s = Session(venue, AnswerStream(loss, duplicate, seed), journal_handle, max_spread=300,
                shares=200, max_position=50_000)  # fmt: skip
    locates: dict[str, int] = {}
    for i, m in enumerate(generator.session(seed, messages, symbols=4)):
        if m[:1] == b"R":
            locates[m[11:19].decode().rstrip()] = struct.unpack(">H", m[1:3])[0]
        if i == messages // 2:  # a halt, then trading again 200 messages on
            halted = rng.choice(sorted(locates.items()))
            s.feed(halt(*halted, "H"))
        if i == messages // 2 + 200:
            s.feed(halt(*halted, "T"))
        s.feed(m)
        if locates and rng.random() < 0.08:
            act(s, rng, locates)
        if rng.random() < 0.05:
            s.catch_up()
            s.assert_agrees(locates)
        if drain is not None and i % 100 == 0:
            drain()  # the journal writer's core, now and then
    # One order certain to be resting when the day ends: a bid far below.
    locate = sorted(locates.values())[0]
    bid = venue.books.best(locate, "B")
    assert s.send(locate, "B", 100, bid[0] - 500 if bid else 1_0000, SYSTEM_HOURS)
    s.deliver(s.stream.send(venue.end_of_day()))
    s.catch_up()
    s.assert_agrees(locates)
    return s


def halt(stock: str, locate: int, state: str) -> bytes:
    """ITCH Stock Trading Action: 'H' halted, 'T' trading."""
    return encode("H", stock_locate=locate, stock=stock, trading_state=state, reason="")


def act(s: Session, rng: random.Random, locates: dict[str, int]) -> None:
    locate = rng.choice(sorted(locates.values()))
    bid = s.venue.books.best(locate, "B")
    ask = s.venue.books.best(locate, "S")
    if rng.random() < 0.3 and (open_orders := s.open_orders()):
        s.cancel(int(rng.choice(sorted(open_orders))) + 1)
    elif bid and ask:
        side = rng.choice("BBSTE")  # T, E: sell short, sell short exempt
        near = bid[0] if side == "B" else ask[0]
        price = near + rng.choice((-200, -100, 0, 0, 100, 200)) * (1 if side == "B" else -1)
        shares = rng.choice((100, 200, 300, 900))  # 900: beyond the venue's limit
        s.send(locate, side, shares, price, rng.choice((IOC, SYSTEM_HOURS, SYSTEM_HOURS)))


@pytest.mark.parametrize(
    ("seed", "loss", "duplicate"), [(1, 0.0, 0.0), (2, 0.1, 0.1), (3, 0.3, 0.2), (4, 0.05, 0.5)]
)
def test_kernel_orders_and_positions_equal_the_venues_with_answers_lost_and_duplicated(
    seed, loss, duplicate
):
    s = run_session(seed, loss, duplicate)
    try:
        c, states = s.counters(), s.venue.states()
        # The session did what its name says: every kind of outcome happened.
        assert states.get("filled", 0) > 5 and states.get("cancelled", 0) > 5, states
        assert states.get("rejected", 0) > 2, states
        assert any(
            o.filled and o.state == "cancelled" for o in s.venue.orders.values()
        )  # partly filled
        assert any(o.reason == "U" for o in s.venue.orders.values())  # cancelled by the strategy
        assert any(o.reason == "T" for o in s.venue.orders.values())  # still resting at the end
        if loss:
            assert s.stream.counts.lost > 0 and c["answer_requests_sent"] > 0
        if duplicate:
            assert s.stream.counts.duplicated > 0
        assert s.open_orders() == {}  # the end of the day took every one down
        assert s.lib.tk_pipeline_open_notional(s.p.h) == 0
    finally:
        s.close()


def test_the_strategy_is_told_every_answer_in_order():
    """on_order: one event per answer about an order, in the venue's order,
    with the state after it."""
    venue = MatchingEngine()
    s = Session(venue, AnswerStream(), max_spread=0)
    try:
        s.lib.tk_pipeline_record_events(s.p.h)
        s.feed(directory(5, "TK"), add(1, "B", 100_0000, 300), add(2, "S", 100_0100, 150))
        buy = s.send(5, "B", 200, 100_0100, IOC)  # 150 filled, 50 cancelled
        day = s.send(5, "S", 100, 100_0200, SYSTEM_HOURS)  # rests
        assert s.cancel(day)
        assert not s.cancel(day)  # gone already: refused, counted
        events = [e for e in recorded_events(s.p) if e[0] == ord("o")]
        got = [
            (e[6], EVENTS[e[2] >> 8], STATES[e[2] & 0xFF], e[4], e[5] & 0xFFFFFFFF) for e in events
        ]
        assert got == [
            (buy, "accepted", "live", 0, 200),
            (buy, "filled", "partly_filled", 150, 50),
            (buy, "cancelled", "cancelled", 50, 0),
            (day, "accepted", "live", 0, 100),
            (day, "cancelled", "cancelled", 100, 0),
        ]
        assert chr(events[2][5] >> 32) == "I" and chr(events[4][5] >> 32) == "U"
        assert s.position(5) == (150, 150, 0, 0, 0)
        assert s.counters()["cancel_refused"] == 1
    finally:
        s.close()


def test_an_ioc_order_with_nothing_to_take_is_accepted_dead_and_done():
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, IOC)  # below the offer: nothing to take
        assert order and s.open_orders() == {}
        c = s.counters()
        assert (c["venue_accepted"], c["orders_cancelled"]) == (1, 1)
        assert s.position(5) == (0, 0, 0, 0, 0)
    finally:
        s.close()


def test_open_orders_hold_the_position_limit_until_the_venue_answers():
    """Open buys count as bought until they fill or are cancelled: the limit
    holds before any answer, and frees as the venue cancels."""
    s = Session(
        MatchingEngine(), AnswerStream(loss=1.0), max_spread=0, max_position=600, collar=100
    )
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        first = s.send(5, "B", 600, 100_0000, SYSTEM_HOURS)  # rests; every answer lost
        assert first and not s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        assert s.counters()["rejected_position"] == 1
        s.stream.loss = 0.0
        s.catch_up()  # the Accepted arrives on request
        assert s.cancel(first)
        assert s.position(5) == (0, 0, 0, 0, 0)
        assert s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
    finally:
        s.close()


def test_answers_from_anyone_but_the_gateway_are_dropped_and_counted():
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        forged = packet(ORDER_SESSION, len(s.stream.answers) + 1,
                        [ouch.executed(0, token_of(order), 100, 1, b"A", 99)])  # fmt: skip
        s.deliver([forged], source=STRANGER)
        c = s.counters()
        assert c["foreign_answers"] == 1 and c["venue_executions"] == 0
        assert s.position(5) == (0, 0, 0, 100, 0)
    finally:
        s.close()


def test_answers_that_contradict_an_order_are_bounded_and_counted():
    """From the gateway, yet wrong: more shares executed than open, a second
    Accepted, a token never sent, a malformed message. The order takes at
    most what it had open; nothing else moves."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        token = token_of(order)
        m = {"token": token, "side": "B", "shares": 100, "stock": "TK", "price": 100_0000,
             "time_in_force": SYSTEM_HOURS, "firm": "", "display": "Y", "capacity": "P",
             "intermarket_sweep": "N", "minimum_quantity": 0, "cross_type": "N"}  # fmt: skip
        s.deliver(s.stream.send([
            ouch.accepted(0, m, 7),  # a second Accepted
            ouch.executed(0, token, 250, 100_0000, b"A", 1),  # 250 of 100 open
            ouch.executed(0, "99999999999999", 100, 100_0000, b"A", 2),  # not ours
            b"E" + bytes(10),  # no Executed is 11 bytes
        ]))  # fmt: skip
        c = s.counters()
        assert (c["inconsistent"], c["unknown_order"], c["malformed_answers"]) == (2, 1, 1)
        assert s.position(5) == (100, 100, 0, 0, 0)
        assert s.open_orders() == {}
    finally:
        s.close()


def test_a_cancel_of_part_of_an_order_leaves_the_rest_working():
    """Canceled with fewer shares than open (the venue cutting an order, say
    for a supervisory reason): the rest stays open, on the position too."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        s.deliver(s.stream.send([ouch.canceled(0, token_of(order), 40, b"S")]))
        assert s.open_orders() == {token_of(order): ("live", 60, 0)}
        assert s.position(5) == (0, 0, 0, 60, 0)
        assert s.counters()["orders_cancelled"] == 0
        assert s.cancel(order)  # a cancel may be sent again for the rest
        assert s.open_orders() == {}
    finally:
        s.close()


def test_answers_of_no_shares_are_counted_not_applied():
    """Executed or Canceled for 0 shares says nothing: the order is as it
    was (a cancel already sent stays sent), and it is counted."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        assert s.lib.tk_pipeline_cancel_order(s.p.h, order)
        s.lib.tk_pipeline_clear_frames(s.p.h)  # the cancel is not answered yet
        token = token_of(order)
        before = s.open_orders()
        s.deliver(s.stream.send([ouch.executed(0, token, 0, 1, b"A", 5),
                                 ouch.canceled(0, token, 0, b"U")]))  # fmt: skip
        assert s.open_orders() == before
        assert s.counters()["inconsistent"] == 2
        assert not s.cancel(order)  # still being cancelled
    finally:
        s.close()


def test_an_order_the_venue_never_saw_is_released_at_the_end_of_the_day():
    """An Enter Order lost on the way is pending until the venue's System
    Event 'E': then it is taken off as cancelled ('E'), counted, and its
    shares no longer count in the position; no order goes out after the
    venue's day ended."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0, max_position=600, collar=100)
    try:
        s.lib.tk_pipeline_record_events(s.p.h)
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        lost = s.lib.tk_pipeline_send_order(s.p.h, 5, b"B", 600, 100_0000, SYSTEM_HOURS)
        s.lib.tk_pipeline_clear_frames(s.p.h)  # lost on the wire: the venue never sees it
        assert not s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)  # held by the lost order
        s.deliver(s.stream.send(s.venue.end_of_day()))
        assert s.open_orders() == {} and s.position(5) == (0, 0, 0, 0, 0)
        assert s.counters()["orders_unanswered"] == 1
        events = [e for e in recorded_events(s.p) if e[0] == ord("o")]
        assert [(e[6], EVENTS[e[2] >> 8], chr(e[5] >> 32)) for e in events] == [
            (lost, "cancelled", "E")
        ]
        assert not s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        assert s.counters()["rejected_day_closed"] == 1
    finally:
        s.close()


def test_a_broken_trade_throws_the_kill_switch():
    """The venue undid an execution: positions are no longer known, so no
    order goes out until someone looks."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        assert s.send(5, "B", 100, 100_0100, IOC)  # fills against the offer
        broken = ouch.BROKEN_TRADE.pack(b"B", 0, b"00000000030000", 1, b"E")
        s.deliver(s.stream.send([broken]))
        c = s.counters()
        assert c["broken_trades"] == 1
        assert not s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        assert s.counters()["rejected_kill_switch"] == 1
    finally:
        s.close()


def test_an_enter_order_lost_on_the_way_is_sent_again_with_its_token():
    """No answer after `resend_after`: the same Enter Order goes out again.
    The venue ignores a token it has (OUCH 4.2, 2.1), so a resend of an order
    it did get changes nothing; one it never got is entered. After
    kMaxResends the order is left pending, counted."""
    s = Session(MatchingEngine(), AnswerStream(), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        lost = s.lib.tk_pipeline_send_order(s.p.h, 5, b"B", 100, 100_0000, SYSTEM_HOURS)
        s.lib.tk_pipeline_clear_frames(s.p.h)  # lost on the wire
        s.lib.tk_pipeline_resend(s.p.h, 10**12, 0)  # not yet due
        assert s.lib.tk_pipeline_sent(s.p.h) == 0
        s.lib.tk_pipeline_resend(s.p.h, 10**12, 10**13)
        assert s.lib.tk_pipeline_sent(s.p.h) == 1
        s.exchange()  # the venue enters it now, and answers
        assert s.open_orders() == {token_of(lost): ("live", 100, 0)}
        answered = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)  # the venue has it
        s.lib.tk_pipeline_resend(s.p.h, 10**12, 10**13)  # neither is pending: nothing goes out
        assert s.lib.tk_pipeline_sent(s.p.h) == 0 and answered
        c = s.counters()
        assert c["resends"] == 1 and s.venue.counts.duplicate_tokens == 0
        # Gone for good: sent again kMaxResends (3) times, then given up.
        gone = s.lib.tk_pipeline_send_order(s.p.h, 5, b"S", 100, 100_0100, SYSTEM_HOURS)
        for now in range(1, 6):
            s.lib.tk_pipeline_clear_frames(s.p.h)
            s.lib.tk_pipeline_resend(s.p.h, 10**12, 10**13 * (now + 1))
        c = s.counters()
        assert (c["resends"], c["resends_given_up"]) == (4, 1)
        assert s.open_orders()[token_of(gone)] == ("pending", 100, 0)
    finally:
        s.close()


def test_a_resend_the_venue_already_has_is_ignored():
    """The answer was slow, not lost: the resend reaches a venue that has the
    token, which ignores it; one order, not two."""
    s = Session(MatchingEngine(), AnswerStream(loss=1.0), max_spread=0)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)  # entered; the Accepted lost
        s.lib.tk_pipeline_resend(s.p.h, 10**12, 10**13)
        s.exchange()
        assert s.venue.counts.duplicate_tokens == 1 and s.venue.counts.orders == 1
        s.stream.loss = 0.0
        s.catch_up()
        assert s.open_orders() == {token_of(order): ("live", 100, 0)}
    finally:
        s.close()
