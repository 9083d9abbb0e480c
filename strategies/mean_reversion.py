"""Mean reversion on trade prints: per symbol, an exponential moving average
of trade prices (weight 1/WEIGHT, kept in 1/SCALE price units). When a
trade prints at least THRESHOLD_BPS below the average, buy LOT at the offer;
at least THRESHOLD_BPS above it, sell LOT at the bid; both immediate or
cancel, within MAX_POSITION shares of flat either way. After an order the
symbol rests for COOLDOWN trades. Nothing before WARMUP trades, nor on a
book that cannot be trusted. An example of the language, not advice."""

from tradekernel.strategy import (
    BUY,
    SELL,
    Array,
    Bbo,
    SymbolState,
    Trade,
    i64,
    position,
    send_order,
    u8,
)

SCALE = 16
WEIGHT = 8
WARMUP = 20
THRESHOLD_BPS = 15
LOT = 100
MAX_POSITION = 1000
COOLDOWN = 10


class State:
    average: Array[i64, 65536]  # per stock locate, price x SCALE
    seen: Array[u8, 65536]  # trades seen, up to 255
    resting: Array[u8, 65536]  # trades left before the next order
    orders: i64 = 0


def deviation_bps(price: int, average: int) -> int:
    return (price - average) * 10_000 // average


def on_trade(s: State, trade: Trade, symbol: SymbolState) -> None:
    at = trade.locate
    price = trade.price * SCALE
    if s.seen[at] == 0:
        s.average[at] = price
    else:
        s.average[at] += (price - s.average[at]) // WEIGHT
    s.seen[at] = min(s.seen[at] + 1, 255)
    if s.resting[at] > 0:
        s.resting[at] -= 1
        return
    if s.seen[at] < WARMUP or symbol.book_untrusted or s.average[at] <= 0:
        return
    away = deviation_bps(price, s.average[at])
    quote: Bbo = symbol.bbo
    net = position(at)
    sent = 0
    if away <= -THRESHOLD_BPS and quote.ask_shares > 0 and net + LOT <= MAX_POSITION:
        sent = send_order(at, BUY, LOT, quote.ask_price)
    elif away >= THRESHOLD_BPS and quote.bid_shares > 0 and net - LOT >= -MAX_POSITION:
        sent = send_order(at, SELL, LOT, quote.bid_price)
    if sent:
        s.orders += 1
        s.resting[at] = COOLDOWN
