"""Tick to trade on the hosted build: MoldUDP64 datagrams of ITCH 5.0
messages into the pipeline (books, the sample spread-taker strategy, risk
gate), OUCH 4.2 Enter Orders out as UDP frames, decoded in Python and
matched to the market-data message that triggered them."""

import ctypes

from scapy.all import IP, UDP, Ether

from tradekernel.feed.itch import encode
from tradekernel.feed.moldudp64 import packet
from tradekernel.hosted_lib import library
from tradekernel.trade.ouch import decode

SESSION = b"TKSESSION1"
NAMES = ["messages", "rejected", "bbo_changes", "orders_sent", "accepted", "size", "position",
         "collar", "kill_switch"]  # fmt: skip


class HostedPipeline:
    def __init__(self, max_spread=100, shares=200, max_order=1000, max_position=5000, collar=50):
        lib = self.lib = library()
        p = ctypes.c_void_p
        lib.tk_pipeline_create.restype = p
        lib.tk_pipeline_create.argtypes = [ctypes.c_uint32] * 3 + [ctypes.c_int64, ctypes.c_uint32]
        lib.tk_pipeline_destroy.argtypes = [p]
        lib.tk_pipeline_feed.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t]
        lib.tk_pipeline_sent.argtypes = [p]
        lib.tk_pipeline_sent.restype = ctypes.c_uint32
        lib.tk_pipeline_frame.argtypes = [p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t]
        lib.tk_pipeline_frame.restype = ctypes.c_size_t
        lib.tk_pipeline_counters.argtypes = [p, p]
        self.h = lib.tk_pipeline_create(max_spread, shares, max_order, max_position, collar)
        self.seq = 1

    def feed(self, *messages: bytes) -> None:
        datagram = packet(SESSION, self.seq, list(messages))
        self.seq += len(messages)
        self.lib.tk_pipeline_feed(self.h, datagram, len(datagram))

    def orders(self) -> list[dict]:
        out, buf = [], ctypes.create_string_buffer(2048)
        for i in range(self.lib.tk_pipeline_sent(self.h)):
            n = self.lib.tk_pipeline_frame(self.h, i, buf, 2048)
            frame = Ether(buf.raw[:n])
            assert frame[IP].dst == "10.0.0.32" and frame[UDP].dport == 15000
            udp = frame[UDP]
            out.append(decode(bytes(udp.payload)[: udp.len - 8]))
        return out

    def counters(self) -> dict[str, int]:
        values = (ctypes.c_uint64 * len(NAMES))()
        self.lib.tk_pipeline_counters(self.h, values)
        return dict(zip(NAMES, values, strict=True))

    def close(self) -> None:
        self.lib.tk_pipeline_destroy(self.h)


def add(ref: int, side: str, price: int, shares: int = 300, locate: int = 5) -> bytes:
    return encode("A", stock_locate=locate, order_reference_number=ref, buy_sell_indicator=side,
                  shares=shares, stock="TK", price=price)  # fmt: skip


def test_narrowing_spread_sends_one_ouch_order_at_the_offer():
    p = HostedPipeline(max_spread=100)
    try:
        p.feed(add(1, "B", 100_0000), add(2, "S", 100_0500))  # spread 0.05: too wide
        assert p.orders() == []
        p.feed(add(3, "S", 100_0100))  # spread 0.01: the trigger
        (order,) = p.orders()
        assert order["type"] == "enter_order"
        assert (order["side"], order["shares"], order["price"]) == ("B", 200, 100_0100)
        assert order["token"] == "00000000000001"
        p.feed(add(4, "S", 100_0050))  # narrower still, but this symbol has traded
        assert len(p.orders()) == 1
        c = p.counters()
        assert (c["messages"], c["bbo_changes"], c["orders_sent"]) == (4, 4, 1)
    finally:
        p.close()


def test_risk_gate_stops_orders_outside_limits():
    p = HostedPipeline(max_spread=100, shares=2000, max_order=1000)
    try:
        p.feed(add(1, "B", 100_0000), add(2, "S", 100_0100))
        assert p.orders() == []
        assert p.counters()["size"] == 1
    finally:
        p.close()


def test_gaps_in_the_feed_are_not_acted_on():
    p = HostedPipeline()
    try:
        p.feed(add(1, "B", 100_0000))
        p.seq += 5  # five messages lost
        p.feed(add(2, "S", 100_0100))
        assert p.orders() == []  # held back until the gap is filled
        assert p.counters()["messages"] == 1
    finally:
        p.close()
