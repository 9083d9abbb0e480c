"""Debug builds (the default) catch double frees and foreign pointers: the
pool panics with its name, and the process ends with the panic status."""

import subprocess
import sys

import pytest

from tradekernel.exit_codes import KERNEL_PANIC

SCRIPT = """
import ctypes
from tradekernel.hosted_pool import Pool
pool = Pool(64, 8)
obj = pool.alloc(0)
{action}
print("survived")
"""

CASES = {
    "double-free": ("pool.free(0, obj); pool.free(1, obj)", "double free of"),
    "foreign-pointer": (
        "buf = ctypes.create_string_buffer(128); pool.free(0, ctypes.addressof(buf))",
        "which is not an object of this pool",
    ),
    "misaligned": ("pool.free(0, obj + 8)", "which is not an object of this pool"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_free_panics(case: str):
    action, message = CASES[case]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(action=action)], capture_output=True, text=True
    )
    assert done.returncode == KERNEL_PANIC
    assert "survived" not in done.stdout
    assert "pool hosted: " in done.stdout and message in done.stdout
    assert "@tk panic kind=software" in done.stdout


def test_trading_guard_refuses_new_pools():
    code = (
        "from tradekernel import hosted_pool as hp\n"
        "hp.Pool(64, 8)\n"
        "hp.start_trading()\n"
        "try:\n    hp.Pool(64, 8)\nexcept ValueError:\n    print('refused')\n"
        "print('violations', hp.allocation_violations())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "refused" in done.stdout
    assert "@tk alloc-violation allocator=pool-init count=1" in done.stdout
    assert "violations 1" in done.stdout
