"""The scheduler in a Linux process, through the hosted C ABI: run order by
priority (hypothesis), and block/wake races across two scheduler threads."""

import ctypes
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.hosted_lib import library


def run_order(priorities: list[int]) -> list[int]:
    lib = library()
    n = len(priorities)
    out = (ctypes.c_uint32 * max(n, 1))()
    count = lib.tk_sched_run_order((ctypes.c_uint8 * n)(*priorities), n, out)
    return list(out[:count])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=64))
def test_tasks_run_by_priority_then_creation_order(priorities: list[int]):
    order = run_order(priorities)
    expected = sorted(range(len(priorities)), key=lambda i: (priorities[i], i))
    assert order == expected


PINGPONG = """
import ctypes, sys
from tradekernel.hosted_lib import library
lib = library()
lib.tk_sched_cross_core_pingpong.restype = ctypes.c_uint64
lib.tk_sched_cross_core_pingpong.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
print(lib.tk_sched_cross_core_pingpong({rounds}, 5000), flush=True)
sys.stdout.flush()
import os; os._exit(0)
"""


def test_cross_core_block_wake_races_lose_nothing():
    """Each round, a wake() from the other core races with block(): it may land
    before the block, during it, or after. 300,000 rounds, none lost."""
    rounds = 300_000
    done = subprocess.run(
        [sys.executable, "-c", PINGPONG.format(rounds=rounds)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) == rounds
