"""A generated trading day shaped like a real Nasdaq TotalView-ITCH 5.0 day,
streamed: a day of hundreds of millions of messages is written without
holding it in memory (what is held is the live orders and the events
pending on them, as an exchange holds them).

The profile's figures come from published counts of real days; each is
cited in docs/order-books.md. In short:
- thousands of symbols, with activity skewed as a Zipf law (the busiest
  symbol has a few percent of the messages);
- the message mix of a real day: about 44% Add Order, 43% Order Delete, 7%
  Order Replace, 2% Order Executed, 1% Order Cancel, 1% NOII, a few tenths of
  a percent of hidden-order Trades, and the rest (directory, trading action,
  Reg SHO, participant positions, crosses, system events) at the day's
  boundaries;
- order lifetimes: most orders are cancelled within a second (median about
  0.2 s), replaced orders live tens of milliseconds, executed ones seconds,
  and a few percent rest for hours; that long tail makes the live-order peak;
- distance from the touch: most orders within a few cents, about 13% more
  than $5.12 away and some stub quotes at $0.01 and $199,999.99, so active
  symbols build books thousands of levels deep;
- activity over the clock: a few percent before the 09:30 open, nearly all
  during regular hours, about 1% after 16:00; every order left at 20:00 is
  deleted, so the day ends with an empty book, as real days do.

As on a real exchange a book never crosses: an order that would trade
through the other side's best rests one tick behind it.

For tests the profile can also spread the symbols' stock locates over the
whole 2-byte range and inject, on a few named symbols, input the
specification does not cover (duplicate references, zero shares or price,
unknown sides, executions beyond an order's shares, wrong locates, unknown
references), so every case of the books' policy occurs.
"""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from tradekernel.feed.itch import Packer

NS = 1_000_000_000
HOUR = 3600 * NS
TICK = 100  # one cent in Price(4)
STUB_BID, STUB_ASK = 100, 1_999_999_900  # $0.01 and $199,999.99

# The session's clock: system hours 04:00-20:00 (ITCH 5.0 section 4.1).
START, OPEN, CLOSE, END = 4 * HOUR, 9 * HOUR + 30 * 60 * NS, 16 * HOUR, 20 * HOUR
# Share of order activity in each part of the day.
ACTIVITY = [(START, OPEN, 0.033), (OPEN, CLOSE, 0.957), (CLOSE, END, 0.010)]
# Imbalance (NOII) messages come before the opening and closing crosses.
NOII_WINDOWS = [(OPEN - 5 * 60 * NS, OPEN, 0.5), (CLOSE - 10 * 60 * NS, CLOSE, 0.5)]

ANOMALIES = ("duplicate_reference", "zero_shares", "zero_price", "unknown_side",
             "replace_onto_live", "over_execution", "over_cancel", "locate_mismatch",
             "unknown_reference", "reference_zero")  # fmt: skip


@dataclass(frozen=True)
class MarketDayProfile:
    symbols: int = 8_800
    # The busiest symbol gets about 1.1% of the orders over 8,800 symbols;
    # real days: 0.6% (AAPL) to 1.8% (SPY) of all messages.
    zipf_exponent: float = 0.6
    spread_locates: bool = False  # locates over 1..65535 instead of 1..symbols
    # Per order (an Add, or the new order of a Replace): how it ends.
    replace: float = 0.142  # by Order Replace (chains of replaces)
    execute: float = 0.033  # by full execution (E, or C at 2% of them)
    partial_execution: float = 0.01  # an E for part of its shares first
    partial_cancel: float = 0.024  # an X for part of its shares first
    # Lifetimes: lognormal medians by how the order ends; long-lived orders
    # rest until a uniform time before 20:00.
    delete_median_s: float = 0.22
    replace_median_s: float = 0.022
    execute_median_s: float = 2.2
    lifetime_sigma: float = 4.0
    long_lived: float = 0.006
    # Distance from the touch, in ticks.
    near_mean_ticks: float = 2.0
    far: float = 0.13  # beyond 512 ticks
    far_mean_ticks: float = 1500.0
    far_long_lived: float = 0.085
    stub: float = 0.002
    # Messages that are not order flow, per message of the day.
    hidden_trades: float = 0.0036
    noii: float = 0.010
    participant_positions: float = 0.0005
    # Tests only: per order event, input outside the specification, on
    # `anomaly_symbols` symbols.
    anomalies: float = 0.0
    anomaly_symbols: int = 16


# Messages per Add: the Add, then per order of its replace chain its end and
# its partial executions and cancels.
# Fewer symbols than a real day, so a million messages make books over a
# thousand levels deep; far orders all rest for hours, locates spread up to
# 65,535, and input the specification leaves open on a few symbols (the
# market-day and strategy tests under QEMU and hosted use it).
DEEP_BOOKS = MarketDayProfile(
    symbols=1_500, zipf_exponent=0.9, spread_locates=True, anomalies=2e-4, far=0.25,
    far_long_lived=1.0, long_lived=0.02,
)  # fmt: skip


def _messages_per_add(p: MarketDayProfile) -> float:
    return 1 + (1 + p.partial_execution + p.partial_cancel) / (1 - p.replace)


def _symbol_name(i: int) -> bytes:
    letters = ""
    for _ in range(5):
        i, r = divmod(i, 26)
        letters = chr(ord("A") + r) + letters
    return letters.encode().ljust(8)


def _locate(p: MarketDayProfile, i: int) -> int:
    # 7919 is prime and 65535 = 3*5*17*257, so distinct symbols get distinct locates.
    return 1 + (i * 7919) % 65535 if p.spread_locates else i + 1


class _Clock:
    """The inverse of a piecewise-uniform distribution over the day: the
    times of n events spread by the segments' weights."""

    def __init__(self, segments: list[tuple[int, int, float]]) -> None:
        total = sum(w for _, _, w in segments)
        self.segments = segments
        self.cumulative = list(accumulate(w / total for _, _, w in segments))

    def at(self, u: float) -> int:
        i = min(bisect_left(self.cumulative, u), len(self.segments) - 1)
        low = self.cumulative[i - 1] if i else 0.0
        t0, t1, _ = self.segments[i]
        span = self.cumulative[i] - low
        return t0 + int((t1 - t0) * ((u - low) / span if span else 0))


class MarketDay:
    """One generated day. Iterate to get its messages in order."""

    def __init__(self, seed: int, messages: int, profile: MarketDayProfile | None = None) -> None:
        self.p = p = profile or MarketDayProfile()
        self.rng = random.Random(seed)
        self.messages = messages
        n = p.symbols
        self.names = [_symbol_name(i) for i in range(n)]
        self.locates = [_locate(p, i) for i in range(n)]
        weights = [1 / (rank + 1) ** p.zipf_exponent for rank in range(n)]
        self.cumulative_weights = list(accumulate(weights))
        rng = self.rng
        # Prices: lognormal around $30, at least $1; wider spreads on quieter symbols.
        self.fair = [max(10_000, int(math.exp(rng.gauss(math.log(30), 1.0)) * 100) * TICK)
                     for _ in range(n)]  # fmt: skip
        self.half_spread = [1 + min(4, int(4 * rank / n * 4)) for rank in range(n)]
        first = min(20, n - 1)
        self.anomaly_symbols = list(range(first, min(n, first + p.anomaly_symbols)))
        self.counts: dict[str, int] = {}

    @property
    def anomaly_locates(self) -> set[int]:
        return {self.locates[i] for i in self.anomaly_symbols} if self.p.anomalies else set()

    def __iter__(self) -> Iterator[bytes]:
        return _generate(self)


class _Books:
    """The generator's own view of each symbol's resting prices, enough to
    keep books uncrossed: order counts per price, and a heap of prices per
    side whose stale entries are dropped as they surface, and which is
    rebuilt when they outnumber the live prices (so it stays the size of the
    book, however long the day)."""

    def __init__(self) -> None:
        self.count: dict[int, dict[int, int]] = {}  # symbol*2 + side -> price -> orders
        self.heaps: dict[int, list[int]] = {}  # symbol*2 + side -> heap (bids negated)

    def add(self, key: int, price: int) -> None:
        prices = self.count.setdefault(key, {})
        c = prices.get(price, 0)
        prices[price] = c + 1
        if c == 0:
            heap = self.heaps.setdefault(key, [])
            heapq.heappush(heap, -price if key & 1 == 0 else price)
            if len(heap) > 2 * len(prices) + 64:
                heap[:] = [-q if key & 1 == 0 else q for q in prices]
                heapq.heapify(heap)

    def remove(self, key: int, price: int) -> None:
        prices = self.count[key]
        c = prices[price] - 1
        if c:
            prices[price] = c
        else:
            del prices[price]

    def best(self, key: int) -> int | None:
        heap = self.heaps.get(key)
        prices = self.count.get(key, {})
        while heap:
            price = -heap[0] if key & 1 == 0 else heap[0]
            if price in prices:
                return price
            heapq.heappop(heap)
        return None


def _generate(day: MarketDay) -> Iterator[bytes]:
    p, rng, names, locates = day.p, day.rng, day.names, day.locates
    n_symbols = len(names)
    A, F, D, E, C, X, U, P, Q, NOII = (Packer(c) for c in "AFDECXUPQI")
    counts = day.counts

    def emit(code: str, message: bytes) -> bytes:
        counts[code] = counts.get(code, 0) + 1
        return message

    books = _Books()
    # ref -> [symbol, side (0 bid, 1 ask, 2 unknown), price, shares]
    live: dict[int, list[int]] = {}
    # Pending order events: (time, tie-break, kind, ref); stale ones (the order
    # is gone) are skipped when they come up.
    events: list[tuple[int, int, str, int]] = []
    tie = 0
    next_ref = 1
    match = 1

    def schedule(t: int, kind: str, ref: int) -> None:
        nonlocal tie
        tie += 1
        heapq.heappush(events, (t, tie, kind, ref))

    def lifetime(now: int, median_s: float, long_lived: bool) -> int:
        if long_lived:
            return now + int((END - now) * rng.random())
        return min(END, now + int(median_s * NS * math.exp(p.lifetime_sigma * rng.gauss(0, 1))))

    def plan(ref: int, now: int, far: bool) -> None:
        """Decide how the order ends and schedule it."""
        long_lived = rng.random() < (p.far_long_lived if far else p.long_lived)
        u = rng.random()
        if u < p.replace and not long_lived:
            end, kind = lifetime(now, p.replace_median_s, False), "U"
        elif u < p.replace + p.execute:
            end, kind = lifetime(now, p.execute_median_s, long_lived), "E"
        else:
            end, kind = lifetime(now, p.delete_median_s, long_lived), "D"
        schedule(end, kind, ref)
        if rng.random() < p.partial_execution:
            schedule(now + (end - now) // 2, "e", ref)
        if rng.random() < p.partial_cancel:
            schedule(now + (end - now) // 3, "x", ref)

    def place(symbol: int, side: int, far: bool) -> int:
        """A price for a new order: near or far from the touch, never crossing."""
        if rng.random() < p.stub:
            return STUB_BID if side == 0 else STUB_ASK
        if rng.random() < 0.02:
            day.fair[symbol] += TICK * rng.choice((-1, 1))
        fair = day.fair[symbol]
        ticks = 512 + int(rng.expovariate(1 / p.far_mean_ticks)) if far else int(
            rng.expovariate(1 / p.near_mean_ticks))  # fmt: skip
        distance = (day.half_spread[symbol] + ticks) * TICK
        other = books.best(symbol * 2 + 1 - side)
        if side == 0:
            price = fair - distance
            if other is not None:
                price = min(price, other - TICK)
            return max(STUB_BID, price)
        price = fair + distance
        if other is not None:
            price = max(price, other + TICK)
        return min(STUB_ASK, price)

    def pick_symbol() -> int:
        return min(
            n_symbols - 1,
            bisect_left(day.cumulative_weights, rng.random() * day.cumulative_weights[-1]),
        )

    def remove(ref: int) -> list[int]:
        o = live.pop(ref)
        if o[1] != 2:
            books.remove(o[0] * 2 + o[1], o[2])
        return o

    # --- the start of the day: system events, directory, states -----------
    def system(t: int, code: bytes) -> bytes:
        return emit("S", Packer("S").pack(0, 0, t, code))

    yield system(3 * HOUR, b"O")
    yield system(START, b"S")
    # Market-wide circuit breaker levels, Price(8).
    yield emit("V", Packer("V").pack(0, 0, START, 3_600 * 10**8, 3_300 * 10**8, 2_800 * 10**8))
    R, H, Y, L = Packer("R"), Packer("H"), Packer("Y"), Packer("L")
    for i in range(n_symbols):
        yield emit("R", R.pack(locates[i], 0, START, names[i], b"Q", b"N", 100, b"N", b"C", b"  ",
                               b"P", b"N", b"N", b"1", b"N", 0, b" "))  # fmt: skip
    for i in range(n_symbols):
        yield emit("H", H.pack(locates[i], 0, START, names[i], b"T", b" ", b"    "))
    for i in range(n_symbols):
        yield emit("Y", Y.pack(locates[i], 0, START, names[i], b"0"))
    for _ in range(max(1, int(day.messages * p.participant_positions))):
        i = pick_symbol()
        mpid = _symbol_name(rng.randrange(26**4))[1:5]
        yield emit("L", L.pack(locates[i], 0, START, mpid, names[i], b"N", b"N", b"A"))

    # --- the day's streams, merged in time order ---------------------------
    adds = max(1, int(day.messages / _messages_per_add(p)))
    clock = _Clock(ACTIVITY)
    noii_clock = _Clock(NOII_WINDOWS)
    trade_clock = _Clock([(OPEN, CLOSE, 1.0)])
    streams: list[tuple[int, str, int, int]] = []  # (time, stream, index, count)

    def start_stream(name: str, count: int, at: _Clock) -> None:
        if count:
            heapq.heappush(streams, (at.at(0.5 / count), name, 0, count))

    start_stream("add", adds, clock)
    start_stream("noii", int(day.messages * p.noii), noii_clock)
    start_stream("trade", int(day.messages * p.hidden_trades), trade_clock)
    # Each rare type at least once, so every message type of the specification occurs.
    start_stream("rare", 12, trade_clock)
    clocks = {"add": clock, "noii": noii_clock, "trade": trade_clock, "rare": trade_clock}
    boundaries = [(OPEN, b"Q"), (CLOSE, b"M")]
    anomaly_symbols = day.anomaly_symbols
    anomaly_index = 0

    def anomaly(now: int) -> Iterator[bytes]:
        nonlocal next_ref, anomaly_index
        kind = ANOMALIES[anomaly_index % len(ANOMALIES)]
        anomaly_index += 1
        i = rng.choice(anomaly_symbols)
        locate, name = locates[i], names[i]
        theirs = [ref for ref in list(live)[-2000:] if live[ref][0] == i and live[ref][1] != 2]
        if kind in ("duplicate_reference", "replace_onto_live", "over_execution", "over_cancel",
                    "locate_mismatch") and len(theirs) < 2:  # fmt: skip
            kind = "zero_shares"
        if kind == "duplicate_reference":
            o = live[theirs[0]]
            yield emit(
                "A", A.pack(locate, 0, now, theirs[0], b"BS"[o[1] : o[1] + 1], 100, name, o[2])
            )
        elif kind in ("zero_shares", "zero_price"):
            shares, price = (0, day.fair[i]) if kind == "zero_shares" else (100, 0)
            yield emit("A", A.pack(locate, 0, now, next_ref, b"B", shares, name, price))
            next_ref += 1
        elif kind == "unknown_side":
            live[next_ref] = [i, 2, day.fair[i], 100]
            yield emit("A", A.pack(locate, 0, now, next_ref, b"Z", 100, name, day.fair[i]))
            plan(next_ref, now, False)
            next_ref += 1
        elif kind == "replace_onto_live":
            remove(theirs[0])
            yield emit("U", U.pack(locate, 0, now, theirs[0], theirs[1], 100, live[theirs[1]][2]))
        elif kind in ("over_execution", "over_cancel"):
            o = remove(theirs[0])
            if kind == "over_execution":
                yield emit("E", E.pack(locate, 0, now, theirs[0], o[3] + 100, match))
            else:
                yield emit("X", X.pack(locate, 0, now, theirs[0], o[3] + 1))
        elif kind == "locate_mismatch":
            wrong = locates[(i + 1) % n_symbols]
            yield emit("D", D.pack(wrong, 0, now, theirs[0]))
        elif kind == "unknown_reference":
            yield emit("D", D.pack(locate, 0, now, 1 << 62 | next_ref))
        elif 0 not in live:  # reference_zero: a reference like any other
            price = place(i, 0, False)
            live[0] = [i, 0, price, 300]
            books.add(i * 2, price)
            yield emit("A", A.pack(locate, 0, now, 0, b"B", 300, name, price))
            plan(0, now, False)

    def cross(now: int) -> Iterator[bytes]:
        """System events due by `now`, with the opening and closing crosses."""
        nonlocal match
        while boundaries and boundaries[0][0] <= now:
            t, code = boundaries.pop(0)
            yield system(t, code)
            for i in range(n_symbols):
                cross = b"O" if code == b"Q" else b"C"
                yield emit("Q", Q.pack(locates[i], 0, t, rng.randrange(0, 50_000), names[i],
                                       day.fair[i], match, cross))  # fmt: skip
                match += 1

    while streams or events:
        t_stream = streams[0][0] if streams else END + 1
        if boundaries and boundaries[0][0] <= min(t_stream, events[0][0] if events else t_stream):
            yield from cross(boundaries[0][0])
            continue
        if events and events[0][0] <= t_stream:
            now, _, kind, ref = heapq.heappop(events)
            o = live.get(ref)
            if o is None:
                continue
            symbol, side, price, shares = o
            locate = locates[symbol]
            if kind == "D":
                remove(ref)
                yield emit("D", D.pack(locate, 0, now, ref))
            elif kind == "E":
                remove(ref)
                if rng.random() < 0.02:
                    yield emit("C", C.pack(locate, 0, now, ref, shares, match, b"Y", price))
                else:
                    yield emit("E", E.pack(locate, 0, now, ref, shares, match))
                match += 1
            elif kind in "ex":
                if shares < 2:
                    continue
                cut = rng.randrange(1, shares)
                o[3] -= cut
                if kind == "e":
                    yield emit("E", E.pack(locate, 0, now, ref, cut, match))
                    match += 1
                else:
                    yield emit("X", X.pack(locate, 0, now, ref, cut))
            else:  # "U": the new order keeps side and stock (ITCH 5.0 section 4.4.5)
                remove(ref)
                far = False
                if side == 2:
                    new_price = price
                else:
                    new_price = place(symbol, side, far)
                    books.add(symbol * 2 + side, new_price)
                new_shares = rng.choice((100, 100, 200, 300, 500)) + rng.randrange(0, 50)
                live[next_ref] = [symbol, side, new_price, new_shares]
                yield emit("U", U.pack(locate, 0, now, ref, next_ref, new_shares, new_price))
                plan(next_ref, now, far)
                next_ref += 1
            continue
        if not streams:
            break
        now, name, index, count = heapq.heappop(streams)
        if index + 1 < count:
            heapq.heappush(
                streams, (clocks[name].at((index + 1.5) / count), name, index + 1, count)
            )
        if name == "add":
            if p.anomalies and rng.random() < p.anomalies * _messages_per_add(p):
                yield from anomaly(now)
            symbol = pick_symbol()
            side = rng.randrange(2)
            far = rng.random() < p.far
            price = place(symbol, side, far)
            shares = rng.choice((100, 100, 100, 200, 300, 500, 1000)) + rng.randrange(0, 100)
            books.add(symbol * 2 + side, price)
            live[next_ref] = [symbol, side, price, shares]
            side_byte = b"BS"[side : side + 1]
            if rng.random() < 0.011:  # Add Order with MPID attribution: about 1% of adds
                yield emit("F", F.pack(locates[symbol], 0, now, next_ref, side_byte, shares,
                                       names[symbol], price, b"TKMM"))  # fmt: skip
            else:
                yield emit("A", A.pack(locates[symbol], 0, now, next_ref, side_byte, shares,
                                       names[symbol], price))  # fmt: skip
            plan(next_ref, now, far)
            next_ref += 1
        elif name == "noii":
            i = pick_symbol()
            yield emit("I", NOII.pack(locates[i], 0, now, rng.randrange(0, 10**6),
                                             rng.randrange(0, 10**5), b"B", names[i], day.fair[i],
                                             day.fair[i], day.fair[i], b"O", b" "))  # fmt: skip
        elif name == "trade":  # a hidden order executed: no book changes (section 4.5.1)
            i = pick_symbol()
            yield emit("P", P.pack(locates[i], 0, now, 0, b"B", 100, names[i], day.fair[i],
                                             match))  # fmt: skip
            match += 1
        else:
            yield from _rare(index, now, rng, locates, names, day.fair, emit)
    yield from cross(END)
    yield system(END, b"E")
    yield system(END + 5 * 60 * NS, b"C")


def _rare(index: int, now: int, rng: random.Random, locates: list[int], names: list[bytes],
          fair: list[int], emit) -> Iterator[bytes]:  # type: ignore[no-untyped-def]  # fmt: skip
    """Types a real day has few or none of, each at least once: broken
    trades, LULD collars, IPO quoting, MWCB status, operational halts, RPII
    and DLCR price discovery."""
    i = rng.randrange(len(locates))
    loc, name, price = locates[i], names[i], fair[i]
    code = "BJKWhNO"[index % 7]
    if code == "B":
        yield emit(code, Packer(code).pack(loc, 0, now, rng.randrange(1, 1000)))
    elif code == "J":
        yield emit(code, Packer(code).pack(loc, 0, now, name, price, price + 500, price - 500, 1))
    elif code == "K":
        yield emit(code, Packer(code).pack(loc, 0, now, name, 34_200, b"A", price))
    elif code == "W":
        yield emit(code, Packer(code).pack(0, 0, now, b"1"))
    elif code == "h":
        yield emit(code, Packer(code).pack(loc, 0, now, name, b"Q", b"T"))
    elif code == "N":
        yield emit(code, Packer(code).pack(loc, 0, now, name, b"B"))
    else:
        yield emit(code, Packer(code).pack(loc, 0, now, name, b"Y", price - 1000, price + 1000,
                                           price, 0, price - 2000, price + 2000))  # fmt: skip
