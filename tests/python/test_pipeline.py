"""Tick to trade on the hosted build: MoldUDP64 datagrams of ITCH 5.0
messages into the pipeline (books, the sample spread-taker strategy, risk
gate), OUCH 4.2 Enter Orders out as UDP frames, decoded in Python and
matched to the market-data message that triggered them."""

import ctypes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.all import IP, UDP, Ether

from tradekernel import ports
from tradekernel.feed.generator import session
from tradekernel.feed.itch import TYPES, encode
from tradekernel.feed.moldudp64 import heartbeat, packet, request
from tradekernel.feed.reference_book import Capacity, ReferenceBooks
from tradekernel.hosted_lib import library
from tradekernel.trade.order_receiver import OrderReceiver, match_orders
from tradekernel.trade.ouch import ENTER_ORDER, decode
from tradekernel.trade.reference_strategy import ExpectedOrder, spread_taker_orders

SESSION = b"TKSESSION1"


class HostedPipeline:
    def __init__(self, max_spread=100, shares=200, max_order=1000, max_position=5000, collar=50,
                 orders=0, levels=0):  # fmt: skip
        lib = self.lib = library()
        # orders, levels: the books' capacity (0, 0: the market-day capacity the kernel ships)
        self.h = lib.tk_pipeline_create(
            max_spread, shares, max_order, max_position, collar, orders, levels
        )
        self.seq = 1

    def feed(self, *messages: bytes) -> None:
        self.feed_datagram(packet(SESSION, self.seq, list(messages)))
        self.seq += len(messages)

    def feed_datagram(self, datagram: bytes) -> None:
        self.lib.tk_pipeline_feed(self.h, datagram, len(datagram))

    def _sent(self, port: int) -> list[bytes]:
        out, buf = [], ctypes.create_string_buffer(2048)
        for i in range(self.lib.tk_pipeline_sent(self.h)):
            n = self.lib.tk_pipeline_frame(self.h, i, buf, 2048)
            frame = Ether(buf.raw[:n])
            assert frame[IP].dst == "10.0.0.32"
            udp = frame[UDP]
            if udp.dport == port:
                out.append(bytes(udp.payload)[: udp.len - 8])
        return out

    def orders(self) -> list[dict]:
        return [decode(payload) for payload in self._sent(ports.ORDER_GATEWAY)]

    def requests(self) -> list[bytes]:
        """MoldUDP64 retransmission requests sent to the rewinder."""
        return self._sent(ports.REWINDER)

    def checksum(self) -> int:
        return self.lib.tk_pipeline_checksum(self.h)

    def counters(self) -> dict[str, int]:
        """The trade counters and the risk gate's, by the kernel's names."""
        names = self.lib.tk_pipeline_counter_names().decode().rstrip(",").split(",")
        assert len(names) == self.lib.tk_pipeline_counter_count()
        values = (ctypes.c_uint64 * len(names))()
        self.lib.tk_pipeline_counters(self.h, values)
        return dict(zip(names, values, strict=True))

    def close(self) -> None:
        self.lib.tk_pipeline_destroy(self.h)


def PipelineOrder(token: str, stock: str, price: int, shares: int = 100) -> bytes:
    """An OUCH 4.2 Enter Order as the kernel writes it."""
    return ENTER_ORDER.pack(b"O", token.encode().ljust(14), b"B", shares, stock.encode().ljust(8),
                            price, 0, b"    ", b"Y", b"P", b"N", 0, b"N", b" ")  # fmt: skip


def directory(locate: int = 5, stock: str = "TK") -> bytes:
    return encode("R", stock_locate=locate, stock=stock, round_lot_size=100)


def add(ref: int, side: str, price: int, shares: int = 300, locate: int = 5) -> bytes:
    return encode("A", stock_locate=locate, order_reference_number=ref, buy_sell_indicator=side,
                  shares=shares, stock="TK", price=price)  # fmt: skip


def test_narrowing_spread_sends_one_ouch_order_at_the_offer():
    p = HostedPipeline(max_spread=100)
    try:
        p.feed(directory(5, "TKX"))
        p.feed(add(1, "B", 100_0000), add(2, "S", 100_0500))  # spread 0.05: too wide
        assert p.orders() == []
        p.feed(add(3, "S", 100_0100))  # spread 0.01: the trigger, sequence 4
        (order,) = p.orders()
        assert order["type"] == "enter_order"
        assert (order["side"], order["shares"], order["price"]) == ("B", 200, 100_0100)
        assert order["stock"] == "TKX"
        # The token names the triggering message: sequence 4, first order.
        assert order["token"] == "0000000004" + "0000"
        p.feed(add(4, "S", 100_0050))  # narrower still, but this symbol has traded
        assert len(p.orders()) == 1
        c = p.counters()
        assert (c["messages"], c["bbo_changes"], c["orders"]) == (5, 4, 1)
    finally:
        p.close()


def test_risk_gate_stops_orders_outside_limits():
    p = HostedPipeline(max_spread=100, shares=2000, max_order=1000)
    try:
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0100))
        assert p.orders() == []
        assert p.counters()["rejected_size"] == 1
    finally:
        p.close()


def test_gaps_in_the_feed_are_not_acted_on():
    p = HostedPipeline()
    try:
        p.feed(directory(), add(1, "B", 100_0000))
        p.seq += 5  # five messages lost
        p.feed(add(2, "S", 100_0100))
        assert p.orders() == []  # held back until the gap is filled
        assert p.counters()["messages"] == 2
        # The gap is asked for from the rewinder: a bare MoldUDP64 header.
        assert p.requests() == [request(SESSION, 3, 5)]
        assert p.counters()["requests_sent"] == 1
    finally:
        p.close()


def test_no_order_for_a_symbol_without_a_directory_entry():
    p = HostedPipeline(max_spread=100)
    try:
        p.feed(add(1, "B", 100_0000), add(2, "S", 100_0100))
        assert p.orders() == []
        assert p.counters()["unknown_symbol"] == 1
    finally:
        p.close()


def test_orders_match_the_reference_strategy_over_a_generated_session():
    """Every order the kernel's pipeline sends over a 30,000-message session
    is one the Python replay of the strategy predicts, for the same trigger,
    and none is missing; the position limit stops some."""
    messages = list(session(seed=21, messages=30_000, symbols=8))
    limits = {"max_spread": 100, "shares": 200, "max_order": 1000, "max_position": 600}
    p = HostedPipeline(**limits, collar=100)
    try:
        for i in range(0, len(messages), 16):
            p.feed(*messages[i : i + 16])
        receiver = OrderReceiver()
        for payload in p._sent(ports.ORDER_GATEWAY):
            receiver.on_datagram(payload, 0.0)
        match = match_orders(spread_taker_orders(messages, **limits), receiver.orders)
        assert len(match.matched) >= 15
        assert match.missing == [] and match.unexpected == []
        assert p.counters()["rejected_position"] > 0
        books = ReferenceBooks()
        for m in messages:
            books.apply(m)
        assert p.checksum() == books.checksum()
    finally:
        p.close()


def test_order_receiver_counts_what_it_cannot_read_and_reports_mismatches():
    receiver = OrderReceiver()
    good = PipelineOrder(token="0000000042" + "0000", stock="SYM1", price=10_0100)
    receiver.on_datagram(good, 1.0)
    receiver.on_datagram(b"O" + bytes(10), 1.0)  # short
    receiver.on_datagram(PipelineOrder(token="not-digits", stock="SYM1", price=1), 1.0)
    assert receiver.malformed == 2
    (order,) = receiver.orders
    assert (order.trigger, order.index) == (42, 0)
    expected = [
        ExpectedOrder(42, "SYM1", "B", 100, 10_0100),
        ExpectedOrder(50, "SYM2", "B", 100, 1),
    ]
    match = match_orders(expected, receiver.orders)
    assert [e.trigger for e, _ in match.matched] == [42]
    assert [e.trigger for e in match.missing] == [50]
    wrong_price = ExpectedOrder(42, "SYM1", "B", 100, 10_0200)
    assert match_orders([wrong_price], receiver.orders).unexpected == receiver.orders


def test_strategy_callbacks_see_trades_levels_and_the_bbo_in_order():
    """The strategy API's three callbacks, recorded: for each message the
    trade it reports, the levels it changed (0 orders: gone), then the BBO if
    it moved; and the symbol's volume counts printable executions only."""
    p = HostedPipeline()
    try:
        lib = p.lib
        lib.tk_pipeline_record_events(p.h)
        k = {"stock_locate": 5}
        p.feed(
            directory(),  # 1
            add(1, "B", 100_0000),  # 2: 300 bid
            add(2, "S", 100_0500, shares=200),  # 3
            encode("E", **k, order_reference_number=1, executed_shares=100, match_number=7),  # 4
            encode(
                "C",
                **k,
                order_reference_number=2,
                executed_shares=50,
                match_number=8,
                printable="N",
                execution_price=100_0400,
            ),  # 5  fmt: skip
            encode(
                "U",
                **k,
                original_order_reference_number=1,
                new_order_reference_number=3,
                shares=100,
                price=99_9900,
            ),  # 6  fmt: skip
            encode(
                "P",
                **k,
                order_reference_number=0,
                buy_sell_indicator="B",
                shares=40,
                stock="TK",
                price=100_0100,
                match_number=9,
            ),  # 7  fmt: skip
            encode(
                "Q",
                **k,
                shares=1000,
                stock="TK",
                cross_price=100_0200,
                match_number=10,
                cross_type="O",
            ),  # 8  fmt: skip
        )
        out = (ctypes.c_uint64 * (7 * 64))()
        n = lib.tk_pipeline_events(p.h, out, 64)
        events = [tuple(out[7 * i : 7 * i + 7]) for i in range(n)]
        t, k_, b, B, S = ord("t"), ord("k"), ord("b"), ord("B"), ord("S")
        assert events == [
            (k_, 5, B, 100_0000, 300, 1, 2),
            (b, 5, 100_0000, 300, 0, 0, 2),
            (k_, 5, S, 100_0500, 200, 1, 3),
            (b, 5, 100_0000, 300, 100_0500, 200, 3),
            (t, 5, B, 100_0000, 100, 7, 4),  # E: at the order's price
            (k_, 5, B, 100_0000, 200, 1, 4),
            (b, 5, 100_0000, 200, 100_0500, 200, 4),
            (t, 5, S, 100_0400, 50, 8, 5),  # C: at its execution price
            (k_, 5, S, 100_0500, 150, 1, 5),
            (b, 5, 100_0000, 200, 100_0500, 150, 5),
            (k_, 5, B, 100_0000, 0, 0, 6),  # U: the old level goes ...
            (k_, 5, B, 99_9900, 100, 1, 6),  # ... and the new one comes
            (b, 5, 99_9900, 100, 100_0500, 150, 6),
            (t, 5, B, 100_0100, 40, 9, 7),  # P
            (t, 5, ord(" "), 100_0200, 1000, 10, 8),  # Q
        ]
        symbol = (ctypes.c_int64 * 4)()
        lib.tk_pipeline_symbol(p.h, 5, symbol)
        # 100 (E) + 40 (P) + 1,000 (Q); the non-printable C is not volume.
        assert (symbol[1], symbol[2]) == (1140, 100_0200)
    finally:
        p.close()


def recorded_events(p: HostedPipeline) -> list[tuple[int, ...]]:
    lib = p.lib
    out = (ctypes.c_uint64 * (7 * 4096))()
    n = lib.tk_pipeline_events(p.h, out, 4096)
    assert n < 4096, "the recorder is full: feed fewer messages"
    return [tuple(out[7 * i : 7 * i + 7]) for i in range(n)]


def test_an_untrusted_book_is_told_to_the_strategy_and_gets_no_order_until_trusted_again():
    p = HostedPipeline(max_spread=100)
    try:
        p.lib.tk_pipeline_record_events(p.h)
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0500))  # 1-3: wide
        p.feed(add(9, "Z", 100_0000))  # 4: a side neither B nor S: an orphan, untrusted
        p.feed(add(3, "S", 100_0100))  # 5: narrow, but the book cannot be trusted
        assert p.orders() == [] and p.counters()["untrusted_book"] == 1
        p.feed(encode("D", stock_locate=5, order_reference_number=9))  # 6: trusted again
        p.feed(add(4, "B", 100_0000))  # 7: the BBO moves while narrow: now it trades
        assert [o["price"] for o in p.orders()] == [100_0100]
        assert p.orders()[0]["token"].startswith("0000000007")
        s = ord("s")
        status = [e for e in recorded_events(p) if e[0] == s]
        # (kind, locate, trusted, orphans, lost, -, feed sequence)
        assert status == [(s, 5, 0, 1, 0, 0, 4), (s, 5, 1, 0, 0, 0, 6)]
        assert p.counters()["book_status_changes"] == 2
    finally:
        p.close()


def test_trust_that_flips_again_and_again_is_counted_and_the_first_64_logged_at_the_end(capfd):
    p = HostedPipeline()
    try:
        p.feed(directory())
        capfd.readouterr()
        for ref in range(1, 101):  # each orphan makes the book untrusted; its delete, trusted
            p.feed(add(ref, "Z", 100_0000), encode("D", stock_locate=5, order_reference_number=ref))
        assert p.counters()["book_status_changes"] == 200
        assert "@tk book-status" not in capfd.readouterr().out, "nothing written while trading"
        p.lib.tk_pipeline_log_records(p.h)
        out = capfd.readouterr().out
        assert out.count("@tk book-status ") == 64
        assert "@tk book-status locate=5 trusted=0 sequence=2\n" in out
        assert "@tk book-status-summary changes=200 logged=64 untrusted-now=0" in out
    finally:
        p.close()


@pytest.mark.parametrize(("orders", "levels"), [(60, 400), (400, 40)])
def test_overflowing_the_books_never_shows_a_strategy_an_impossible_level(orders: int, levels: int):
    """A session through books too small for it: the strategy sees only
    levels the reference books (with the same capacity) also hold, is told
    each change of trust, and no order leaves for a symbol while its book is
    untrusted."""
    p = HostedPipeline(max_spread=300, shares=100, orders=orders, levels=levels)
    reference = ReferenceBooks(Capacity(orders, levels))
    try:
        p.lib.tk_pipeline_record_events(p.h)
        messages = list(session(11, 1_200))
        for i in range(0, len(messages), 8):
            p.feed(*messages[i : i + 8])
        untrusted_at: dict[int, set[int]] = {}  # locate -> sequences while untrusted
        trusted: dict[int, bool] = {}
        expected_levels: list[tuple[int, ...]] = []
        expected_bbos: list[tuple[int, ...]] = []
        last_bbo: dict[int, tuple[int, int, int, int]] = {}
        for sequence, m in enumerate(messages, start=1):
            locate = reference.apply(m)
            for loc, _ in reference.change.status:
                trusted[loc] = reference.trusted(loc)
            for loc, ok in trusted.items():
                if not ok:
                    untrusted_at.setdefault(loc, set()).add(sequence)
            if locate is None:
                continue
            for side, price, shares, count in reference.change.levels:
                expected_levels.append((locate, ord(side), price, shares, count, sequence))
            bid, ask = reference.best(locate, "B"), reference.best(locate, "S")
            bbo = (*(bid[:2] if bid else (0, 0)), *(ask[:2] if ask else (0, 0)))
            if bbo != last_bbo.get(locate, (0, 0, 0, 0)):
                last_bbo[locate] = bbo
                expected_bbos.append((locate, *bbo, sequence))
        events = recorded_events(p)
        k, b = ord("k"), ord("b")
        assert [e[1:] for e in events if e[0] == k] == expected_levels
        assert [e[1:] for e in events if e[0] == b] == expected_bbos
        assert p.checksum() == reference.checksum()
        statuses = [e for e in events if e[0] == ord("s")]
        assert statuses, "the session must overflow and make some book untrusted"
        assert p.counters()["book_status_changes"] == len(statuses)
        locate_of = {m[1:3]: int.from_bytes(m[1:3], "big") for m in messages}
        assert p.orders(), "the strategy must trade on the books it can trust"
        for order in p.orders():
            trigger = int(order["token"][:10])
            loc = locate_of[messages[trigger - 1][1:3]]
            assert trigger not in untrusted_at.get(loc, set()), order
    finally:
        p.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(TYPES)), st.binary(min_size=64, max_size=64)),
                max_size=60))  # fmt: skip
def test_well_formed_messages_with_random_fields_never_corrupt_the_pipeline(messages):
    """Right type and length, random contents (references, sides, locates up
    to 65,535, prices): whatever the books cannot use is counted, and a
    clean session afterwards still trades exactly as expected."""
    p = HostedPipeline()
    try:
        junk = [code.encode() + body[: TYPES[code].length - 1] for code, body in messages]
        for i in range(0, len(junk), 7):
            p.feed(*junk[i : i + 7])
        assert p.counters()["messages"] == len(junk)
        assert p.counters()["rejected_messages"] == 0
        p.feed(directory(9, "AFTER"), add(1 << 62, "B", 50_0000, locate=9),
               add((1 << 62) + 1, "S", 50_0100, locate=9))  # fmt: skip
        orders = [o for o in p.orders() if o["stock"] == "AFTER"]
        assert [(o["side"], o["price"]) for o in orders] == [("B", 50_0100)]
    finally:
        p.close()


def test_a_message_cut_short_or_padded_is_rejected_whole():
    p = HostedPipeline(max_spread=100)
    try:
        p.feed(directory(5, "TKX"))
        bid = add(1, "B", 100_0000)
        # The offer that would trigger an order, cut one byte short and one byte
        # long: neither may reach the books (itch::check on every message).
        p.feed(bid, add(2, "S", 100_0100)[:-1], add(3, "S", 100_0100) + b"\x00")
        assert p.orders() == []
        assert p.counters()["rejected_messages"] == 2
        reference = ReferenceBooks()
        reference.apply(bid)  # the pipeline's books hold the bid alone
        assert p.checksum() == reference.checksum()
    finally:
        p.close()


def test_the_feed_is_taken_only_from_its_publisher_and_the_rewinder():
    """MoldUDP64 has no authentication: a heartbeat forged in the window from
    another host would make the feed stale and draw a retransmission request,
    and forged messages would reach the books. From anyone but the configured
    publisher (10.0.0.48) and the rewinder (10.0.0.32) it is dropped and
    counted, before the receiver reads it."""
    p = HostedPipeline(max_spread=100)
    try:
        lib = p.lib
        publisher, rewinder, stranger = 0x0A000030, 0x0A000020, 0x0A000063

        def send(source: int, datagram: bytes) -> None:
            lib.tk_pipeline_feed_from(p.h, source, datagram, len(datagram))

        send(publisher, packet(SESSION, 1, [directory(), add(1, "B", 100_0000)]))
        send(stranger, heartbeat(SESSION, 1000))  # in the window: would open a gap
        send(stranger, packet(SESSION, 3, [add(2, "S", 100_0050)]))  # the next message, forged
        c = p.counters()
        assert c["foreign_source"] == 2
        assert (c["messages"], c["stale_periods"], c["requests_sent"]) == (2, 0, 0)
        send(rewinder, packet(SESSION, 3, [add(3, "S", 100_0100)]))  # its answers come here too
        assert [o["price"] for o in p.orders()] == [100_0100]
        assert p.counters()["messages"] == 3
    finally:
        p.close()


def test_the_position_limit_holds_each_side_not_their_difference():
    """With no answer from the venue every order is still open, and open
    orders count as if they filled: 600 bought and 600 sold open is not a
    flat position that allows 600 more either way, since either side alone
    may be what fills."""
    p = HostedPipeline(max_spread=0, max_position=600, collar=100)
    try:
        lib = p.lib
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0100))

        def send(side: bytes, shares: int) -> bool:
            return bool(lib.tk_pipeline_send_order(p.h, 5, side, shares, 100_0050, 0))

        assert send(b"B", 600) and send(b"S", 600)
        assert not send(b"B", 100) and not send(b"S", 100)
        assert p.counters()["rejected_position"] == 2
        symbol = (ctypes.c_int64 * 4)()
        lib.tk_pipeline_symbol(p.h, 5, symbol)
        assert symbol[0] == 0  # nothing executed
    finally:
        p.close()
