"""NASDAQ TotalView-ITCH 5.0 messages in Python: encoding and decoding from
the specification's layouts (section 4), written independently of the
kernel's table so each can check the other.

Field types: `i` big-endian unsigned integer, `a` space-padded Alpha,
`p4`/`p8` prices with 4/8 implied decimals, `t` 6-byte timestamp.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import ClassVar

HEADER = [("stock_locate", "i", 2), ("tracking_number", "i", 2), ("timestamp", "t", 6)]


@dataclass(frozen=True)
class MessageType:
    code: str
    name: str
    fields: list[tuple[str, str, int]]

    @property
    def length(self) -> int:
        return 1 + sum(width for _, _, width in self.fields)


def _t(code: str, name: str, *fields: tuple[str, str, int]) -> MessageType:
    return MessageType(code, name, HEADER + list(fields))


STOCK = ("stock", "a", 8)
ORDER_REF = ("order_reference_number", "i", 8)

TYPES = {
    t.code: t
    for t in [
        _t("S", "system_event", ("event_code", "a", 1)),
        _t("R", "stock_directory", STOCK, ("market_category", "a", 1),
           ("financial_status_indicator", "a", 1), ("round_lot_size", "i", 4),
           ("round_lots_only", "a", 1), ("issue_classification", "a", 1),
           ("issue_sub_type", "a", 2), ("authenticity", "a", 1),
           ("short_sale_threshold_indicator", "a", 1), ("ipo_flag", "a", 1),
           ("luld_reference_price_tier", "a", 1), ("etp_flag", "a", 1),
           ("etp_leverage_factor", "i", 4), ("inverse_indicator", "a", 1)),
        _t("H", "stock_trading_action", STOCK, ("trading_state", "a", 1), ("reserved", "a", 1),
           ("reason", "a", 4)),
        _t("Y", "reg_sho_restriction", STOCK, ("reg_sho_action", "a", 1)),
        _t("L", "market_participant_position", ("mpid", "a", 4), STOCK,
           ("primary_market_maker", "a", 1), ("market_maker_mode", "a", 1),
           ("market_participant_state", "a", 1)),
        _t("V", "mwcb_decline_level", ("level1", "p8", 8), ("level2", "p8", 8),
           ("level3", "p8", 8)),
        _t("W", "mwcb_status", ("breached_level", "a", 1)),
        _t("K", "ipo_quoting_period_update", STOCK, ("ipo_quotation_release_time", "i", 4),
           ("ipo_quotation_release_qualifier", "a", 1), ("ipo_price", "p4", 4)),
        _t("J", "luld_auction_collar", STOCK, ("auction_collar_reference_price", "p4", 4),
           ("upper_auction_collar_price", "p4", 4), ("lower_auction_collar_price", "p4", 4),
           ("auction_collar_extension", "i", 4)),
        _t("h", "operational_halt", STOCK, ("market_code", "a", 1),
           ("operational_halt_action", "a", 1)),
        _t("A", "add_order", ORDER_REF, ("buy_sell_indicator", "a", 1), ("shares", "i", 4), STOCK,
           ("price", "p4", 4)),
        _t("F", "add_order_mpid", ORDER_REF, ("buy_sell_indicator", "a", 1), ("shares", "i", 4),
           STOCK, ("price", "p4", 4), ("attribution", "a", 4)),
        _t("E", "order_executed", ORDER_REF, ("executed_shares", "i", 4), ("match_number", "i", 8)),
        _t("C", "order_executed_with_price", ORDER_REF, ("executed_shares", "i", 4),
           ("match_number", "i", 8), ("printable", "a", 1), ("execution_price", "p4", 4)),
        _t("X", "order_cancel", ORDER_REF, ("cancelled_shares", "i", 4)),
        _t("D", "order_delete", ORDER_REF),
        _t("U", "order_replace", ("original_order_reference_number", "i", 8),
           ("new_order_reference_number", "i", 8), ("shares", "i", 4), ("price", "p4", 4)),
        _t("P", "trade", ORDER_REF, ("buy_sell_indicator", "a", 1), ("shares", "i", 4), STOCK,
           ("price", "p4", 4), ("match_number", "i", 8)),
        _t("Q", "cross_trade", ("shares", "i", 8), STOCK, ("cross_price", "p4", 4),
           ("match_number", "i", 8), ("cross_type", "a", 1)),
        _t("B", "broken_trade", ("match_number", "i", 8)),
        _t("I", "noii", ("paired_shares", "i", 8), ("imbalance_shares", "i", 8),
           ("imbalance_direction", "a", 1), STOCK, ("far_price", "p4", 4),
           ("near_price", "p4", 4), ("current_reference_price", "p4", 4),
           ("cross_type", "a", 1), ("price_variation_indicator", "a", 1)),
        _t("N", "rpii", STOCK, ("interest_flag", "a", 1)),
        _t("O", "dlcr_price_discovery", STOCK, ("open_eligibility_status", "a", 1),
           ("minimum_allowable_price", "p4", 4), ("maximum_allowable_price", "p4", 4),
           ("near_execution_price", "p4", 4), ("near_execution_time", "i", 8),
           ("lower_price_range_collar", "p4", 4), ("upper_price_range_collar", "p4", 4)),
    ]
}  # fmt: skip


def encode(code: str, **values: int | str) -> bytes:
    """One message; missing fields are zero (numbers) or spaces (Alpha). A
    name the type does not have is an error, not silently dropped."""
    t = TYPES[code]
    unknown = set(values) - {name for name, _, _ in t.fields}
    if unknown:
        raise ValueError(f"{t.name} has no field {', '.join(sorted(unknown))}")
    out = bytearray(code.encode())
    for name, kind, width in t.fields:
        value = values.get(name, "" if kind == "a" else 0)
        if kind == "a":
            text = str(value).encode("ascii")
            if len(text) > width:
                raise ValueError(f"{name}: {value!r} is longer than {width}")
            out += text.ljust(width, b" ")
        else:
            out += int(value).to_bytes(width, "big")
    return bytes(out)


def is_valid(message: bytes) -> bool:
    """A known type with its exact length (what the kernel's itch::check accepts)."""
    t = TYPES.get(chr(message[0])) if message else None
    return t is not None and len(message) == t.length


def decode(message: bytes) -> dict[str, int | str]:
    t = TYPES[chr(message[0])]
    if len(message) != t.length:
        raise ValueError(f"{t.name}: {len(message)} bytes, expected {t.length}")
    values: dict[str, int | str] = {}
    at = 1
    for name, kind, width in t.fields:
        raw = message[at : at + width]
        values[name] = (
            # Latin-1: any byte decodes, so input off the wire never raises here.
            raw.decode("latin-1").rstrip(" ") if kind == "a" else int.from_bytes(raw, "big")
        )
        at += width
    return values


class Packer:
    """A fast encoder of one message type, for generating whole days: its
    fields positionally in the specification's order (after the type byte),
    the timestamp as one integer, Alpha fields as bytes already space-padded
    to their width. Built from TYPES, so it cannot drift from encode()."""

    _FORMATS: ClassVar[dict[tuple[str, int], str]] = {
        ("i", 1): "B", ("i", 2): "H", ("i", 4): "I", ("i", 8): "Q", ("p4", 4): "I",
        ("p8", 8): "Q", ("t", 6): "HI",
    }  # fmt: skip

    def __init__(self, code: str) -> None:
        t = TYPES[code]
        fmt = ">c"
        for _, kind, width in t.fields:
            fmt += f"{width}s" if kind == "a" else self._FORMATS[(kind, width)]
        self._struct = struct.Struct(fmt)
        self._code = code.encode()
        self._timestamp = [kind for _, kind, _ in t.fields].index("t")
        assert self._struct.size == t.length

    def pack(self, *values: int | bytes) -> bytes:
        at = self._timestamp
        ts = values[at]
        assert isinstance(ts, int)
        return self._struct.pack(
            self._code, *values[:at], ts >> 32, ts & 0xFFFFFFFF, *values[at + 1 :]
        )
