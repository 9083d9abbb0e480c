"""An order-book-imbalance market maker: it quotes one day order on each
side of a symbol, a cent inside the best bid and offer, LOT shares each,
while the spread is at least MIN_SPREAD. When the shares at the best bid outweigh
those at the offer by IMBALANCE_PCT (buyers press), it stops offering; the
other way round, it stops bidding. A quote whose price the market has left,
or whose side it stops, is cancelled; a new one goes out only once the
venue has confirmed the old one done (on_order). Within MAX_POSITION shares
of flat either way, counting what is open. An example of the language."""

from tradekernel.strategy import (
    BUY,
    CANCELLED,
    DAY,
    FILLED,
    REJECTED,
    SELL,
    Array,
    Bbo,
    OrderUpdate,
    SymbolState,
    cancel_order,
    i64,
    position,
    send_order,
    u32,
)

LOT = 100
MAX_POSITION = 500
MIN_SPREAD = 300  # $0.03
IMPROVE = 100  # quotes a cent inside the spread
IMBALANCE_PCT = 60


class State:
    bid_order: Array[i64, 65536]  # per stock locate: our open bid's id, 0 if none
    ask_order: Array[i64, 65536]
    bid_price: Array[u32, 65536]
    ask_price: Array[u32, 65536]
    fills: i64 = 0
    cancels: i64 = 0
    rejects: i64 = 0


def imbalance_pct(bid_shares: int, ask_shares: int) -> int:
    """-100 (all offers) to 100 (all bids)."""
    return (bid_shares - ask_shares) * 100 // (bid_shares + ask_shares)


def quote_bid(s: State, at: int, price: int, wanted: bool) -> None:
    order = s.bid_order[at]
    if order != 0:
        if not wanted or s.bid_price[at] != price:
            cancel_order(order)
        return
    if wanted and position(at) + LOT <= MAX_POSITION:
        order = send_order(at, BUY, LOT, price, tif=DAY)
        if order != 0:
            s.bid_order[at] = order
            s.bid_price[at] = price


def quote_ask(s: State, at: int, price: int, wanted: bool) -> None:
    order = s.ask_order[at]
    if order != 0:
        if not wanted or s.ask_price[at] != price:
            cancel_order(order)
        return
    if wanted and position(at) - LOT >= -MAX_POSITION:
        order = send_order(at, SELL, LOT, price, tif=DAY)
        if order != 0:
            s.ask_order[at] = order
            s.ask_price[at] = price


def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:
    at = bbo.locate
    two_sided = bbo.bid_shares > 0 and bbo.ask_shares > 0
    wide = two_sided and bbo.ask_price - bbo.bid_price >= MIN_SPREAD
    press = imbalance_pct(bbo.bid_shares, bbo.ask_shares) if two_sided else 0
    quote_bid(s, at, bbo.bid_price + IMPROVE, wide and press > -IMBALANCE_PCT)
    quote_ask(s, at, bbo.ask_price - IMPROVE, wide and press < IMBALANCE_PCT)


def on_order(s: State, update: OrderUpdate) -> None:
    if update.event == FILLED:
        s.fills += 1
    elif update.event == CANCELLED:
        s.cancels += 1
    elif update.event == REJECTED:
        s.rejects += 1
    if update.open != 0:
        return
    at = update.locate
    if update.id == s.bid_order[at]:
        s.bid_order[at] = 0
    elif update.id == s.ask_order[at]:
        s.ask_order[at] = 0
