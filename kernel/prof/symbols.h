// Address-to-function-name lookup for panic reports and profiles.
//
// The table is written into the kernel image after linking by
// tradekernel/symtab.py (the linker reserves the space, so writing it moves no
// address). Layout, all little-endian:
//   SymbolTableHeader, then `count` SymbolEntry sorted by address, then the
//   NUL-terminated names, `names_size` bytes.
#pragma once

#include "tk/types.h"

namespace tk {

inline constexpr u32 kSymbolTableMagic = 0x59534B54;  // "TKSY"

struct SymbolTableHeader {
    u32 magic;
    u32 count;
    u32 names_offset;  // from the start of the header
    u32 names_size;
};

struct SymbolEntry {
    u64 address;
    u32 size;
    u32 name_offset;  // into the names block
};

struct ResolvedSymbol {
    const char* name;
    u64 offset;  // address - symbol start
};

class SymbolTable {
public:
    // Validates the blob; an empty or damaged table resolves nothing.
    void attach(const void* blob, usize capacity);

    u32 count() const { return count_; }
    // Finds the function containing `address`; false if none does.
    bool resolve(u64 address, ResolvedSymbol& out) const;

private:
    const SymbolEntry* entries_ = nullptr;
    const char* names_ = nullptr;
    u32 count_ = 0;
    u32 names_size_ = 0;
};

// The running kernel's own table (empty on hosted).
SymbolTable& kernel_symbols();

}  // namespace tk
