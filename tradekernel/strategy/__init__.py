"""Strategies in Python: what a strategy file imports.

A strategy is one Python file in a typed subset of the language
(docs/strategies.md). It runs as Python (`tradekernel backtest`) and the
very same file compiles into the kernel (`tradekernel build --strategy`).
Its callbacks read the structures below, keep their own state in one class
of typed fields, and act through send_order and cancel_order.

In the Python run, the functions here go to the engine replaying the day
(tradekernel/strategy/backtest.py or the hosted pipeline); compiled, they
are calls into the kernel's order entry (kernel/trade/compiled_strategy.cpp)."""

from __future__ import annotations

from typing import Any, Protocol

from tradekernel.strategy.layout import ctypes_struct

# Fixed-width integers for state fields and arrays; a local is an int
# (64-bit signed, checked) or a bool.
i8 = i16 = i32 = i64 = u8 = u16 = u32 = u64 = int


class Array:
    """`Array[u8, 65536]`: a fixed-size array field of the state class."""

    def __class_getitem__(cls, item: Any) -> type[list[int]]:
        return list


Bbo = ctypes_struct("Bbo")
BookChange = ctypes_struct("BookChange")
Trade = ctypes_struct("Trade")
BookStatus = ctypes_struct("BookStatus")
FeedStatus = ctypes_struct("FeedStatus")
SymbolState = ctypes_struct("SymbolState")
OrderUpdate = ctypes_struct("OrderUpdate")

# Sides (ITCH and OUCH 4.2 codes)
BUY = ord("B")
SELL = ord("S")
SHORT = ord("T")  # sell short
# Time in force, seconds (OUCH 4.2, 2.1)
IOC = 0
DAY = 99999
# OrderUpdate.event
ACCEPTED, FILLED, CANCELLED, REJECTED = range(4)
# OrderUpdate.state
PENDING, LIVE, PARTLY_FILLED, DONE_FILLED, DONE_CANCELLED, DONE_REJECTED = range(6)

# The names a strategy may take from this module, with the value each
# constant has in the compiled code too.
CONSTANTS: dict[str, int] = {
    "BUY": BUY,
    "SELL": SELL,
    "SHORT": SHORT,
    "IOC": IOC,
    "DAY": DAY,
    "ACCEPTED": ACCEPTED,
    "FILLED": FILLED,
    "CANCELLED": CANCELLED,
    "REJECTED": REJECTED,
    "PENDING": PENDING,
    "LIVE": LIVE,
    "PARTLY_FILLED": PARTLY_FILLED,
    "DONE_FILLED": DONE_FILLED,
    "DONE_CANCELLED": DONE_CANCELLED,
    "DONE_REJECTED": DONE_REJECTED,
}


class Engine(Protocol):
    def send_order(self, locate: int, side: int, shares: int, price: int, tif: int) -> int: ...
    def cancel_order(self, order: int) -> bool: ...
    def position(self, locate: int) -> int: ...


class _NoEngine:
    def send_order(self, locate: int, side: int, shares: int, price: int, tif: int) -> int:
        raise RuntimeError("send_order outside a run: use tradekernel backtest")

    def cancel_order(self, order: int) -> bool:
        raise RuntimeError("cancel_order outside a run: use tradekernel backtest")

    def position(self, locate: int) -> int:
        raise RuntimeError("position outside a run: use tradekernel backtest")


_engine: Engine = _NoEngine()


def set_engine(engine: Engine) -> Engine:
    """Routes the strategy's orders to `engine`; returns the previous one."""
    global _engine
    previous, _engine = _engine, engine
    return previous


def send_order(locate: int, side: int, shares: int, price: int, tif: int = IOC) -> int:
    """Sends an order (the kernel's risk gate first): its id, or 0 if refused."""
    return _engine.send_order(locate, side, shares, price, tif)


def cancel_order(order: int) -> bool:
    """Asks the venue to cancel what is left of an open order."""
    return _engine.cancel_order(order)


def position(locate: int) -> int:
    """The symbol's net position: shares bought less shares sold."""
    return _engine.position(locate)
