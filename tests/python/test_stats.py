"""tradekernel.stats: percentiles by nearest rank, the same definition as
the kernel's (kernel/prof/stats.h; tests/kernel/test_stats.cpp checks the
same table there)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.stats import percentile

# (samples, q, 0-based index), as in tests/kernel/test_stats.cpp
TABLE = [(1, 0.5, 0), (1, 0.99, 0), (2, 0.5, 0), (4, 0.5, 1), (5, 0.5, 2), (100, 0.99, 98),
         (100, 0.01, 0), (101, 0.99, 99), (1000, 0.99, 989), (1000, 0.999, 998), (7, 1.0, 6),
         (200, 0.5, 99), (3, 0.0, 0)]  # fmt: skip


@pytest.mark.parametrize(("n", "q", "index"), TABLE)
def test_the_table_the_kernel_checks_too(n: int, q: float, index: int):
    assert percentile(list(range(n)), q) == index


@given(st.lists(st.integers(), min_size=1, max_size=300), st.floats(0.001, 1.0))
def test_at_least_q_of_the_samples_are_at_or_below_it_and_it_is_a_sample(values, q):
    ordered = sorted(values)
    p = percentile(ordered, q)
    assert p in ordered
    assert sum(v <= p for v in ordered) >= math.floor(q * len(ordered) - 1e-9)
    # ... and it is the smallest such sample
    below = [v for v in ordered if v < p]
    assert len(below) < max(1, math.ceil(round(q * len(ordered), 9)))


def test_no_samples_is_an_error_not_a_number():
    with pytest.raises(ValueError):
        percentile([], 0.5)
