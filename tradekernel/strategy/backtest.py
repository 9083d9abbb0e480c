"""A strategy's Python run over a day: the Python reference engine
(tradekernel/feed/reference_book.py) replays the messages, tells the
strategy what the kernel's pipeline would (kernel/trade/pipeline.cpp), and
stands in for order entry as kernel/trade/order_entry.cpp and
order_state.cpp keep it, trading with the demo venue's matching engine
(tradekernel/trade/matching.py).

It calls on_trade (E and C at their execution, P, Q), on_bbo (when a
symbol's best bid or offer changed), with the symbol's state as the kernel
keeps it, and on_order for each answer of the venue. Answers reach the
strategy after the message whose callbacks sent the orders, and the venue's
executions of resting orders before the message that caused them is handed
to the strategy: the kernel sees them when the network delivers them, so a
strategy that acts on its fills may act a message earlier or later there.
It refuses strategies with on_book, on_status or on_feed: the reference
engine does not report those events yet, and a backtest that skipped them
would not be the day the kernel sees.

Order entry sends an order only for a symbol with a Stock Directory message,
a trusted book, a feed not behind, shares from 1 to max_order, and a
position within max_position once every open order on its side filled; the
order's id is its OUCH token number (trigger sequence x 10^4 + index + 1,
kernel/trade/order_entry.h). It does not model the risk gate's price collar,
notional or rate limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tradekernel import strategy as api
from tradekernel.feed.itch import decode, is_valid
from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.strategy import frontend, python_backend
from tradekernel.strategy.frontend import CALLBACKS
from tradekernel.strategy.layout import ctypes_struct
from tradekernel.strategy.python_backend import Fault, PythonStrategy
from tradekernel.trade import ouch
from tradekernel.trade.matching import MatchingEngine

REPLAYED = ("on_trade", "on_bbo", "on_order")
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

    @property
    def index(self) -> int:
        """Among the orders its trigger sent (the token's last 4 digits)."""
        return (self.id - 1) % TOKEN_SCALE


@dataclass
class BacktestResult:
    orders: list[BacktestOrder]
    fault: Fault | None
    positions: dict[str, int]  # by stock: net shares from the venue's fills
    callbacks: dict[str, int]
    refused: dict[str, int]  # order entry's refusals, by reason
    messages: int
    books: ReferenceBooks
    skipped: int = 0  # callbacks not run after a fault
    acts_on_fills: bool = False  # frontend.Program.acts_on_fills


@dataclass
class _Order:
    id: int
    token: str
    locate: int
    side: int
    shares: int
    price: int
    open: int
    filled: int = 0
    state: int = api.PENDING
    cancel_sent: bool = False


@dataclass
class _Held:
    net: int = 0
    open_buy: int = 0
    open_sell: int = 0


@dataclass
class _OrderEntry:
    """Order entry as kernel/trade/order_entry.cpp and order_state.cpp keep
    it, trading with the venue's matching engine (tradekernel/trade/
    matching.py, the demo venue's): each order is entered at once, and the
    answers it draws reach the strategy (on_order) after the message that
    triggered it, with the venue's executions of resting orders."""

    max_order: int
    max_position: int
    symbols: dict[int, str]
    books: ReferenceBooks
    stale: Callable[[int], bool] | None
    venue: MatchingEngine
    sequence: int = 0
    sent_for_message: int = 0
    orders: list[BacktestOrder] = field(default_factory=list)
    held: dict[int, _Held] = field(default_factory=dict)
    open: dict[str, _Order] = field(default_factory=dict)
    answers: list[bytes] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    refused_stale: list[int] = field(default_factory=list)
    cancels: list[tuple[object, ...]] | None = None  # each cancel sent, if asked for
    day_closed: bool = False

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
        if self.sent_for_message >= TOKEN_SCALE:  # make_token's 4 digits
            return self.refuse("token_exhausted")
        if self.day_closed:  # after the venue's End of Day
            return self.refuse("day_closed")
        if chr(side) not in "BSTE":  # OUCH 4.2 sides (valid_side, kernel/trade/ouch.h)
            return self.refuse("side")
        if not 0 < shares <= self.max_order:
            return self.refuse("size")
        h = self.held.setdefault(locate, _Held())
        # The worst case on the order's side: every open order on it filled.
        buy = side == api.BUY
        worst = h.net + h.open_buy if buy else h.net - h.open_sell
        if abs(worst + (shares if buy else -shares)) > self.max_position:
            return self.refuse("position")
        order_id = self.sequence * TOKEN_SCALE + self.sent_for_message + 1
        token = f"{self.sequence:010d}{self.sent_for_message:04d}"
        self.sent_for_message += 1
        if buy:
            h.open_buy += shares
        else:
            h.open_sell += shares
        stock = self.symbols[locate]
        self.open[token] = _Order(order_id, token, locate, side, shares, price, shares)
        self.orders.append(
            BacktestOrder(self.sequence, stock, chr(side), shares, price, locate, order_id, tif)
        )
        self.answers += self.venue.enter(
            ouch.ENTER_ORDER.pack(
                b"O", token.encode(), bytes([side]), shares, stock.encode().ljust(8), price, tif,
                b"    ", b"Y", b"P", b"N", 0, b"N", b" ",
            )
        )  # fmt: skip
        return order_id

    def cancel_order(self, order: int) -> bool:
        key = order - 1
        token = f"{key // TOKEN_SCALE:010d}{key % TOKEN_SCALE:04d}"
        o = self.open.get(token)
        if o is None or o.cancel_sent:
            self.refuse("cancel_refused")
            return False
        o.cancel_sent = True
        if self.cancels is not None:
            self.cancels.append(("cancel", self.sequence, order))
        self.answers += self.venue.enter(ouch.CANCEL_ORDER.pack(b"X", token.encode(), 0))
        return True

    def position(self, locate: int) -> int:
        h = self.held.get(locate)
        return h.net if h else 0

    def _close(self, o: _Order, shares: int) -> None:
        h = self.held[o.locate]
        if o.side == api.BUY:
            h.open_buy = max(h.open_buy - shares, 0)
        else:
            h.open_sell = max(h.open_sell - shares, 0)
        o.open -= shares

    def deliver(self, strategy: Strategy, update_type: type) -> None:
        """The answers so far, applied in order; the strategy told of each."""
        while self.answers:
            answer, self.answers = self.answers[0], self.answers[1:]
            a = ouch.decode_outbound(answer)
            o = self.open.get(str(a.get("token", "")))
            if o is None:
                continue
            event, shares, price, reason = api.ACCEPTED, 0, o.price, "\0"
            if a["type"] == "accepted":
                o.state = api.LIVE
                if a["order_state"] == "D":  # accepted and cancelled at once
                    event, shares = api.CANCELLED, o.open
                    self._close(o, o.open)
                    o.state = api.DONE_CANCELLED
            elif a["type"] == "executed":
                shares, price = min(int(a["shares"]), o.open), int(a["price"])
                self.held[o.locate].net += shares if o.side == api.BUY else -shares
                self._close(o, shares)
                o.filled += shares
                o.state = api.DONE_FILLED if o.open == 0 else api.PARTLY_FILLED
                event = api.FILLED
            elif a["type"] == "canceled":
                shares = min(int(a["shares"]), o.open)
                self._close(o, shares)
                if o.open == 0:
                    o.state = api.DONE_CANCELLED
                else:
                    o.cancel_sent = False
                event, reason = api.CANCELLED, str(a["reason"])
            else:  # rejected
                self._close(o, o.open)
                o.state = api.DONE_REJECTED
                event, reason = api.REJECTED, str(a["reason"])
            if o.state >= api.DONE_FILLED:
                del self.open[o.token]
            update = update_type(
                id=o.id, locate=o.locate, side=o.side, event=event, state=o.state, shares=shares,
                price=price, open=o.open, filled=o.filled, reason=ord(reason),
            )  # fmt: skip
            strategy.call("on_order", update)


class Strategy(Protocol):
    program: frontend.Program
    fault: Fault | None
    calls: dict[str, int]
    skipped: int

    def has(self, callback: str) -> bool: ...
    def call(self, callback: str, *args: Any) -> None: ...


def load(path: Path) -> PythonStrategy:
    return python_backend.load(frontend.check_file(path))


def backtest(
    strategy: Strategy,
    messages: Iterable[bytes],
    max_order: int = 1000,
    max_position: int = 100_000,
    books: ReferenceBooks | None = None,
    stale: Callable[[int], bool] | None = None,
    refused_stale: list[int] | None = None,
    cancels: list[tuple[object, ...]] | None = None,
) -> BacktestResult:
    """`stale(sequence)`: the kernel had that message while its feed was
    behind (the demo knows from the kernel's records); the order it would
    have triggered is refused and its trigger appended to `refused_stale`."""
    extra = [c for c in CALLBACKS if strategy.has(c) and c not in REPLAYED]
    if extra:
        raise NotReplayable(
            f"{', '.join(extra)}: the backtest replays only {' and '.join(REPLAYED)} so far"
        )
    books = books if books is not None else ReferenceBooks()
    symbols: dict[int, str] = {}
    entry = _OrderEntry(max_order, max_position, symbols, books, stale, MatchingEngine())
    entry.cancels = cancels
    update_type = ctypes_struct("OrderUpdate")
    bbo_type, trade_type = ctypes_struct("Bbo"), ctypes_struct("Trade")
    symbol_type = ctypes_struct("SymbolState")
    states: dict[int, object] = {}
    wants_trades = strategy.has("on_trade")
    previous = api.set_engine(entry)
    count = 0
    try:
        for sequence, m in enumerate(messages, start=1):
            count = sequence
            entry.deliver(strategy, update_type)  # the answers to the last message's orders
            entry.answers += entry.venue.publish(m)  # resting orders this message executes
            entry.deliver(strategy, update_type)
            if not is_valid(m):  # the kernel's ITCH check skips it, counted; its
                continue  # orders keep the last valid message as their trigger
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
                    int(d["price"] if code == b"P" else d["cross_price"]),
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
        entry.deliver(strategy, update_type)
        entry.answers += entry.venue.end_of_day()
        entry.day_closed = True  # the kernel refuses every order from its End of Day on
        entry.deliver(strategy, update_type)
    finally:
        api.set_engine(previous)
    if refused_stale is not None:
        refused_stale.extend(entry.refused_stale)
    positions = {symbols[k]: h.net for k, h in entry.held.items() if k in symbols}
    return BacktestResult(
        entry.orders, strategy.fault, positions, dict(strategy.calls), entry.refused, count, books,
        strategy.skipped, strategy.program.acts_on_fills,
    )  # fmt: skip
