"""The venue's matching engine (tradekernel/trade/matching.py) on its own:
the rules its docstring states, one by one, since the lifecycle tests use
it as their oracle."""

from __future__ import annotations

from tradekernel.feed.itch import encode
from tradekernel.trade import ouch
from tradekernel.trade.matching import IOC, SYSTEM_HOURS, MatchingEngine

LOCATE, STOCK = 5, "TK"


def directory() -> bytes:
    return encode("R", stock_locate=LOCATE, stock=STOCK, round_lot_size=100)


def add(ref: int, side: str, price: int, shares: int) -> bytes:
    return encode("A", stock_locate=LOCATE, order_reference_number=ref, buy_sell_indicator=side,
                  shares=shares, stock=STOCK, price=price)  # fmt: skip


def delete(ref: int) -> bytes:
    return encode("D", stock_locate=LOCATE, order_reference_number=ref)


def halt(state: str) -> bytes:
    return encode("H", stock_locate=LOCATE, stock=STOCK, trading_state=state, reason="")


def order(
    token: int, side: str, shares: int, price: int, tif: int = IOC, stock: str = STOCK
) -> bytes:
    name = stock.encode().ljust(8)
    return ouch.ENTER_ORDER.pack(b"O", b"%014d" % token, side.encode(), shares, name, price, tif,
                                 b"    ", b"Y", b"P", b"N", 0, b"N", b" ")  # fmt: skip


def cancel(token: int, shares: int = 0) -> bytes:
    return ouch.CANCEL_ORDER.pack(b"X", b"%014d" % token, shares)


def answers(messages: list[bytes]) -> list[tuple]:
    """(type, ...the fields that matter) of each answer."""
    out: list[tuple] = []
    for m in messages:
        a = ouch.decode_outbound(m)
        kind = a["type"]
        if kind == "accepted":
            out.append(("A", a["order_state"]))
        elif kind == "executed":
            out.append(("E", a["shares"], a["price"], a["liquidity"]))
        elif kind == "canceled":
            out.append(("C", a["shares"], a["reason"]))
        elif kind == "rejected":
            out.append(("J", a["reason"]))
        else:
            out.append(("S", a["event"]))
    return out


def venue(*messages: bytes) -> MatchingEngine:
    v = MatchingEngine(max_shares=1000)
    for m in (directory(), *messages):
        assert v.publish(m) == []
    return v


def test_an_incoming_order_takes_the_best_price_first_at_each_levels_price():
    v = venue(add(1, "S", 100_0200, 100), add(2, "S", 100_0100, 50), add(3, "B", 99_0000, 100))
    got = answers(v.enter(order(1, "B", 300, 100_0200)))
    assert got == [("A", "L"), ("E", 50, 100_0100, "R"), ("E", 100, 100_0200, "R"), ("C", 150, "I")]
    assert v.positions[STOCK].bought == 150 and v.orders["00000000000001"].state == "cancelled"


def test_what_our_orders_took_is_not_offered_again_until_the_level_empties():
    v = venue(add(1, "S", 100_0100, 100))
    assert answers(v.enter(order(1, "B", 60, 100_0100)))[1] == ("E", 60, 100_0100, "R")
    assert answers(v.enter(order(2, "B", 60, 100_0100)))[1:] == [
        ("E", 40, 100_0100, "R"),
        ("C", 20, "I"),
    ]
    v.publish(delete(1))
    v.publish(add(4, "S", 100_0100, 100))  # a fresh level: all of it on offer
    assert answers(v.enter(order(3, "B", 100, 100_0100)))[1:] == [("E", 100, 100_0100, "R")]


def test_an_ioc_order_with_nothing_to_take_is_accepted_dead_alone():
    v = venue(add(1, "S", 100_0100, 100))
    assert answers(v.enter(order(1, "B", 100, 100_0000))) == [("A", "D")]


def test_a_day_order_rests_and_fills_at_its_own_price_best_price_then_oldest_first():
    v = venue(add(1, "S", 101_0000, 100))
    for token, price in ((1, 100_0000), (2, 100_0500), (3, 100_0500)):
        assert answers(v.enter(order(token, "B", 100, price, SYSTEM_HOURS))) == [("A", "L")]
    # An offer at 100.00 reaches all three: 150 shares, best price (100.05)
    # first, oldest first there.
    got = answers(v.publish(add(2, "S", 100_0000, 150)))
    assert got == [("E", 100, 100_0500, "A"), ("E", 50, 100_0500, "A")]
    assert v.orders["00000000000002"].state == "filled"
    assert v.orders["00000000000003"].open == 50 and v.orders["00000000000001"].open == 100


def test_a_cancel_reduces_to_the_shares_it_names_and_ignores_what_is_not_open():
    v = venue(add(1, "S", 101_0000, 100))
    v.enter(order(1, "B", 300, 100_0000, SYSTEM_HOURS))
    assert answers(v.enter(cancel(1, 100))) == [("C", 200, "U")]
    assert answers(v.enter(cancel(1, 100))) == []  # takes nothing off
    assert answers(v.enter(cancel(1))) == [("C", 100, "U")]
    assert answers(v.enter(cancel(1))) == [] and answers(v.enter(cancel(99))) == []
    assert v.counts.cancels_ignored == 3


def test_orders_the_venue_rejects_and_a_token_used_twice():
    v = venue(add(1, "S", 101_0000, 100))
    assert answers(v.enter(order(1, "B", 100, 100_0000, stock="NOPE"))) == [("J", "S")]
    assert answers(v.enter(order(2, "B", 1001, 100_0000))) == [("J", "Z")]
    assert answers(v.enter(order(3, "B", 100, 0))) == [("J", "X")]
    assert answers(v.enter(order(4, "B", 100, 100_0000, tif=5))) == [("J", "O")]
    v.publish(halt("H"))
    assert answers(v.enter(order(5, "B", 100, 100_0000))) == [("J", "H")]
    v.publish(halt("T"))
    assert answers(v.enter(order(6, "B", 100, 100_0000, SYSTEM_HOURS))) == [("A", "L")]
    assert answers(v.enter(order(6, "B", 100, 100_0000, SYSTEM_HOURS))) == []  # ignored
    assert v.counts.duplicate_tokens == 1 and v.counts.rejected == 5


def test_the_end_of_the_day_cancels_what_rests_then_says_so():
    v = venue(add(1, "S", 101_0000, 100))
    v.enter(order(1, "B", 100, 100_0000, SYSTEM_HOURS))
    v.enter(order(2, "S", 50, 102_0000, SYSTEM_HOURS))
    assert answers(v.end_of_day()) == [("C", 100, "T"), ("C", 50, "T"), ("S", "E")]
    assert v.open_orders() == {}
