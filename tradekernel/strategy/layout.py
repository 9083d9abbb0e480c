"""The market-data structures a strategy reads, laid out as the kernel lays
them out (kernel/trade/strategy.h): the one source of their offsets for the
compiler, the Python run (ctypes structures) and the build-time check that
the C++ structs match (`layout_check_source`, compiled with the kernel's
flags beside every compiled strategy). The same check covers the descriptor
a compiled object hands the kernel (DESCRIPTOR, FAULT_RECORD)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass


@dataclass(frozen=True)
class Scalar:
    """A fixed-width integer or bool as it lies in memory."""

    name: str  # the strategy language's name: u8, i64, bool ...
    bits: int
    signed: bool

    @property
    def lo(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def hi(self) -> int:
        if self.name == "bool":
            return 1
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


SCALARS: dict[str, Scalar] = {
    s.name: s
    for s in (
        Scalar("i8", 8, True),
        Scalar("i16", 16, True),
        Scalar("i32", 32, True),
        Scalar("i64", 64, True),
        Scalar("u8", 8, False),
        Scalar("u16", 16, False),
        Scalar("u32", 32, False),
        Scalar("u64", 64, False),
        Scalar("bool", 8, False),
    )
}
_CTYPES = {
    "i8": ctypes.c_int8,
    "i16": ctypes.c_int16,
    "i32": ctypes.c_int32,
    "i64": ctypes.c_int64,
    "u8": ctypes.c_uint8,
    "u16": ctypes.c_uint16,
    "u32": ctypes.c_uint32,
    "u64": ctypes.c_uint64,
    "bool": ctypes.c_uint8,
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a SCALARS name, or a STRUCTS name for a nested struct
    offset: int
    cxx: str  # the C++ member, for the layout check


@dataclass(frozen=True)
class Struct:
    name: str  # as the strategy names it (and the C++ struct in tk::trade)
    size: int
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _s(name: str, size: int, *fields: tuple[str, str, int]) -> Struct:
    return Struct(name, size, tuple(Field(n, t, o, n) for n, t, o in fields))


# Sides, states and events are C chars or enums: the strategy sees their
# codes as integers, named by the constants in tradekernel.strategy.
STRUCTS: dict[str, Struct] = {
    s.name: s
    for s in (
        _s(
            "Bbo",
            40,
            ("locate", "u16", 0),
            ("bid_price", "u32", 4),
            ("bid_shares", "u64", 8),
            ("ask_price", "u32", 16),
            ("ask_shares", "u64", 24),
            ("feed_sequence", "u64", 32),
        ),
        _s(
            "BookChange",
            32,
            ("locate", "u16", 0),
            ("side", "u8", 2),
            ("price", "u32", 4),
            ("shares", "u64", 8),
            ("orders", "u32", 16),
            ("feed_sequence", "u64", 24),
        ),
        _s(
            "Trade",
            32,
            ("locate", "u16", 0),
            ("side", "u8", 2),
            ("price", "u32", 4),
            ("shares", "u64", 8),
            ("match_number", "u64", 16),
            ("feed_sequence", "u64", 24),
        ),
        _s(
            "BookStatus",
            24,
            ("locate", "u16", 0),
            ("trusted", "bool", 2),
            ("orphans", "u32", 4),
            ("lost", "bool", 8),
            ("feed_sequence", "u64", 16),
        ),
        _s(
            "FeedStatus",
            24,
            ("stale", "bool", 0),
            ("next_sequence", "u64", 8),
            ("known_end", "u64", 16),
        ),
        _s(
            "SymbolState",
            64,
            ("bbo", "Bbo", 8),
            ("volume", "u64", 48),
            ("last_price", "u32", 56),
            ("book_untrusted", "bool", 60),
        ),
        _s(
            "OrderUpdate",
            56,
            ("id", "u64", 0),
            ("locate", "u16", 8),
            ("side", "u8", 10),
            ("event", "u8", 11),
            ("state", "u8", 12),
            ("shares", "u64", 16),
            ("price", "u32", 24),
            ("open", "u64", 32),
            ("filled", "u64", 40),
            ("reason", "u8", 48),
        ),
    )
}


def ctypes_struct(name: str) -> type[ctypes.Structure]:
    """The struct as a ctypes Structure, with explicit padding so that every
    offset is the layout's (a test checks them)."""
    cached = _ctypes_cache.get(name)
    if cached is not None:
        return cached
    s = STRUCTS[name]
    fields: list[tuple[str, type]] = []
    at = 0
    for i, f in enumerate(s.fields):
        if f.offset > at:
            fields.append((f"_pad{i}", ctypes.c_uint8 * (f.offset - at)))
        t = ctypes_struct(f.type) if f.type in STRUCTS else _CTYPES[f.type]
        fields.append((f.name, t))
        at = f.offset + ctypes.sizeof(t)
    if s.size > at:
        fields.append(("_pad_end", ctypes.c_uint8 * (s.size - at)))
    cls = type(name, (ctypes.Structure,), {"_fields_": fields, "_pack_": 1})
    _ctypes_cache[name] = cls
    return cls


_ctypes_cache: dict[str, type[ctypes.Structure]] = {}


# The descriptor a compiled object defines (tk_py_strategy), pointer after
# pointer, and the fault record it points to: CompiledStrategy and
# CompiledFault in kernel/trade/compiled_strategy.h.
CALLBACKS = (
    "on_trade",
    "on_book",
    "on_bbo",
    "on_status",
    "on_feed",
    "on_order",
)  # Strategy's order
DESCRIPTOR = (
    "strategy.state",
    *(f"strategy.{c}" for c in CALLBACKS),
    "fault",
    "source",
    "fault_names",
    "digest",
)
FAULT_RECORD = (("code", 0, 4), ("line", 4, 4), ("skipped", 8, 8))


def layout_check_source() -> str:
    """C++ that fails to compile unless kernel/trade/strategy.h lays every
    struct out as STRUCTS says (built with the kernel's flags)."""
    lines = [
        "// Generated by tradekernel/strategy/layout.py: the strategy compiler's",
        "// view of the market-data structs and of its own descriptor, checked",
        "// against the kernel's.",
        "#include <stddef.h>",
        '#include "kernel/trade/compiled_strategy.h"',
        "namespace tk::trade {",
        f'static_assert(sizeof(CompiledStrategy) == {8 * len(DESCRIPTOR)}, "descriptor: size");',
        *(
            f"static_assert(offsetof(CompiledStrategy, {name}) == {8 * i}, "
            f'"descriptor.{name}: offset");'
            for i, name in enumerate(DESCRIPTOR)
        ),
        *(
            f"static_assert(offsetof(CompiledFault, {name}) == {at} && "
            f'sizeof(CompiledFault::{name}) == {size}, "fault record.{name}");'
            for name, at, size in FAULT_RECORD
        ),
    ]
    for s in STRUCTS.values():
        lines.append(f'static_assert(sizeof({s.name}) == {s.size}, "{s.name}: size");')
        for f in s.fields:
            lines.append(
                f"static_assert(offsetof({s.name}, {f.cxx}) == {f.offset}, "
                f'"{s.name}.{f.name}: offset");'
            )
            size = STRUCTS[f.type].size if f.type in STRUCTS else SCALARS[f.type].bits // 8
            lines.append(
                f'static_assert(sizeof({s.name}::{f.cxx}) == {size}, "{s.name}.{f.name}: size");'
            )
    lines.append("}  // namespace tk::trade")
    return "\n".join(lines) + "\n"
