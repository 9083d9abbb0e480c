#include "kernel/prof/symbols.h"

namespace tk {

void SymbolTable::attach(const void* blob, usize capacity) {
    entries_ = nullptr;
    names_ = nullptr;
    count_ = 0;
    if (capacity < sizeof(SymbolTableHeader)) return;
    auto* header = static_cast<const SymbolTableHeader*>(blob);
    if (header->magic != kSymbolTableMagic) return;
    u64 entries_end = sizeof(SymbolTableHeader) + u64(header->count) * sizeof(SymbolEntry);
    if (entries_end > header->names_offset ||
        u64(header->names_offset) + header->names_size > capacity || header->names_size == 0)
        return;
    auto* base = static_cast<const u8*>(blob);
    entries_ = reinterpret_cast<const SymbolEntry*>(base + sizeof(SymbolTableHeader));
    names_ = reinterpret_cast<const char*>(base + header->names_offset);
    names_size_ = header->names_size;
    count_ = header->count;
}

bool SymbolTable::resolve(u64 address, ResolvedSymbol& out) const {
    // Last entry whose start is <= address.
    u32 lo = 0, hi = count_;
    while (lo < hi) {
        u32 mid = lo + (hi - lo) / 2;
        if (entries_[mid].address <= address) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return false;
    const SymbolEntry& e = entries_[lo - 1];
    if (address - e.address >= (e.size ? e.size : 1)) return false;
    if (e.name_offset >= names_size_) return false;
    out.name = names_ + e.name_offset;
    out.offset = address - e.address;
    return true;
}

}  // namespace tk
