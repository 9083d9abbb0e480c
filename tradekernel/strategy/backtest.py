"""A strategy's Python run over a day: the Python reference engine
(tradekernel/feed/reference_book.py) replays the messages, tells the
strategy what the kernel's pipeline would (kernel/trade/pipeline.cpp), and
stands in for order entry as kernel/trade/order_entry.cpp decides.

It calls on_trade (E and C at their execution, P, Q) and on_bbo (when a
symbol's best bid or offer changed), with the symbol's state as the kernel
keeps it. It refuses strategies with on_book, on_status, on_feed or on_order:
the reference engine does not model those events yet, and a backtest that
skipped them would not be the day the kernel sees.

Order entry sends an order only for a symbol with a Stock Directory message,
a trusted book, a feed not behind, shares from 1 to max_order, and a position
within max_position after a full fill; the order's id is its OUCH token
number (trigger sequence x 10^4 + index + 1, kernel/trade/order_entry.h)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tradekernel import strategy as api
from tradekernel.feed.itch import decode
from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.strategy import frontend, python_backend
from tradekernel.strategy.layout import ctypes_struct
from tradekernel.strategy.python_backend import Fault, PythonStrategy

REPLAYED = ("on_trade", "on_bbo")
TOKEN_SCALE = 10_000  # make_token: trigger x 10^4 + index + 1


class NotReplayable(Exception):
    pass


@dataclass(frozen=True)
class BacktestOrder:
    trigger: int  # the MoldUDP64 sequence of the message that caused it
    stock: str
    side: str
    shares: int
    price: int
    locate: int
    id: int
    tif: int


@dataclass
class BacktestResult:
    orders: list[BacktestOrder]
    fault: Fault | None
    positions: dict[str, int]  # by stock: as if every order filled in full
    callbacks: dict[str, int]
    refused: dict[str, int]  # order entry's refusals, by reason
    messages: int
    books: ReferenceBooks


@dataclass
class _OrderEntry:
    max_order: int
    max_position: int
    symbols: dict[int, str]
    books: ReferenceBooks
    stale: Callable[[int], bool] | None
    sequence: int = 0
    sent_for_message: int = 0
    orders: list[BacktestOrder] = field(default_factory=list)
    positions: dict[int, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    refused_stale: list[int] = field(default_factory=list)

    def refuse(self, reason: str) -> int:
        self.refused[reason] = self.refused.get(reason, 0) + 1
        return 0

    def send_order(self, locate: int, side: int, shares: int, price: int, tif: int) -> int:
        if locate not in self.symbols:
            return self.refuse("unknown_symbol")
        if not self.books.trusted(locate):
            return self.refuse("untrusted_book")
        if self.stale is not None and self.stale(self.sequence):
            self.refused_stale.append(self.sequence)
            return self.refuse("feed_behind")
        if not 0 < shares <= self.max_order:
            return self.refuse("size")
        after = self.positions.get(locate, 0) + (shares if side == api.BUY else -shares)
        if abs(after) > self.max_position:
            return self.refuse("position")
        self.positions[locate] = after
        self.sent_for_message += 1
        order_id = self.sequence * TOKEN_SCALE + self.sent_for_message
        self.orders.append(
            BacktestOrder(
                self.sequence, self.symbols[locate], chr(side), shares, price, locate, order_id, tif
            )
        )
        return order_id

    def cancel_order(self, order: int) -> bool:
        return False  # every order is IOC-like here: nothing stays open

    def position(self, locate: int) -> int:
        return self.positions.get(locate, 0)


def load(path: Path) -> PythonStrategy:
    return python_backend.load(frontend.check_file(path))


def backtest(
    strategy: PythonStrategy,
    messages: Iterable[bytes],
    max_order: int = 1000,
    max_position: int = 100_000,
    books: ReferenceBooks | None = None,
    stale: Callable[[int], bool] | None = None,
    refused_stale: list[int] | None = None,
) -> BacktestResult:
    """`stale(sequence)`: the kernel had that message while its feed was
    behind (the demo knows from the kernel's records); the order it would
    have triggered is refused and its trigger appended to `refused_stale`."""
    extra = [c for c in strategy.functions if c not in REPLAYED]
    if extra:
        raise NotReplayable(
            f"{', '.join(extra)}: the backtest replays only {' and '.join(REPLAYED)} so far"
        )
    books = books if books is not None else ReferenceBooks()
    symbols: dict[int, str] = {}
    entry = _OrderEntry(max_order, max_position, symbols, books, stale)
    bbo_type, trade_type = ctypes_struct("Bbo"), ctypes_struct("Trade")
    symbol_type = ctypes_struct("SymbolState")
    states: dict[int, object] = {}
    wants_trades = strategy.has("on_trade")
    previous = api.set_engine(entry)
    count = 0
    try:
        for sequence, m in enumerate(messages, start=1):
            count = sequence
            entry.sequence, entry.sent_for_message = sequence, 0
            code = m[:1]
            if code == b"R":
                d = decode(m)
                symbols[int(d["stock_locate"])] = str(d["stock"])
            locate = books.apply(m)
            trade = None
            if code in b"PQ" and len(m) > 3:
                d = decode(m)
                side = str(d.get("buy_sell_indicator", " ")) or " "
                shares = int(d["shares"])
                trade = (
                    int(d["stock_locate"]),
                    side,
                    int(d["price"]),
                    shares,
                    int(d["match_number"]),
                    True,
                )
            elif locate is not None and books.change.executed is not None:
                side, price, shares = books.change.executed
                d = decode(m)
                printable = code == b"E" or d.get("printable") == "Y"
                if code == b"C":
                    price = int(d["execution_price"])
                trade = (
                    locate,
                    side if side in "BS" else " ",
                    price,
                    shares,
                    int(d["match_number"]),
                    printable,
                )
            if trade is not None:
                at = trade[0]
                s = states.setdefault(at, symbol_type())
                if trade[5]:
                    s.volume += trade[3]
                s.last_price = trade[2]
                if wants_trades:
                    t = trade_type(
                        locate=at, side=ord(trade[1]), price=trade[2], shares=trade[3],
                        match_number=trade[4], feed_sequence=sequence,
                    )  # fmt: skip
                    s.book_untrusted = not books.trusted(at)
                    strategy.call("on_trade", t, s)
            if locate is None:
                continue
            bid, ask = books.best(locate, "B"), books.best(locate, "S")
            now = (*(bid[:2] if bid else (0, 0)), *(ask[:2] if ask else (0, 0)))
            s = states.setdefault(locate, symbol_type())
            last = s.bbo
            if now == (last.bid_price, last.bid_shares, last.ask_price, last.ask_shares):
                continue
            bbo = bbo_type(
                locate=locate, bid_price=now[0], bid_shares=now[1], ask_price=now[2],
                ask_shares=now[3], feed_sequence=sequence,
            )  # fmt: skip
            s.bbo = bbo
            s.book_untrusted = not books.trusted(locate)
            strategy.call("on_bbo", bbo, s)
    finally:
        api.set_engine(previous)
    if refused_stale is not None:
        refused_stale.extend(entry.refused_stale)
    positions = {symbols[k]: v for k, v in entry.positions.items() if k in symbols}
    return BacktestResult(
        entry.orders, strategy.fault, positions, dict(strategy.calls), entry.refused, count, books
    )
