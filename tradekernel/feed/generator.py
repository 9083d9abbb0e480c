"""A deterministic synthetic ITCH 5.0 session: order flow on several
symbols around a drifting mid price -- adds, partial and full executions,
partial cancels, deletes, replaces and trades -- always consistent (no
message names an order that does not exist), with a steady state of about
2,000 resting orders. As on a real exchange, a book never crosses: an order
that would trade through the other side's best rests one tick behind it."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

from tradekernel.feed.itch import encode


def session(seed: int, messages: int, symbols: int = 8) -> Iterator[bytes]:
    rng = random.Random(seed)
    live: dict[int, tuple[int, str, int, int]] = {}  # ref -> (locate, side, price, shares)
    mids = {locate: 100_0000 + 10_0000 * locate for locate in range(1, symbols + 1)}
    names = {locate: f"SYM{locate}" for locate in mids}
    # (locate, side) -> resting orders per price, to keep books uncrossed.
    levels: dict[tuple[int, str], Counter[int]] = {
        (locate, side): Counter() for locate in mids for side in "BS"
    }

    def uncrossed(locate: int, side: str, price: int) -> int:
        other = levels[(locate, "S" if side == "B" else "B")]
        if not other:
            return price
        return min(price, min(other) - 100) if side == "B" else max(price, max(other) + 100)

    def rest(locate: int, side: str, price: int, change: int) -> None:
        level = levels[(locate, side)]
        level[price] += change
        if level[price] == 0:
            del level[price]

    next_ref, match, ts = 1, 1, 34_200_000_000_000
    for locate, name in names.items():
        yield encode("R", stock_locate=locate, timestamp=ts, stock=name, round_lot_size=100)
    produced = 0
    while produced < messages:
        ts += rng.randrange(1, 50_000)
        # About as many orders leave as arrive once ~2,000 rest on the books,
        # as in a real session's steady state.
        add_probability = 0.6 if len(live) < 2_000 else 0.15
        if rng.random() < add_probability or len(live) < 20:
            locate = rng.choice(list(mids))
            mids[locate] += rng.choice((-100, 0, 100))
            side = rng.choice("BS")
            offset = rng.randrange(0, 20) * 100
            price = mids[locate] - offset if side == "B" else mids[locate] + offset
            price = max(100, uncrossed(locate, side, price))
            shares = rng.choice((100, 200, 300, 500, 1000)) + rng.randrange(0, 100)
            code = rng.choice("AAAF")
            extra = {"attribution": "TKMM"} if code == "F" else {}
            yield encode(code, stock_locate=locate, timestamp=ts, order_reference_number=next_ref,
                         buy_sell_indicator=side, shares=shares, stock=names[locate], price=price,
                         **extra)  # fmt: skip
            live[next_ref] = (locate, side, price, shares)
            rest(locate, side, price, 1)
            next_ref += 1
        else:
            ref = rng.choice(list(live))
            locate, side, price, shares = live[ref]
            kind = rng.random()
            if kind < 0.3:
                n = rng.randrange(1, shares + 1)
                code = rng.choice("EC")
                extra = {"printable": "Y", "execution_price": price} if code == "C" else {}
                yield encode(code, stock_locate=locate, timestamp=ts, order_reference_number=ref,
                             executed_shares=n, match_number=match, **extra)  # fmt: skip
                match += 1
            elif kind < 0.5 and shares > 1:
                n = rng.randrange(1, shares)
                yield encode("X", stock_locate=locate, timestamp=ts, order_reference_number=ref,
                             cancelled_shares=n)  # fmt: skip
            elif kind < 0.75:
                n = shares
                yield encode("D", stock_locate=locate, timestamp=ts, order_reference_number=ref)
            else:
                rest(locate, side, price, -1)
                new_price = max(100, uncrossed(locate, side, price + rng.choice((-100, 100))))
                new_shares = rng.choice((100, 200, 400))
                yield encode("U", stock_locate=locate, timestamp=ts,
                             original_order_reference_number=ref,
                             new_order_reference_number=next_ref,
                             shares=new_shares, price=new_price)  # fmt: skip
                del live[ref]
                live[next_ref] = (locate, side, new_price, new_shares)
                rest(locate, side, new_price, 1)
                next_ref += 1
                produced += 1
                continue
            if n >= shares:
                del live[ref]
                rest(locate, side, price, -1)
            else:
                live[ref] = (locate, side, price, shares - n)
        produced += 1
        if rng.random() < 0.02:  # a trade print: changes no book
            yield encode("P", stock_locate=1, timestamp=ts, order_reference_number=0,
                         buy_sell_indicator="B", shares=100, stock=names[1], price=mids[1],
                         match_number=match)  # fmt: skip
            match += 1
