"""Builds what a caller needs, once per process: `make` is incremental, but
the tests should not pay even its up-to-date check for every module, and a
hosted test should not wait for the kernel, its images and the benchmarks.
TK_SKIP_BUILD=1 skips building (the caller has built)."""

from __future__ import annotations

import os
import subprocess

from tradekernel import paths
from tradekernel.tools import require

HOSTED = ("hosted",)  # the hosted core, its tests and libtkcore.so
KERNEL = ("all", "iso", "release", "bench-bin")  # what a QEMU test may boot or run

_built: set[str] = set()


class BuildFailed(RuntimeError):
    pass


def ensure(targets: tuple[str, ...]) -> None:
    """Runs `make targets` unless this process already has."""
    wanted = [t for t in targets if t not in _built]
    if not wanted or os.environ.get("TK_SKIP_BUILD"):
        return
    done = subprocess.run(
        [require("make"), "-s", "-C", str(paths.ROOT), *wanted], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BuildFailed(f"make {' '.join(wanted)} failed:\n{done.stdout}\n{done.stderr}")
    _built.update(wanted)
