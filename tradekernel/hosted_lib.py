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


def _ctype(node: c_ast.Node, result: bool = False) -> type | None:
    """The ctypes type of a parameter or result. A pointer parameter is a
    c_void_p, which takes bytes, a ctypes array or buffer, byref() or an
    address; a `const char*` result comes back as bytes."""
    if isinstance(node, c_ast.PtrDecl):
        names = getattr(node.type.type, "names", [])
        if result and names == ["char"] and "const" in node.type.quals:
            return ctypes.c_char_p
        return ctypes.c_void_p
    names = node.type.names  # TypeDecl -> IdentifierType
    if names == ["void"]:
        return None
    return _SCALARS[" ".join(names)]


def declarations(header: Path = HEADER) -> dict[str, tuple[list[type | None], type | None]]:
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
