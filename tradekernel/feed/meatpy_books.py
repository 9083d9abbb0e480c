"""A second, independent ITCH 5.0 oracle: MeatPy (PyPI `meatpy` 0.5.0,
BSD-3-Clause, by Gregoire and Martineau), its ITCH 5.0 decoder
(ITCH50MarketMessage.from_bytes) and its per-instrument limit order book
(ITCH50MarketProcessor and LimitOrderBook). This module only routes messages
to it and reads levels out; it keeps no book of its own.

MeatPy keeps one processor (and book) per 8-byte stock *symbol*; it never
looks at the stock locate. Routing here is what offering every message to
every processor would do (what MeatPy expects), only cheaper:
  * a message with a stock field goes to that symbol's processor (created on
    the first A, F or R for that symbol);
  * E, C, X and D go to the processor that took the order's Add (U by its
    original reference; the new reference then belongs to the same one),
    and only if that processor still holds the reference, as it checks;
  * messages with neither (S, V, W, B) go to every processor.
Books are reported under the locate the stock directory (R) gave the symbol,
else under the locate of the first add for it.

Two settings differ from MeatPy's defaults, both for a well-formed feed:
  * an E that executes an order not first in line at the best price is
    applied without recording an ExecutionPriorityException (MeatPy would
    apply it too, then raise later on);
  * after any exception from MeatPy, levels left with no orders are dropped
    (MeatPy 0.5.0 leaves one behind when a C, or an E out of priority,
    executes more shares than the order has; a later E at that price would
    then fail with IndexError).
Exceptions are never raised: they are counted in `errors` by (message type,
exception name, stock locate), for tests to explain each.

Where MeatPy and the specification part (both settings above), the
specification wins. On input the specification does not cover it follows
its own rules, not our policy (docs/order-books.md), so tests compare it
only on books that saw none of that input.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from meatpy.itch50 import ITCH50MarketProcessor  # type: ignore[import-untyped]
from meatpy.itch50.itch50_market_message import ITCH50MarketMessage  # type: ignore[import-untyped]
from meatpy.lob import LimitOrderBook  # type: ignore[import-untyped]
from meatpy.timestamp import Timestamp  # type: ignore[import-untyped]

Levels = dict[int, tuple[int, int]]  # price (Price(4) units) -> (shares, orders)
_DAY = datetime.datetime(2000, 1, 3)
_ADDS = (b"A", b"F", b"R")


class _Book(LimitOrderBook):  # type: ignore[misc]
    def skip_exception(self, e: Exception) -> bool:
        return True  # do not buffer execution-priority violations


class _Processor(ITCH50MarketProcessor):  # type: ignore[misc]
    def create_lob(self, timestamp: Timestamp) -> None:
        self.current_lob = _Book(timestamp)
        self.current_lob.decimals_adj = 10000


def read_messages(path: str | Path) -> Iterator[bytes]:
    """Messages of a file in Nasdaq's format (2-byte big-endian length, then
    the message), uncompressed."""
    data = Path(path).read_bytes()
    at = 0
    while at + 2 <= len(data):
        n = int.from_bytes(data[at : at + 2], "big")
        yield data[at + 2 : at + 2 + n]
        at += 2 + n


class IndependentBooks:
    def __init__(self) -> None:
        self.processors: dict[bytes, _Processor] = {}
        self.locate_of: dict[bytes, int] = {}  # symbol -> locate
        self.owner: dict[int, _Processor] = {}  # order reference -> the processor of its Add
        self.errors: Counter[tuple[str, str, int]] = Counter()
        self.apply_ns: list[int] = []  # time of each apply(), parse included

    def _processor(self, symbol: bytes, locate: int) -> _Processor:
        p = self.processors.get(symbol)
        if p is None:
            p = self.processors[symbol] = _Processor(symbol, _DAY)
            self.locate_of.setdefault(symbol, locate)
        return p

    def _targets(self, m: ITCH50MarketMessage) -> list[_Processor]:
        stock = getattr(m, "stock", None)
        if stock is not None:
            if m.type in _ADDS:
                p = self._processor(stock, m.stock_locate)
                if m.type != b"R":
                    self.owner[m.order_ref] = p
                return [p]
            p = self.processors.get(stock)
            return [p] if p is not None else []
        ref = getattr(m, "order_ref", None)
        if ref is None:
            ref = getattr(m, "original_ref", None)
        if ref is not None:
            p = self.owner.get(ref)
            if p is None or ref not in p._order_refs:
                return []
            if m.type == b"U":
                self.owner[m.new_ref] = p
            return [p]
        return list(self.processors.values())

    @staticmethod
    def _error(message: bytes, e: Exception) -> tuple[str, str, int]:
        return chr(message[0]), type(e).__name__, int.from_bytes(message[1:3], "big")

    def apply(self, message: bytes) -> None:
        start = time.perf_counter_ns()
        try:
            m = ITCH50MarketMessage.from_bytes(message)
        except Exception as e:  # unknown type, wrong length
            self.errors[self._error(message, e)] += 1
            m = None
        if m is not None:
            for p in self._targets(m):
                try:
                    p.process_message(m)
                except Exception as e:
                    self.errors[self._error(message, e)] += 1
                    lob = p.current_lob
                    if lob is not None:
                        lob.bid_levels[:] = [x for x in lob.bid_levels if x.queue]
                        lob.ask_levels[:] = [x for x in lob.ask_levels if x.queue]
        self.apply_ns.append(time.perf_counter_ns() - start)

    def levels(self, locate: int, side: str) -> Levels:
        """{price: (shares, orders)} of the side ('B' or 'S') of every symbol
        reported under `locate`."""
        out: Levels = {}
        for symbol, p in self.processors.items():
            if self.locate_of[symbol] != locate or p.current_lob is None:
                continue
            lob = p.current_lob
            for level in lob.bid_levels if side == "B" else lob.ask_levels:
                if level.queue:
                    shares = sum(o.volume for o in level.queue)
                    old = out.get(level.price, (0, 0))
                    out[level.price] = (old[0] + shares, old[1] + len(level.queue))
        return out

    def all_levels(self) -> dict[tuple[int, str], Levels]:
        """Every non-empty side: {(locate, side): {price: (shares, orders)}}."""
        out: dict[tuple[int, str], Levels] = {}
        for locate in sorted(set(self.locate_of.values())):
            for side in "BS":
                book = self.levels(locate, side)
                if book:
                    out[(locate, side)] = book
        return out


def apply_file(path: str | Path) -> dict[tuple[int, str], Levels]:
    books = IndependentBooks()
    for message in read_messages(path):
        books.apply(message)
    return books.all_levels()
