"""The hosted build of the kernel core as a shared library
(build/hosted/libtkcore.so, `make hosted`), loaded once with ctypes.

Its C ABI is declared once, in platform/hosted/capi/tk_capi.h: the C++
sources include it (so the compiler checks every definition against it) and
this module reads it with pycparser to give each function its argument and
result types. No caller declares `argtypes` by hand."""

from __future__ import annotations

import ctypes
import re
from functools import cache
from pathlib import Path

from pycparser import c_ast, c_parser

from tradekernel import paths

SO = paths.BUILD / "hosted" / "libtkcore.so"
HEADER = paths.ROOT / "platform" / "hosted" / "capi" / "tk_capi.h"

# The header's types: <stdint.h> and <stddef.h> are not parsed, these stand in.
_PRELUDE = """
typedef unsigned char uint8_t; typedef unsigned short uint16_t; typedef unsigned int uint32_t;
typedef unsigned long uint64_t; typedef long int64_t; typedef unsigned long size_t;
"""
_SCALARS: dict[str, type] = {
    "uint8_t": ctypes.c_uint8,
    "uint16_t": ctypes.c_uint16,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "int64_t": ctypes.c_int64,
    "size_t": ctypes.c_size_t,
    "int": ctypes.c_int,
    "long": ctypes.c_long,
    "char": ctypes.c_char,
}


class _Pointer:
    """A pointer parameter that takes only what matches its C type: for
    `uint8_t*` and `char*`, bytes or a one-byte-element buffer; for other
    `T*`, an array or pointer of T; for either, byref() or None. A str, or
    an array of the wrong element (a uint32 array where uint64_t* is
    written), is refused instead of passed as some other memory."""

    def __init__(self, target: type | None) -> None:
        self.target = target  # None: a struct or void pointee

    def from_param(self, value: object) -> object:
        if value is None or type(value).__name__ == "CArgObject":  # byref(...)
            return value
        if self.target is None:
            return ctypes.c_void_p.from_param(value)
        if ctypes.sizeof(self.target) == 1 and isinstance(value, bytes):
            return ctypes.c_char_p(value)
        element = getattr(value, "_type_", None)  # of a ctypes array or pointer
        same_bytes = isinstance(element, type) and ctypes.sizeof(self.target) == 1
        if isinstance(value, ctypes.Array | ctypes._Pointer) and (
            element is self.target or (same_bytes and ctypes.sizeof(element) == 1)
        ):
            return value
        raise TypeError(f"{type(value).__name__} where {self.target.__name__}* is expected")


def _ctype(node: c_ast.Node, result: bool = False) -> object:
    """The ctypes type of a parameter or result. `void*` is a handle
    (c_void_p); a `const char*` result comes back as bytes."""
    if isinstance(node, c_ast.PtrDecl):
        pointee = node.type.type
        names = getattr(pointee, "names", None)
        if names == ["void"]:
            return ctypes.c_void_p
        if result:
            return ctypes.c_char_p if names == ["char"] else ctypes.c_void_p
        return _Pointer(_SCALARS[" ".join(names)] if names else None)
    names = node.type.names  # TypeDecl -> IdentifierType
    if names == ["void"]:
        return None
    return _SCALARS[" ".join(names)]


def declarations(header: Path = HEADER) -> dict[str, tuple[list[object], object]]:
    """Each function the header declares: (argument types, result type)."""
    text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.DOTALL)  # no comments in pycparser
    lines = []
    for line in text.splitlines():
        # The preprocessor lines and the C++-only `extern "C" {` ... `}` wrapper.
        if line.startswith("#") or line.strip() == 'extern "C" {' or line == "}":
            continue
        lines.append(line)
    unit = c_parser.CParser().parse(_PRELUDE + "\n".join(lines))
    found = {}
    for decl in unit.ext:
        if isinstance(decl, c_ast.Decl) and isinstance(decl.type, c_ast.FuncDecl):
            params = decl.type.args.params if decl.type.args else []
            args = [_ctype(p.type) for p in params if _ctype(p.type) is not None]
            found[decl.name] = (args, _ctype(decl.type.type, result=True))
    return found


@cache
def library(path: Path = SO) -> ctypes.CDLL:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run 'make hosted'")
    lib = ctypes.CDLL(str(path))
    for name, (args, result) in declarations().items():
        function = getattr(lib, name)
        function.argtypes = args
        function.restype = result
    return lib
