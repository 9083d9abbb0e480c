"""Random programs in the strategy language, for the differential test of
the compiler against the Python run (test_strategy_compiler.py): integer
expressions over the market data and the state, stores into narrow fields
and arrays, loops, helper calls. Every value computed leaves through
send_order (`report`), so a difference in any of them shows."""

from __future__ import annotations

import random

HEADER = """
from tradekernel.strategy import BUY, Array, Bbo, SymbolState, i16, i32, i64, send_order, u8

BIG = 9223372036854775807


class State:
    acc: i64 = 0
    small: i16 = 0
    flag: bool = False
    arr: Array[i32, 8]
    bytes_: Array[u8, 4]


def report(v: int) -> None:
    send_order(0, BUY, v & BIG, 1 if v < 0 else 0)


def helper(a: int, b: int) -> int:
    if a > b:
        return a - b
    return b // (a | 1)

"""

LEAVES = (
    "bbo.bid_price", "bbo.ask_price", "bbo.bid_shares", "bbo.ask_shares", "bbo.locate",
    "bbo.feed_sequence", "s.acc", "s.small", "symbol.volume", "symbol.bbo.bid_price",
)  # fmt: skip
CONSTANTS = (
    "0", "1", "-1", "2", "3", "7", "63", "64", "65", "-64", "100", "65535", "65536",
    "2147483647", "-2147483648", "4294967296", "9223372036854775807", "-9223372036854775808",
    "BIG",
)  # fmt: skip
# Odd seeds make tame programs and inputs: small constants and values, so
# that most callbacks run to the end and their arithmetic, not their first
# fault, is what the two runs compare.
TAME_CONSTANTS = ("0", "1", "2", "3", "5", "7", "10", "100", "-1", "-3", "-7")
BINARY = ("+", "-", "*", "//", "%", "<<", ">>", "&", "|", "^")
COMPARE = ("<", "<=", ">", ">=", "==", "!=")


def expr(r: random.Random, depth: int, names: list[str], tame: bool = False) -> str:
    if depth == 0 or r.random() < 0.25:
        constants = TAME_CONSTANTS if tame else CONSTANTS
        pool = [*LEAVES, *constants, *names, "s.arr[1]", "s.bytes_[-1]"]
        return r.choice(pool)
    kind = r.random()

    a = expr(r, depth - 1, names, tame)
    if kind < 0.55:
        op, b = r.choice(BINARY), expr(r, depth - 1, names, tame)
        if tame and op in ("<<", ">>"):  # shifts by small counts
            b = r.choice(("0", "1", "3", "7"))
        elif tame and op in ("//", "%"):  # by an odd number, never zero
            b = f"({b} | 1)"
        return f"({a} {op} {b})"
    if kind < 0.65:
        return f"({r.choice(('-', '~', '+'))}{a})"
    if kind < 0.75:
        f = r.choice(("abs", "min", "max"))
        if f == "abs":
            return f"abs({a})"
        return f"{f}({a}, {expr(r, depth - 1, names, tame)})"
    if kind < 0.85:
        b, c = expr(r, depth - 1, names, tame), expr(r, depth - 1, names, tame)
        test = f"{a} {r.choice(COMPARE)} {b}"
        if r.random() < 0.3:
            test += f" {r.choice(COMPARE)} {c}"
        return f"({expr(r, depth - 1, names, tame)} if {test} else {c})"
    if kind < 0.92:
        return f"helper({a}, {expr(r, depth - 1, names, tame)})"
    return f"s.arr[{a} % 8]"


def program(seed: int) -> str:
    r = random.Random(seed)
    tame = seed % 2 == 1

    lines = ["def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:"]
    names: list[str] = []
    for n in range(r.randint(3, 8)):
        e = expr(r, r.randint(1, 3 if tame else 4), names, tame)
        kind = r.random()
        if kind < 0.45:
            name = f"v{n}"
            lines += [f"    {name} = {e}", f"    report({name})"]
            names.append(name)
        elif kind < 0.55:
            lines.append(f"    s.acc = {e}")
        elif kind < 0.62:
            lines.append(f"    s.small = {e}" if not tame else f"    s.small = ({e}) % 1000")
        elif kind < 0.70:
            at = expr(r, 2, names, tame)
            lines.append(f"    s.arr[{at if not tame else f'({at}) % 8'}] = {e}")
        elif kind < 0.76:
            at = expr(r, 1, names, tame)
            if tame:
                lines.append(f"    s.bytes_[({at}) % 4] = ({e}) % 256")
            else:
                lines.append(f"    s.bytes_[{at}] += {e}")
        elif kind < 0.82:
            lines.append(f"    s.flag = {e} > {expr(r, 1, names, tame)}")
            lines.append("    report(1 if s.flag else 0)")
        elif kind < 0.90:
            bound = r.choice(
                ("bbo.locate", "bbo.bid_price", "s.small", "5", "200000")[: 4 if tame else 5]
            )
            step = r.choice(("", ", 1", ", 3", ", -2"))
            start = "0, " if step else ""
            lines += [
                f"    for i{n} in range({start}{bound}{step}):",
                f"        s.acc = s.acc + i{n}",
                f"        if i{n} > {r.choice(('3', '100', '150000'))}:",
                "            break",
                "    report(s.acc)",
            ]
        else:
            limits = ("bbo.locate", "10", "s.small", "100001")  # 100,001: past the budget
            limit = r.choice(limits[: 3 if tame else 4])
            lines += [
                f"    w{n} = 0",
                f"    while w{n} < {limit}:",
                f"        w{n} += 1",
                f"    report(w{n})",
            ]
            names.append(f"w{n}")
    lines.append("    report(s.acc)")
    return HEADER + "\n".join(lines) + "\n"


U64 = (0, 1, 2, 99, 100, 65535, 2**31, 2**32 - 1, 2**63 - 1, 2**63, 2**64 - 1)
U32 = (0, 1, 100, 2**31 - 1, 2**31, 2**32 - 1)
U16 = (0, 1, 3, 7, 255, 65535)


def inputs(seed: int, count: int) -> list[dict[str, int]]:
    r = random.Random(seed)
    if seed % 2 == 1:
        return [
            {
                "locate": r.randint(0, 7),
                "bid_price": r.randint(0, 2000),
                "bid_shares": r.randint(0, 1000),
                "ask_price": r.randint(0, 2000),
                "ask_shares": r.randint(0, 1000),
                "feed_sequence": r.randint(1, 10**6),
            }
            for _ in range(count)
        ]
    return [
        {
            "locate": r.choice(U16),
            "bid_price": r.choice(U32),
            "bid_shares": r.choice(U64) if r.random() < 0.3 else r.randint(0, 1000),
            "ask_price": r.choice(U32),
            "ask_shares": r.choice(U64) if r.random() < 0.3 else r.randint(0, 1000),
            "feed_sequence": r.choice(U64) if r.random() < 0.2 else r.randint(1, 10**6),
        }
        for _ in range(count)
    ]
