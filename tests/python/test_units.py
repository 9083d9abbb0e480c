"""The strong types of include/tk/units.h do what they are for: a call that
mixes units does not compile, the same call with the units in their places
does. Each case is compiled with the kernel's compiler and flags (syntax
only), as a strategy author would write it."""

import subprocess

import pytest

from tradekernel import paths
from tradekernel.tools import require

PRELUDE = """
#include "kernel/trade/strategy.h"
#include "kernel/book/order_book.h"
#include "tk/tsc.h"
using namespace tk;
using namespace tk::trade;
void f(Orders* o, const Bbo* b, const book::Books* books, TscClock clock) {
"""

# (what a user might write by mistake, the same written right)
CASES = {
    "price and shares swapped in send_order": (
        "send_order(o, b->locate, 'B', b->ask_price, Shares{100});",
        "send_order(o, b->locate, 'B', Shares{100}, b->ask_price);",
    ),
    "a bare number for a price": (
        "send_order(o, b->locate, 'B', Shares{100}, 1000000);",
        "send_order(o, b->locate, 'B', Shares{100}, Price{1000000});",
    ),
    "a sequence number for a locate": (
        "book::Level l; books->depth(b->feed_sequence, book::kBuy, &l, 1);",
        "book::Level l; books->depth(b->locate, book::kBuy, &l, 1);",
    ),
    "a price compared with shares": (
        "bool wide = b->ask_price - b->bid_price > b->ask_shares; (void)wide;",
        "bool wide = b->ask_price - b->bid_price > Price{100}; (void)wide;",
    ),
    "ticks taken for nanoseconds": (
        "Nanos wait = tsc_now(); (void)wait;",
        "Nanos wait = clock.to_ns(tsc_now()); (void)wait;",
    ),
    "nanoseconds added to ticks": (
        "Ticks deadline = tsc_now() + Nanos{1000}; (void)deadline;",
        "Ticks deadline = tsc_now() + clock.to_ticks(Nanos{1000}); (void)deadline;",
    ),
}


def compiles(body: str) -> tuple[bool, str]:
    source = PRELUDE + body + "\n}\n"
    done = subprocess.run(
        [require("clang++"), "-std=c++20", "-fsyntax-only", "-Wall", "-Werror",
         "-I.", "-Iinclude", "-x", "c++", "-"],
        input=source, capture_output=True, text=True, cwd=paths.ROOT,
    )  # fmt: skip
    return done.returncode == 0, done.stderr


@pytest.mark.parametrize("case", CASES)
def test_mixing_units_does_not_compile_and_the_right_units_do(case: str):
    wrong, right = CASES[case]
    ok, errors = compiles(right)
    assert ok, errors
    ok, _ = compiles(wrong)
    assert not ok, f"compiled: {wrong}"
