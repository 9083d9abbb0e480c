import struct

from elftools.elf.elffile import ELFFile

from tradekernel import paths
from tradekernel.symtab import ENTRY, HEADER, MAGIC, Symbol, encode, short_name


def test_short_names_drop_parameters_and_anonymous_namespaces():
    assert short_name("tk::arch::f(unsigned long)") == "tk::arch::f"
    assert short_name("tk::(anonymous namespace)::g()") == "tk::g"
    assert short_name("kernel_main") == "kernel_main"
    assert short_name("tk::X<int, long>::h(int)") == "tk::X<int,_long>::h"


def test_encoding_matches_the_kernel_layout():
    blob = encode([Symbol(0x1000, 0x20, "a"), Symbol(0x2000, 8, "bc")], ["a", "bc"])
    magic, count, names_offset, names_size = HEADER.unpack_from(blob)
    assert (magic, count) == (MAGIC, 2)
    assert names_offset == HEADER.size + 2 * ENTRY.size == 16 + 2 * 16
    assert blob[names_offset:] == b"a\0bc\0"
    assert names_size == 5
    assert ENTRY.unpack_from(blob, HEADER.size + ENTRY.size) == (0x2000, 8, 2)


def test_built_kernel_table_names_kernel_main():
    with paths.KERNEL_ELF.open("rb") as f:
        elf = ELFFile(f)
        data = elf.get_section_by_name(".ksymtab").data()
        main = elf.get_section_by_name(".symtab").get_symbol_by_name("kernel_main")[0]
    _, count, names_offset, _ = HEADER.unpack_from(data)
    entries = [ENTRY.unpack_from(data, HEADER.size + i * ENTRY.size) for i in range(count)]
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    by_address = {addr: off for addr, _size, off in entries}
    name_offset = by_address[main["st_value"]]
    name = data[names_offset + name_offset :].split(b"\0", 1)[0]
    assert name == b"kernel_main"
    assert struct.calcsize("<QII") == ENTRY.size
