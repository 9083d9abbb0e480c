"""Write the kernel's symbol table into its reserved `.ksymtab` section.

The kernel links once with the section zero-filled (platform/pc/ksymtab.asm).
This step fills it with function addresses and demangled names in the layout
of kernel/prof/symbols.h, so panic reports can name functions. The section's
size is fixed, so no address in the image moves.

Usage: python -m tradekernel.symtab build/kernel.unpatched.elf build/kernel.elf
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile

MAGIC = 0x59534B54  # "TKSY"
HEADER = struct.Struct("<IIII")
ENTRY = struct.Struct("<QII")


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int
    name: str


def function_symbols(elf: ELFFile) -> list[Symbol]:
    table = elf.get_section_by_name(".symtab")
    if table is None:
        raise SystemExit("symtab: the kernel has no .symtab (was it stripped?)")
    seen: dict[int, Symbol] = {}
    for sym in table.iter_symbols():
        if sym["st_info"]["type"] != "STT_FUNC" or sym["st_value"] == 0:
            continue
        address = sym["st_value"]
        # Several names for one address (aliases): keep the first.
        seen.setdefault(address, Symbol(address, sym["st_size"], sym.name))
    return sorted(seen.values(), key=lambda s: s.address)


def demangle(names: list[str]) -> list[str]:
    """Demangled, without parameter lists, one word each (records need no spaces)."""
    tool = shutil.which("llvm-cxxfilt") or shutil.which("c++filt")
    if tool is None:
        return names
    out = subprocess.run(
        [tool], input="\n".join(names), capture_output=True, text=True, check=True
    ).stdout.splitlines()
    if len(out) != len(names):
        return names
    return [short_name(n) for n in out]


def short_name(demangled: str) -> str:
    """`tk::(anonymous namespace)::f(unsigned long)` -> `tk::f`, one word."""
    name = demangled.replace("(anonymous namespace)::", "")
    depth = 0
    for i, ch in enumerate(name):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0 and i > 0:
            name = name[:i]
            break
    return name.replace(" ", "_")


def encode(symbols: list[Symbol], names: list[str]) -> bytes:
    blob = bytearray()
    offsets = []
    for name in names:
        offsets.append(len(blob))
        blob += name.encode() + b"\0"
    names_offset = HEADER.size + ENTRY.size * len(symbols)
    out = bytearray(HEADER.pack(MAGIC, len(symbols), names_offset, len(blob)))
    for sym, off in zip(symbols, offsets, strict=True):
        out += ENTRY.pack(sym.address, min(sym.size, 0xFFFFFFFF), off)
    return bytes(out + blob)


def patch(src: Path, dst: Path) -> int:
    data = bytearray(src.read_bytes())
    with src.open("rb") as f:
        elf = ELFFile(f)
        section = elf.get_section_by_name(".ksymtab")
        if section is None:
            raise SystemExit("symtab: the kernel has no .ksymtab section")
        symbols = function_symbols(elf)
        blob = encode(symbols, demangle([s.name for s in symbols]))
        if len(blob) > section["sh_size"]:
            raise SystemExit(
                f"symtab: table needs {len(blob)} bytes but .ksymtab holds "
                f"{section['sh_size']}; enlarge platform/pc/ksymtab.asm"
            )
        offset = section["sh_offset"]
    data[offset : offset + len(blob)] = blob
    dst.write_bytes(data)
    return len(symbols)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    count = patch(Path(argv[1]), Path(argv[2]))
    print(f"symtab: {count} functions written to {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
