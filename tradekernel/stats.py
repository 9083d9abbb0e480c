"""Percentiles, defined once for the host's tools as the kernel defines them
(kernel/prof/stats.h, percentile_index): nearest rank. Of n sorted samples,
the q-th percentile is the sample at 1-based rank ceil(q * n): at least a
fraction q of the samples are at or below it, and it is always a sample."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(ordered: Sequence[float], q: float) -> float:
    """The `q` (0-1) percentile of samples already sorted ascending."""
    if not ordered:
        raise ValueError("no samples")
    rank = math.ceil(round(q * len(ordered), 9))  # round: 0.99 * 100 is 98.99999999999999
    return ordered[max(rank, 1) - 1]
