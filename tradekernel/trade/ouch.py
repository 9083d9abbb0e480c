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
