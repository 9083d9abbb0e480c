"""A plain Python order book built from ITCH 5.0 messages: the test oracle
for the kernel's books (kernel/book/order_book.cpp). Written for clarity,
not speed: dictionaries of orders and of price levels."""

from __future__ import annotations

import struct
from collections import defaultdict
from dataclasses import dataclass, field

from tradekernel.feed.itch import decode, is_valid


@dataclass
class Order:
    locate: int
    side: str  # "B" or "S"
    price: int
    shares: int


@dataclass
class ReferenceBooks:
    orders: dict[int, Order] = field(default_factory=dict)
    # (locate, side) -> price -> [shares, orders]
    levels: dict[tuple[int, str], dict[int, list[int]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def _level(self, o: Order, shares: int, count: int) -> None:
        book = self.levels[(o.locate, o.side)]
        level = book.setdefault(o.price, [0, 0])
        level[0] += shares
        level[1] += count
        if level[1] == 0:
            del book[o.price]

    def _add(self, ref: int, o: Order) -> None:
        self.orders[ref] = o
        self._level(o, o.shares, 1)

    def _reduce(self, ref: int, shares: int) -> None:
        o = self.orders[ref]
        shares = min(shares, o.shares)
        gone = shares == o.shares
        self._level(o, -shares, -1 if gone else 0)
        if gone:
            del self.orders[ref]
        else:
            o.shares -= shares

    def apply(self, message: bytes) -> int | None:
        """Applies one message; returns the locate it touched, if any. A
        malformed message (unknown type, wrong length) changes nothing."""
        if not is_valid(message):
            return None
        code = chr(message[0])
        m = decode(message)
        if code in "AF":
            o = Order(m["stock_locate"], m["buy_sell_indicator"], m["price"], m["shares"])
            self._add(m["order_reference_number"], o)
            return o.locate
        if code in "ECXD":
            ref = m["order_reference_number"]
            if ref not in self.orders:
                return None
            locate = self.orders[ref].locate
            shares = self.orders[ref].shares if code == "D" else (
                m["cancelled_shares"] if code == "X" else m["executed_shares"])  # fmt: skip
            self._reduce(ref, shares)
            return locate
        if code == "U":
            old = self.orders.get(m["original_order_reference_number"])
            if old is None:
                return None
            self._reduce(m["original_order_reference_number"], old.shares)
            self._add(
                m["new_order_reference_number"],
                Order(old.locate, old.side, m["price"], m["shares"]),
            )
            return old.locate
        return None

    def depth(self, locate: int, side: str, n: int) -> list[tuple[int, int, int]]:
        book = self.levels.get((locate, side), {})
        prices = sorted(book, reverse=(side == "B"))[:n]
        return [(p, book[p][0], book[p][1]) for p in prices]

    def checksum(self) -> int:
        """The kernel's Books::checksum(): FNV-1a 64 over every level, locates
        ascending, bids then offers, best first; per level locate (2 bytes),
        side (1), price (4), shares (8), orders (4), little endian."""
        h = 0xCBF29CE484222325
        for locate in sorted({loc for loc, _ in self.levels}):
            for side_index, side in enumerate("BS"):
                book = self.levels.get((locate, side), {})
                for price in sorted(book, reverse=(side == "B")):
                    shares, orders = book[price]
                    data = struct.pack("<HBIQI", locate, side_index, price, shares, orders)
                    for byte in data:
                        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return h
