"""Names of the kernel's test cases, without running anything.

Test cases are `TestCase` structs in the `tk_tests` section
(kernel/test/ktest.h): {const char* name; void (*run)(Context&); bool pc_only}.
For the bare-metal kernel they are read from build/kernel.elf; the hosted
executable lists its own with --list.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from elftools.elf.elffile import ELFFile

from tradekernel.records import of_kind, parse_records

TEST_CASE = struct.Struct("<QQ?7x")


def _read(elf: ELFFile, address: int, size: int) -> bytes:
    for section in elf.iter_sections():
        start = section["sh_addr"]
        if section["sh_type"] == "SHT_PROGBITS" and start <= address < start + section["sh_size"]:
            offset = address - start
            return section.data()[offset : offset + size]
    raise ValueError(f"address {address:#x} is in no loaded section")


def _c_string(elf: ELFFile, address: int) -> str:
    raw = _read(elf, address, 256)
    return raw.split(b"\0", 1)[0].decode()


def pc_test_names(kernel_elf: Path) -> list[str]:
    """Every test case the bare-metal kernel runs in a test boot, in order."""
    with kernel_elf.open("rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        start = symtab.get_symbol_by_name("__start_tk_tests")[0]["st_value"]
        stop = symtab.get_symbol_by_name("__stop_tk_tests")[0]["st_value"]
        table = _read(elf, start, stop - start)
        names = []
        for offset in range(0, len(table), TEST_CASE.size):
            name_ptr, _run, _pc_only = TEST_CASE.unpack_from(table, offset)
            names.append(_c_string(elf, name_ptr))
        return names


def hosted_test_names(executable: Path) -> list[str]:
    out = subprocess.run([str(executable), "--list"], capture_output=True, text=True, check=True)
    return [r["name"] for r in of_kind(parse_records(out.stdout.splitlines()), "test-case")]
