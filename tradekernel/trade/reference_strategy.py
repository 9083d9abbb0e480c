"""The sample spread-taker strategy (kernel/trade/spread_taker.cpp) replayed
in Python over the reference book: which orders the kernel should send, and
which market-data message should trigger each.

The kernel tells the strategy when the best bid or offer of the symbol a
message touched changes; the strategy buys `shares` at the offer when the
spread is at most `max_spread`, once per narrowing: it trades again only
after the spread has widened. Its spread is computed in 32-bit unsigned
arithmetic, so a crossed book never counts as narrow. An order for a symbol
with no Stock Directory message yet is not sent, nor one the risk gate
refuses (size, or a position beyond `max_position` after a full fill), nor
one for a symbol whose book cannot be trusted (docs/order-books.md), nor one
triggered by a message delivered while the feed was behind (`stale`: see
FeedStatus in kernel/trade/strategy.h); the strategy then tries again on the
next change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tradekernel.feed.itch import decode
from tradekernel.feed.reference_book import ReferenceBooks


@dataclass(frozen=True)
class ExpectedOrder:
    trigger: int  # MoldUDP64 sequence of the message that caused it
    stock: str
    side: str
    shares: int
    price: int


def spread_taker_orders(
    messages: Iterable[bytes],
    max_spread: int = 100,
    shares: int = 100,
    max_order: int = 1000,
    max_position: int = 100_000,
    books: ReferenceBooks | None = None,
    stale: Callable[[int], bool] | None = None,
    refused_stale: list[int] | None = None,
) -> list[ExpectedOrder]:
    """The orders, in sequence; `books` (fresh if not given) ends holding the
    session's books, for their checksum. `stale(sequence)`: the kernel had the
    message while the feed was behind, so it refused the order, whose trigger
    is appended to `refused_stale`."""
    books = books if books is not None else ReferenceBooks()
    symbols: dict[int, str] = {}
    last: dict[int, tuple[int, int, int, int]] = {}
    done: set[int] = set()
    position: dict[int, int] = {}
    expected = []
    for sequence, m in enumerate(messages, start=1):
        if m[:1] == b"R":
            d = decode(m)
            symbols[d["stock_locate"]] = d["stock"]
        locate = books.apply(m)
        if locate is None:
            continue
        bid, ask = books.best(locate, "B"), books.best(locate, "S")
        now = (*(bid[:2] if bid else (0, 0)), *(ask[:2] if ask else (0, 0)))
        if now == last.get(locate, (0, 0, 0, 0)):
            continue
        last[locate] = now
        bid_price, bid_shares, ask_price, ask_shares = now
        if not bid_shares or not ask_shares:
            continue
        if (ask_price - bid_price) & 0xFFFFFFFF > max_spread:
            done.discard(locate)
            continue
        if locate in done or locate not in symbols or not books.trusted(locate):
            continue
        if stale is not None and stale(sequence):
            if refused_stale is not None:
                refused_stale.append(sequence)
            continue
        after = position.get(locate, 0) + shares
        if 0 < shares <= max_order and after <= max_position:
            expected.append(ExpectedOrder(sequence, symbols[locate], "B", shares, ask_price))
            position[locate] = after
            done.add(locate)
    return expected
