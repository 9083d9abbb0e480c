"""The venue's order receiver: OUCH 4.2 messages from the kernel, decoded,
time-stamped on arrival, and matched to the market-data message that
triggered each. The kernel's Order Token carries the trigger's MoldUDP64
sequence number (10 digits) and the order's index among those it
triggered (4 digits), see kernel/trade/order_entry.h."""

from __future__ import annotations

from dataclasses import dataclass, field

from tradekernel.trade.ouch import decode
from tradekernel.trade.reference_strategy import ExpectedOrder


@dataclass(frozen=True)
class ReceivedOrder:
    trigger: int
    index: int
    order: dict[str, object]
    received_at: float  # time.perf_counter()


@dataclass
class OrderReceiver:
    orders: list[ReceivedOrder] = field(default_factory=list)
    malformed: int = 0
    # Enter Orders with a token already received: the kernel sent an order
    # again when no answer came (kernel/trade/order_entry.h); as the venue
    # ignores them (OUCH 4.2, 2.1), they are not new orders.
    resent: int = 0
    _tokens: set[str] = field(default_factory=set)

    def on_datagram(self, payload: bytes, received_at: float) -> None:
        try:
            order = decode(payload)
            token = str(order["token"])
            if len(token) != 14 or not token.isdigit():
                raise ValueError(f"token {token!r} is not 14 digits")
        except (ValueError, UnicodeDecodeError):
            self.malformed += 1
            return
        if order["type"] == "enter_order":
            if token in self._tokens:
                self.resent += 1
                return
            self._tokens.add(token)
        self.orders.append(ReceivedOrder(int(token[:10]), int(token[10:]), order, received_at))


@dataclass(frozen=True)
class Match:
    matched: list[tuple[ExpectedOrder, ReceivedOrder]]
    missing: list[ExpectedOrder]  # expected, never received
    unexpected: list[ReceivedOrder]  # received, not expected (or not as expected)


def match_orders(expected: list[ExpectedOrder], received: list[ReceivedOrder]) -> Match:
    """Each Enter Order to the expected one of its token: the trigger, and
    the order's index among those the trigger sent (an expected order
    without an `index` is its trigger's first). Anything else received --
    another order, a cancel -- is unexpected."""

    def key(e: ExpectedOrder) -> tuple[int, int]:
        return (e.trigger, getattr(e, "index", 0))

    by_trigger = {key(e): e for e in expected}
    matched, unexpected = [], []
    for r in received:
        e = by_trigger.pop((r.trigger, r.index), None)
        o = r.order
        fields = (o["type"], o.get("stock"), o.get("side"), o.get("shares"), o.get("price"))
        if e is not None and fields == ("enter_order", e.stock, e.side, e.shares, e.price):
            matched.append((e, r))
        else:
            if e is not None:
                by_trigger[key(e)] = e
            unexpected.append(r)
    return Match(matched, sorted(by_trigger.values(), key=lambda e: e.trigger), unexpected)
