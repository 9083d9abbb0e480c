"""What a strategy's Python run needs beyond CPython: the faults, and the
checks the compiled code makes, made at the same points with the same
outcome (tradekernel/strategy/python_backend.py inserts the calls).

Every integer a strategy computes is a Python int that must fit in 64 signed
bits, checked after every operation: where Python's value would not fit,
both runs take the same fault instead of a different number."""

from __future__ import annotations

# The fault codes, in the order the kernel reports their names (the compiled
# object carries this list as a string; one source).
FAULTS = (
    "none",
    "overflow",  # a value outside [-2**63, 2**63)
    "index",  # an array index outside [-len, len)
    "zero-division",  # // or % by zero
    "negative-shift",  # << or >> by a negative count
    "value-range",  # a store or an argument that does not fit its field
    "loop-budget",  # a callback ran more loop iterations than its budget
)
OVERFLOW, INDEX, ZERO_DIVISION, NEGATIVE_SHIFT, VALUE_RANGE, LOOP_BUDGET = range(1, 7)

I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1
# Loop iterations one callback may run, over all its loops and helpers.
LOOP_BUDGET_ITERATIONS = 100_000


class StrategyFault(Exception):
    def __init__(self, code: int, line: int) -> None:
        super().__init__(f"{FAULTS[code]} at line {line}")
        self.code = code
        self.line = line


def _fit(v: int, line: int) -> int:
    if I64_MIN <= v <= I64_MAX:
        return v
    raise StrategyFault(OVERFLOW, line)


def add(a: int, b: int, line: int) -> int:
    return _fit(a + b, line)


def sub(a: int, b: int, line: int) -> int:
    return _fit(a - b, line)


def mul(a: int, b: int, line: int) -> int:
    return _fit(a * b, line)


def floordiv(a: int, b: int, line: int) -> int:
    if b == 0:
        raise StrategyFault(ZERO_DIVISION, line)
    return _fit(a // b, line)


def mod(a: int, b: int, line: int) -> int:
    if b == 0:
        raise StrategyFault(ZERO_DIVISION, line)
    return a % b


def lshift(a: int, b: int, line: int) -> int:
    if b < 0:
        raise StrategyFault(NEGATIVE_SHIFT, line)
    if a == 0:
        return 0
    if b >= 64:
        raise StrategyFault(OVERFLOW, line)
    return _fit(a << b, line)


def rshift(a: int, b: int, line: int) -> int:
    if b < 0:
        raise StrategyFault(NEGATIVE_SHIFT, line)
    return a >> b


def neg(a: int, line: int) -> int:
    return _fit(-a, line)


def abs_(a: int, line: int) -> int:
    return _fit(abs(a), line)


def index(i: int, length: int, line: int) -> int:
    if -length <= i < length:
        return i
    raise StrategyFault(INDEX, line)


def store(v: int, lo: int, hi: int, line: int) -> int:
    """A value stored in a narrower field, or passed to the kernel."""
    if lo <= v <= hi:
        return v
    raise StrategyFault(VALUE_RANGE, line)


def load_u64(v: int, line: int) -> int:
    """A u64 field read into an int: 2**63 and above do not fit."""
    if v <= I64_MAX:
        return v
    raise StrategyFault(OVERFLOW, line)


def order_id(v: int, line: int) -> int:
    """send_order's result as the compiled code reads the kernel's u64."""
    if 0 <= v <= I64_MAX:
        return v
    raise StrategyFault(OVERFLOW, line)


class LoopBudget:
    """Iterations left to the running callback (reset at each callback)."""

    left = LOOP_BUDGET_ITERATIONS


def tick(line: int) -> None:
    LoopBudget.left -= 1
    if LoopBudget.left < 0:
        raise StrategyFault(LOOP_BUDGET, line)
