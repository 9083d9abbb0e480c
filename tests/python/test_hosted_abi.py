"""The hosted C ABI is declared once (platform/hosted/capi/tk_capi.h): every
function the library exports is in the header, so Python calls none without
its types, and every declared function exists."""

import ctypes
import subprocess
from pathlib import Path

import pytest

from tradekernel import paths
from tradekernel.hosted_lib import SO, declarations, library
from tradekernel.tools import require


def defined(*files: Path) -> set[str]:
    """The tk_ functions the files define."""
    out = subprocess.run([require("nm"), "--defined-only", *map(str, files)], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    words = [line.split() for line in out.splitlines()]
    return {w[-1] for w in words if len(w) == 3 and w[1] == "T" and w[-1].startswith("tk_")}


def test_every_function_of_the_c_abi_is_declared_and_every_declared_one_exported():
    declared = set(declarations())
    assert len(declared) >= 70
    capi = sorted((paths.BUILD / "hosted" / "platform" / "hosted" / "capi").glob("*.o"))
    assert capi, "no capi objects: make hosted"
    assert defined(*capi) == declared  # what the capi sources define is what the header says
    out = subprocess.run([require("nm"), "-D", "--defined-only", str(SO)], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert declared <= {line.split()[-1] for line in out.splitlines()}  # and the library exports it


def test_calls_get_their_types_from_the_header():
    lib = library()
    assert lib.tk_mold_counter_names().startswith(b"packets,")  # const char* comes back as bytes
    assert lib.tk_itch_check(b"S" + bytes(11), 12) == 0  # a System Event of the right length


def test_a_wrong_argument_is_refused_not_passed_as_other_memory():
    lib = library()
    with pytest.raises(ctypes.ArgumentError):  # a str is not bytes
        lib.tk_itch_check("S" + "\0" * 11, 12)
    h = lib.tk_mold_create(1)
    try:
        with pytest.raises(ctypes.ArgumentError):  # the counters are 64-bit
            lib.tk_mold_counters(h, (ctypes.c_uint32 * 64)())
        lib.tk_mold_counters(h, (ctypes.c_uint64 * 64)())  # the right one is taken
    finally:
        lib.tk_mold_destroy(h)
