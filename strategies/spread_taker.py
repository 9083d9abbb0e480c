"""The spread taker: when a symbol's spread narrows to at most MAX_SPREAD
(price units of 1/10,000 dollar), buy SHARES at the offer, once per
narrowing: it trades again only after the spread has widened. A crossed book
(offer below bid) counts as wide. The kernel's risk gate ends its buying at
the position limit. It exists to exercise the path from market data to an
order, not to make money."""

from tradekernel.strategy import BUY, Array, Bbo, SymbolState, i64, send_order, u8

MAX_SPREAD = 100
SHARES = 100


class State:
    max_spread: i64 = MAX_SPREAD
    shares: i64 = SHARES
    done: Array[u8, 65536]  # per stock locate: bought since the spread last narrowed


def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:
    if bbo.bid_shares == 0 or bbo.ask_shares == 0:
        return
    spread = bbo.ask_price - bbo.bid_price
    if spread < 0 or spread > s.max_spread:
        s.done[bbo.locate] = 0  # wide again: the next narrowing trades
        return
    if s.done[bbo.locate]:
        return
    if send_order(bbo.locate, BUY, s.shares, bbo.ask_price):
        s.done[bbo.locate] = 1
