"""The hosted build of the kernel core as a shared library
(build/hosted/libtkcore.so, `make hosted`), loaded once with ctypes. Each
module that wraps part of its C ABI (hosted_pool, hosted_net, the tests)
declares the argument types of the functions it calls."""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path

from tradekernel import paths

SO = paths.BUILD / "hosted" / "libtkcore.so"


@cache
def library(path: Path = SO) -> ctypes.CDLL:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run 'make hosted'")
    return ctypes.CDLL(str(path))
