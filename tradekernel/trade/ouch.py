"""OUCH 4.2 inbound messages decoded in Python (NASDAQ OUCH 4.2, section 2):
the order receiver's side of the kernel's encoder (kernel/trade/ouch.cpp)."""

from __future__ import annotations

import struct

# Enter Order 'O': token 14, side, shares, stock 8, price, time in force,
# firm 4, display, capacity, intermarket sweep, minimum quantity, cross type,
# customer type.
ENTER_ORDER = struct.Struct(">c14scI8sII4scccIcc")
CANCEL_ORDER = struct.Struct(">c14sI")


def decode(message: bytes) -> dict[str, object]:
    kind = message[:1]
    if kind == b"O":
        if len(message) != ENTER_ORDER.size:
            raise ValueError(f"Enter Order is {ENTER_ORDER.size} bytes, got {len(message)}")
        f = ENTER_ORDER.unpack(message)
        return {
            "type": "enter_order", "token": f[1].decode().rstrip(), "side": f[2].decode(),
            "shares": f[3], "stock": f[4].decode().rstrip(), "price": f[5],
            "time_in_force": f[6], "firm": f[7].decode().rstrip(), "display": f[8].decode(),
            "capacity": f[9].decode(), "intermarket_sweep": f[10].decode(),
            "minimum_quantity": f[11], "cross_type": f[12].decode(),
            "customer_type": f[13].decode(),
        }  # fmt: skip
    if kind == b"X":
        if len(message) != CANCEL_ORDER.size:
            raise ValueError(f"Cancel Order is {CANCEL_ORDER.size} bytes, got {len(message)}")
        f = CANCEL_ORDER.unpack(message)
        return {"type": "cancel_order", "token": f[1].decode().rstrip(), "shares": f[2]}
    raise ValueError(f"not an OUCH 4.2 inbound message type: {kind!r}")


# --- outbound: the venue's answers (OUCH 4.2, section 3) --------------------
# Every one starts with its type and an 8-byte Timestamp (nanoseconds past
# midnight); those about one order then carry its 14-byte token.
SYSTEM_EVENT = struct.Struct(">cQc")
# Accepted 'A': token, side, shares, stock, price, time in force, firm,
# display, Order Reference Number, capacity, intermarket sweep, minimum
# quantity, cross type, Order State ('L' live, 'D' dead), BBO weight.
ACCEPTED = struct.Struct(">cQ14scI8sII4scQccIccc")
CANCELED = struct.Struct(">cQ14sIc")  # decrement shares, reason
# AIQ Canceled 'D': decrement shares, reason, quantity prevented from
# trading, execution price, liquidity flag.
AIQ_CANCELED = struct.Struct(">cQ14sIcIIc")
EXECUTED = struct.Struct(">cQ14sIIcQ")  # shares, price, liquidity flag, match number
REJECTED = struct.Struct(">cQ14sc")  # reason
BROKEN_TRADE = struct.Struct(">cQ14sQc")  # match number, reason
TOKEN_ONLY = struct.Struct(">cQ14s")  # Cancel Pending 'P', Cancel Reject 'I'

# Canceled reasons (3.4) and Rejected reasons (3.8) the venue here sends.
CANCEL_USER, CANCEL_IOC, CANCEL_TIMEOUT = b"U", b"I", b"T"
REJECT_HALTED, REJECT_SHARES, REJECT_STOCK = b"H", b"Z", b"S"
REJECT_PRICE, REJECT_OTHER = b"X", b"O"


def _token(token: str) -> bytes:
    return token.encode().ljust(14)


def system_event(ns: int, code: bytes) -> bytes:
    return SYSTEM_EVENT.pack(b"S", ns, code)


def accepted(ns: int, order: dict[str, object], reference: int, state: bytes = b"L") -> bytes:
    o = order
    return ACCEPTED.pack(
        b"A", ns, _token(str(o["token"])), str(o["side"]).encode(), int(o["shares"]),  # type: ignore[call-overload]
        str(o["stock"]).encode().ljust(8), int(o["price"]), int(o["time_in_force"]),  # type: ignore[call-overload]
        str(o["firm"]).encode().ljust(4), str(o["display"]).encode(), reference,
        str(o["capacity"]).encode(), str(o["intermarket_sweep"]).encode(),
        int(o["minimum_quantity"]), str(o["cross_type"]).encode(), state, b" ",  # type: ignore[call-overload]
    )  # fmt: skip


def canceled(ns: int, token: str, decrement: int, reason: bytes) -> bytes:
    return CANCELED.pack(b"C", ns, _token(token), decrement, reason)


def executed(ns: int, token: str, shares: int, price: int, liquidity: bytes, match: int) -> bytes:
    return EXECUTED.pack(b"E", ns, _token(token), shares, price, liquidity, match)


def rejected(ns: int, token: str, reason: bytes) -> bytes:
    return REJECTED.pack(b"J", ns, _token(token), reason)


def decode_outbound(message: bytes) -> dict[str, object]:
    """An answer as a dict with its "type"; ValueError for an unknown type or
    a wrong length, as the kernel refuses them (kernel/trade/ouch_outbound.h)."""
    layouts = {b"S": SYSTEM_EVENT, b"A": ACCEPTED, b"C": CANCELED, b"D": AIQ_CANCELED,
               b"E": EXECUTED, b"J": REJECTED, b"B": BROKEN_TRADE}  # fmt: skip
    layout = layouts.get(message[:1])
    if layout is None or len(message) != layout.size:
        kind, n = message[:1], len(message)
        raise ValueError(f"not an OUCH 4.2 answer this venue sends: {kind!r}, {n} bytes")
    f = layout.unpack(message)
    kind = message[:1]
    if kind == b"S":
        return {"type": "system_event", "timestamp": f[1], "event": f[2].decode()}
    out: dict[str, object] = {"timestamp": f[1], "token": f[2].decode().rstrip()}
    if kind == b"A":
        out |= {"type": "accepted", "side": f[3].decode(), "shares": f[4],
                "stock": f[5].decode().rstrip(), "price": f[6], "time_in_force": f[7],
                "reference": f[10], "order_state": f[15].decode()}  # fmt: skip
    elif kind == b"C":
        out |= {"type": "canceled", "shares": f[3], "reason": f[4].decode()}
    elif kind == b"D":
        out |= {"type": "aiq_canceled", "shares": f[3], "reason": f[4].decode()}
    elif kind == b"E":
        out |= {"type": "executed", "shares": f[3], "price": f[4], "liquidity": f[5].decode(),
                "match": f[6]}  # fmt: skip
    elif kind == b"J":
        out |= {"type": "rejected", "reason": f[3].decode()}
    else:
        out |= {"type": "broken_trade", "match": f[3], "reason": f[4].decode()}
    return out
