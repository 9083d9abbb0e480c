"""A plain Python order book built from ITCH 5.0 messages: the test oracle
for the kernel's books (kernel/book/order_book.cpp). Written for clarity,
not speed: dictionaries of orders and of price levels.

It follows the same policy as the kernel for capacity limits and for input
the specification does not cover (docs/order-books.md), including the same
capacities when it is given them, so that a session that overflows on
purpose can be checked message by message too."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from tradekernel.feed.itch import decode, is_valid

SIDES = "BS"
UNKNOWN_SIDE = "?"  # a Buy/Sell Indicator that was neither 'B' nor 'S'


@dataclass(frozen=True)
class Capacity:
    orders: int  # live orders at once, orphans included
    levels: int  # price levels at once, all books and sides
    locates: int = 65_536  # books for locates below this; an order message beyond is refused


@dataclass
class Order:
    locate: int
    side: str  # "B", "S" or UNKNOWN_SIDE
    price: int
    shares: int
    shown: bool  # False: an orphan, kept but in no price level


@dataclass
class BookTrust:
    orphans: int = 0
    lost: bool = False

    @property
    def trusted(self) -> bool:
        return self.orphans == 0 and not self.lost


@dataclass
class Change:
    """What the last apply() did: the levels it changed as (side, price,
    shares, orders) after the change (0 orders: gone), the executed (side,
    price, shares) of the resting order for E and C, and each change of a
    book's trust: its locate and the trust just after it."""

    levels: list[tuple[str, int, int, int]] = field(default_factory=list)
    executed: tuple[str, int, int] | None = None
    status: list[tuple[int, bool]] = field(default_factory=list)  # (locate, trusted after)


# In the order of the kernel's BookCounters (kernel/book/order_book.h).
COUNTERS = ("applied", "ignored", "unknown_order", "zero_shares", "zero_price", "bad_side",
            "levels_full", "locate_mismatch", "table_full", "duplicate_order", "over_execution",
            "untrusted", "recovered", "locate_out_of_range")  # fmt: skip


@dataclass
class ReferenceBooks:
    capacity: Capacity | None = None  # None: no limits
    orders: dict[int, Order] = field(default_factory=dict)
    # (locate, side) -> price -> [shares, orders]
    levels: dict[tuple[int, str], dict[int, list[int]]] = field(default_factory=dict)
    trust: dict[int, BookTrust] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    change: Change = field(default_factory=Change)
    live_levels: int = 0

    # --- trust ----------------------------------------------------------------

    def trusted(self, locate: int) -> bool:
        return self._trust(locate).trusted

    def _trust(self, locate: int) -> BookTrust:
        return self.trust.setdefault(locate, BookTrust())

    def _set(self, locate: int, orphans: int | None = None, lost: bool | None = None) -> None:
        t = self._trust(locate)
        before = t.trusted
        if orphans is not None:
            t.orphans = orphans
        if lost is not None:
            t.lost = lost
        if t.trusted != before:
            self.counters["recovered" if t.trusted else "untrusted"] += 1
            self.change.status.append((locate, t.trusted))

    def _lose(self, locate: int) -> None:
        self._set(locate, lost=True)

    # --- levels ---------------------------------------------------------------

    def _level(self, o: Order, shares: int, count: int) -> None:
        book = self.levels[(o.locate, o.side)]
        level = book[o.price]
        level[0] += shares
        level[1] += count
        self.change.levels.append((o.side, o.price, level[0], level[1]))
        if level[1] == 0:
            del book[o.price]
            self.live_levels -= 1

    def _has_room_for(self, locate: int, side: str, price: int) -> bool:
        if price in self.levels.get((locate, side), {}):
            return True
        return self.capacity is None or self.live_levels < self.capacity.levels

    # --- orders ---------------------------------------------------------------

    def _add(self, ref: int, locate: int, side: str, shares: int, price: int) -> bool:
        if shares == 0:
            self.counters["zero_shares"] += 1
            return False
        if price == 0:
            self.counters["zero_price"] += 1
            return False
        if ref in self.orders:
            self.counters["duplicate_order"] += 1
            self._lose(locate)
            return False
        if self.capacity is not None and len(self.orders) == self.capacity.orders:
            self.counters["table_full"] += 1
            self._lose(locate)
            return False
        shown = side != UNKNOWN_SIDE and self._has_room_for(locate, side, price)
        if side == UNKNOWN_SIDE:
            self.counters["bad_side"] += 1
        elif not shown:
            self.counters["levels_full"] += 1
        o = self.orders[ref] = Order(locate, side, price, shares, shown)
        if shown:
            book = self.levels.setdefault((locate, side), {})
            if price not in book:
                book[price] = [0, 0]
                self.live_levels += 1
            self._level(o, shares, 1)
        else:
            self._set(locate, orphans=self._trust(locate).orphans + 1)
        return True

    def _reduce(self, ref: int, shares: int, executed: bool) -> None:
        o = self.orders[ref]
        if shares > o.shares:
            self.counters["over_execution"] += 1
            self._lose(o.locate)
            shares = o.shares
        if executed:
            self.change.executed = (o.side, o.price, shares)
        gone = shares == o.shares
        if o.shown:
            self._level(o, -shares, -1 if gone else 0)
        elif gone:
            self._set(o.locate, orphans=self._trust(o.locate).orphans - 1)
        if gone:
            del self.orders[ref]
        else:
            o.shares -= shares

    def apply(self, message: bytes) -> int | None:
        """Applies one message; returns the locate whose book it changed, if
        any. A malformed message (unknown type, wrong length) changes nothing."""
        self.change = Change()
        if not is_valid(message):
            return None
        code = chr(message[0])
        if code not in "AFECXDU":
            self.counters["ignored"] += 1
            return None
        m = decode(message)
        locate = m["stock_locate"]
        if self.capacity is not None and locate >= self.capacity.locates:
            self.counters["locate_out_of_range"] += 1
            return None
        if code in "AF":
            # The raw byte: decode() strips a space, and "" is in every string.
            side = chr(message[19])
            side = side if side in ("B", "S") else UNKNOWN_SIDE
            if not self._add(m["order_reference_number"], locate, side, m["shares"], m["price"]):
                return None
        else:
            ref = m["original_order_reference_number" if code == "U" else "order_reference_number"]
            o = self.orders.get(ref)
            if o is None:
                self.counters["unknown_order"] += 1
                return None
            if o.locate != locate:
                # Which book was meant is unknown: nothing applied, the order
                # no longer shown (an orphan) until it leaves.
                self.counters["locate_mismatch"] += 1
                if not o.shown:
                    return None
                self._level(o, -o.shares, -1)
                o.shown = False
                self._set(o.locate, orphans=self._trust(o.locate).orphans + 1)
                return o.locate
            if code in "ECX" and m["cancelled_shares" if code == "X" else "executed_shares"] == 0:
                self.counters["zero_shares"] += 1
                return None
            if code == "U":
                self._reduce(ref, o.shares, executed=False)
                self._add(m["new_order_reference_number"], locate, o.side, m["shares"], m["price"])
            elif code == "D":
                self._reduce(ref, o.shares, executed=False)
            else:
                shares = m["cancelled_shares" if code == "X" else "executed_shares"]
                self._reduce(ref, shares, executed=code in "EC")
        self.counters["applied"] += 1
        return locate

    # --- views ----------------------------------------------------------------

    def depth(self, locate: int, side: str, n: int) -> list[tuple[int, int, int]]:
        book = self.levels.get((locate, side), {})
        prices = sorted(book, reverse=(side == "B"))[:n]
        return [(p, book[p][0], book[p][1]) for p in prices]

    def best(self, locate: int, side: str) -> tuple[int, int, int] | None:
        book = self.levels.get((locate, side))
        if not book:
            return None
        price = max(book) if side == "B" else min(book)
        return (price, book[price][0], book[price][1])

    def untrusted_books(self) -> int:
        return sum(1 for t in self.trust.values() if not t.trusted)

    def checksum(self) -> int:
        """The kernel's Books::checksum(): FNV-1a 64 over every level, locates
        ascending, bids then offers, best first; per level locate (2 bytes),
        side (1), price (4), shares (8), orders (4), little endian."""
        h = 0xCBF29CE484222325
        for locate in sorted({loc for loc, _ in self.levels}):
            for side_index, side in enumerate(SIDES):
                book = self.levels.get((locate, side), {})
                for price in sorted(book, reverse=(side == "B")):
                    shares, orders = book[price]
                    data = struct.pack("<HBIQI", locate, side_index, price, shares, orders)
                    for byte in data:
                        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return h
