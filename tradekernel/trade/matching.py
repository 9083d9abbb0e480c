"""The venue's side of order entry: the kernel's OUCH 4.2 orders matched
against the book the venue is publishing, and the answers it sends back
(OUCH 4.2 outbound: Accepted, Executed, Canceled, Rejected).

The venue's book is the published session, rebuilt by the reference book
(tradekernel/feed/reference_book.py) up to the last message sent. Our orders
do not change the published feed (it is recorded beforehand), so what they
take from a price level is remembered beside it and is not offered again
until the level empties. Price-time priority:

- An incoming order trades at once against the opposite side, best price
  first, at each level's price, for as many shares as the level has left
  (liquidity flag 'R', removed). An immediate-or-cancel order (time in
  force 0) then has its rest cancelled (reason 'I'); if nothing executed it
  is accepted dead (Order State 'D') and nothing more follows.
- A day order's rest rests at its price. After each published message, our
  resting orders on that symbol whose price the opposite side now reaches
  execute at their own price (flag 'A', added), best price first and, at one
  price, oldest first, against what is left at the crossing levels.
- A Cancel Order takes the order down to the shares it names (0: all of it);
  one for an order not open, or that would take nothing off, is ignored.
- Rejected: an unknown stock ('S'), a halted one ('H', ITCH Stock Trading
  Action), shares beyond the venue's limit ('Z'), a price of 0 ('X'), a side
  or time in force OUCH does not define ('O'), and a fraction of valid orders
  chosen by a seeded generator ('O') when asked for. An Enter Order with a
  token already used is ignored, as OUCH 4.2 section 2.1 says.
- At the end of the day every resting order is cancelled (reason 'T').
- Our orders never trade with each other (no self-match): an incoming order
  takes only the published book, so ours may rest crossed.

`record()` is the venue's record of the session: every order with its
state, fills and position, for comparing with what the kernel kept.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tradekernel.feed.itch import decode as decode_itch
from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.trade import ouch

IOC, MARKET_HOURS, SYSTEM_HOURS = 0, 99998, 99999
SIDES = "BSTE"  # T, E: sell short, sell short exempt


@dataclass
class VenueOrder:
    token: str
    stock: str
    locate: int
    side: str
    shares: int
    price: int
    time_in_force: int
    reference: int
    open: int
    filled: int = 0
    state: str = "live"  # live, filled, cancelled, rejected
    reason: str = ""

    @property
    def buy(self) -> bool:
        return self.side == "B"


@dataclass
class Position:
    bought: int = 0
    sold: int = 0

    @property
    def net(self) -> int:
        return self.bought - self.sold


@dataclass
class MatchCounts:
    orders: int = 0
    duplicate_tokens: int = 0
    malformed: int = 0
    cancels: int = 0
    cancels_ignored: int = 0
    executions: int = 0
    rejected: int = 0


@dataclass
class MatchingEngine:
    max_shares: int = 1_000_000
    reject_fraction: float = 0.0
    seed: int = 0
    clock: Callable[[], int] = lambda: 0  # nanoseconds past midnight, for the timestamps
    books: ReferenceBooks = field(default_factory=ReferenceBooks)
    orders: dict[str, VenueOrder] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    counts: MatchCounts = field(default_factory=MatchCounts)

    def __post_init__(self) -> None:
        self._locates: dict[str, int] = {}
        self._halted: set[int] = set()
        self._taken: dict[tuple[int, str, int], int] = {}  # (locate, side, price) -> shares we took
        self._resting: dict[int, list[VenueOrder]] = {}  # locate -> day orders, oldest first
        self._rng = random.Random(self.seed)
        self._next_reference = 1
        self._next_match = 1

    # --- the published market ----------------------------------------------

    def publish(self, message: bytes) -> list[bytes]:
        """One ITCH message as the venue sends it; the answers it causes
        (our resting orders it executes)."""
        kind = message[:1]
        if kind in (b"R", b"H"):
            d = decode_itch(message)
            if kind == b"R":
                self._locates[str(d["stock"])] = int(d["stock_locate"])
            elif d["trading_state"] == "T":
                self._halted.discard(int(d["stock_locate"]))
            else:
                self._halted.add(int(d["stock_locate"]))
        locate = self.books.apply(message)
        for side in "BS":  # an emptied level: what we took from it is forgotten
            if locate is not None:
                levels = self.books.levels.get((locate, side), {})
                for key in [k for k in self._taken if k[0] == locate and k[1] == side]:
                    if key[2] not in levels:
                        del self._taken[key]
        if locate is None or not self._resting.get(locate):
            return []
        return self._match_resting(locate)

    def _left(self, locate: int, side: str, price: int) -> int:
        level = self.books.levels.get((locate, side), {}).get(price)
        return max(0, level[0] - self._taken.get((locate, side, price), 0)) if level else 0

    def _crossing(self, locate: int, opposite: str, limit: int) -> list[int]:
        """Opposite-side prices an order at `limit` reaches, best first."""
        levels = self.books.levels.get((locate, opposite), {})
        if opposite == "S":
            return sorted(p for p in levels if p <= limit)
        return sorted((p for p in levels if p >= limit), reverse=True)

    def _execute(self, o: VenueOrder, shares: int, price: int, liquidity: bytes) -> bytes:
        o.open -= shares
        o.filled += shares
        p = self.positions.setdefault(o.stock, Position())
        if o.buy:
            p.bought += shares
        else:
            p.sold += shares
        if o.open == 0:
            o.state = "filled"
        self.counts.executions += 1
        match = self._next_match
        self._next_match += 1
        return ouch.executed(self.clock(), o.token, shares, price, liquidity, match)

    def _take(self, o: VenueOrder, passive: bool) -> list[bytes]:
        """Executes `o` against the opposite side as far as it reaches."""
        answers = []
        opposite = "S" if o.buy else "B"
        for level in self._crossing(o.locate, opposite, o.price):
            if o.open == 0:
                break
            shares = min(o.open, self._left(o.locate, opposite, level))
            if shares == 0:
                continue
            key = (o.locate, opposite, level)
            self._taken[key] = self._taken.get(key, 0) + shares
            # Resting, it trades at its own price and added liquidity;
            # incoming, at the level's price, removing it.
            price, flag = (o.price, b"A") if passive else (level, b"R")
            answers.append(self._execute(o, shares, price, flag))
        return answers

    def _match_resting(self, locate: int) -> list[bytes]:
        resting = self._resting[locate]
        # Best price first; sorted() is stable, so at one price the oldest first.
        ordered = sorted(resting, key=lambda o: -o.price if o.buy else o.price)
        answers = [a for o in ordered for a in self._take(o, passive=True)]
        self._resting[locate] = [o for o in resting if o.open > 0]
        return answers

    # --- orders from the kernel --------------------------------------------

    def enter(self, payload: bytes) -> list[bytes]:
        """One OUCH 4.2 inbound message from the kernel; the answers, in order."""
        try:
            m = ouch.decode(payload)
        except (ValueError, UnicodeDecodeError):
            self.counts.malformed += 1
            return []
        if m["type"] == "cancel_order":
            return self._cancel(str(m["token"]), int(m["shares"]))  # type: ignore[call-overload]
        return self._enter(m)

    def _enter(self, m: dict[str, object]) -> list[bytes]:
        token = str(m["token"])
        if token in self.orders:
            self.counts.duplicate_tokens += 1
            return []
        self.counts.orders += 1
        stock, side = str(m["stock"]), str(m["side"])
        shares, price, tif = int(m["shares"]), int(m["price"]), int(m["time_in_force"])  # type: ignore[call-overload]
        locate = self._locates.get(stock, -1)
        o = VenueOrder(token, stock, locate, side, shares, price, tif, 0, shares)
        self.orders[token] = o
        reason = self._reject_reason(o)
        if reason:
            o.state, o.reason, o.open = "rejected", reason.decode(), 0
            self.counts.rejected += 1
            return [ouch.rejected(self.clock(), token, reason)]
        o.reference = self._next_reference
        self._next_reference += 1
        executions = self._take(o, passive=False)
        if tif == IOC and not executions:
            o.state, o.reason, o.open = "cancelled", "I", 0
            return [ouch.accepted(self.clock(), m, o.reference, b"D")]
        answers = [ouch.accepted(self.clock(), m, o.reference), *executions]
        if o.open and tif == IOC:
            answers.append(ouch.canceled(self.clock(), token, o.open, ouch.CANCEL_IOC))
            o.state, o.reason, o.open = "cancelled", "I", 0
        elif o.open:
            self._resting.setdefault(locate, []).append(o)
        return answers

    def _reject_reason(self, o: VenueOrder) -> bytes | None:
        if o.side not in SIDES or o.time_in_force not in (IOC, MARKET_HOURS, SYSTEM_HOURS):
            return ouch.REJECT_OTHER
        if o.locate < 0:
            return ouch.REJECT_STOCK
        if o.locate in self._halted:
            return ouch.REJECT_HALTED
        if not 0 < o.shares <= self.max_shares:
            return ouch.REJECT_SHARES
        if o.price == 0:
            return ouch.REJECT_PRICE
        if self.reject_fraction and self._rng.random() < self.reject_fraction:
            return ouch.REJECT_OTHER
        return None

    def _cancel(self, token: str, shares: int) -> list[bytes]:
        o = self.orders.get(token)
        self.counts.cancels += 1
        if o is None or o.open == 0 or shares >= o.open:
            self.counts.cancels_ignored += 1
            return []
        return [self._cut(o, o.open - shares, ouch.CANCEL_USER)]

    def _cut(self, o: VenueOrder, decrement: int, reason: bytes) -> bytes:
        o.open -= decrement
        if o.open == 0:
            o.state, o.reason = "cancelled", reason.decode()
            self._resting[o.locate] = [r for r in self._resting.get(o.locate, []) if r is not o]
        return ouch.canceled(self.clock(), o.token, decrement, reason)

    def end_of_day(self) -> list[bytes]:
        """Every resting order cancelled (reason 'T'), then System Event 'E'."""
        answers = [
            self._cut(o, o.open, ouch.CANCEL_TIMEOUT)
            for resting in list(self._resting.values())
            for o in list(resting)
        ]
        return [*answers, ouch.system_event(self.clock(), b"E")]

    def start_of_day(self) -> list[bytes]:
        return [ouch.system_event(self.clock(), b"S")]

    # --- the venue's record -------------------------------------------------

    def open_orders(self) -> dict[str, int]:
        """Token -> shares still open, for every live order."""
        return {t: o.open for t, o in self.orders.items() if o.open}

    def record(self) -> dict[str, object]:
        """The venue's record of the session, as JSON-ready data: every order
        (state, open and filled shares, reason) and each stock's fills."""
        return {
            "orders": {
                t: {
                    "stock": o.stock,
                    "side": o.side,
                    "shares": o.shares,
                    "price": o.price,
                    "state": o.state,
                    "open": o.open,
                    "filled": o.filled,
                    "reason": o.reason,
                }
                for t, o in self.orders.items()
            },
            "positions": {
                s: [p.bought, p.sold] for s, p in self.positions.items() if p.bought or p.sold
            },
            "executions": self.counts.executions,
        }

    def states(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.orders.values():
            out[o.state] = out.get(o.state, 0) + 1
        return out
