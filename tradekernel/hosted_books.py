"""The kernel's order books (kernel/book/order_book.cpp) through the hosted
C ABI (platform/hosted/capi/book_capi.cpp), with the same views as the Python
reference (tradekernel/feed/reference_book.py), so the two can be compared
message by message."""

from __future__ import annotations

import ctypes
from types import TracebackType

from tradekernel.feed.reference_book import COUNTERS, Capacity
from tradekernel.hosted_lib import library

_u32p = ctypes.POINTER(ctypes.c_uint32)


def market_day_capacity() -> Capacity:
    """The capacity the kernel ships with (book::kMarketDayCapacity)."""
    lib = library()
    out = (ctypes.c_uint32 * 2)()
    lib.tk_book_market_day_capacity(out)
    return Capacity(out[0], out[1])


class HostedBooks:
    def __init__(self, capacity: Capacity | None = None) -> None:
        lib = self.lib = library()
        self.capacity = capacity or market_day_capacity()
        c = self.capacity
        if not (0 <= c.orders <= 2**30 and 0 <= c.levels <= 2**30 and 1 <= c.locates <= 65_536):
            raise ValueError(f"{c}: orders and levels are at most 2^30, locates 1 to 65,536")
        self.h = lib.tk_book_create(c.orders, c.levels, c.locates)
        if not self.h:
            raise MemoryError(f"no memory for books of {self.capacity}")
        self._out = (ctypes.c_uint64 * (3 * 1024))()
        self._state = (ctypes.c_uint32 * 5)()

    def __enter__(self) -> HostedBooks:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def apply(self, message: bytes) -> int:
        """The locate whose book changed; -1 none; -2 rejected by the ITCH layer."""
        return self.lib.tk_book_apply(self.h, message, len(message))

    def depth(self, locate: int, side: str, n: int) -> list[tuple[int, int, int]]:
        out = self._out if n <= 1024 else (ctypes.c_uint64 * (3 * n))()
        count = self.lib.tk_book_depth(self.h, locate, 0 if side == "B" else 1, out, n)
        return [(out[3 * i], out[3 * i + 1], out[3 * i + 2]) for i in range(count)]

    def state(self, locate: int) -> tuple[bool, int, bool]:
        """(trusted, orphans, lost) of one book."""
        self.lib.tk_book_state(self.h, locate, self._state)
        return bool(self._state[0]), self._state[1], bool(self._state[2])

    def figures(self) -> dict[str, int]:
        self.lib.tk_book_figures(self.h, self._state)
        names = ("live_orders", "peak_orders", "live_levels", "peak_levels", "untrusted_books")
        return dict(zip(names, self._state, strict=True))

    def last_change(self) -> tuple[list[tuple[str, int, int, int]], list[tuple[int, bool]]]:
        """The levels the last apply() changed, as (side, price, shares,
        orders), and its changes of trust, as (locate, trusted after it)."""
        levels = (ctypes.c_uint64 * 8)()
        status = (ctypes.c_uint32 * 5)()
        n = self.lib.tk_book_last_change(self.h, levels, status)
        changed = [("BS"[levels[4 * i]], *levels[4 * i + 1 : 4 * i + 4]) for i in range(n)]
        trust = [(status[1 + 2 * i], bool(status[2 + 2 * i])) for i in range(status[0])]
        return changed, trust  # type: ignore[return-value]

    def checksum(self) -> int:
        return self.lib.tk_book_checksum(self.h)

    def counters(self) -> dict[str, int]:
        values = (ctypes.c_uint64 * 64)()
        n = self.lib.tk_book_counters(self.h, values)
        if n != len(COUNTERS):
            raise RuntimeError(f"the C ABI has {n} book counters, Python names {len(COUNTERS)}")
        return dict(zip(COUNTERS, values[:n], strict=True))

    def close(self) -> None:
        if self.h:
            self.lib.tk_book_destroy(self.h)
            self.h = None
