#include "kernel/acpi/tables.h"

namespace tk::acpi {
namespace {

const SdtHeader* map_table(u64 physical, PhysicalReader reader) {
    auto* header = static_cast<const SdtHeader*>(reader(physical, sizeof(SdtHeader)));
    if (!header || header->length < sizeof(SdtHeader)) return nullptr;
    auto* whole = static_cast<const SdtHeader*>(reader(physical, header->length));
    if (!whole || !checksum_ok(whole, whole->length)) return nullptr;
    return whole;
}

bool same_signature(const char* a, const char* b) {
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

}  // namespace

bool checksum_ok(const void* bytes, u64 length) {
    u8 sum = 0;
    for (u64 i = 0; i < length; ++i) sum = u8(sum + static_cast<const u8*>(bytes)[i]);
    return sum == 0;
}

bool valid_rsdp(const Rsdp& rsdp) {
    const char* expected = "RSD PTR ";
    for (int i = 0; i < 8; ++i)
        if (rsdp.signature[i] != expected[i]) return false;
    if (!checksum_ok(&rsdp, 20)) return false;
    // Revision 2's RSDP is exactly 36 bytes. A larger length is refused rather
    // than followed: the checksum would read past the structure (a loader's
    // copy is only that big).
    return rsdp.revision < 2 || (rsdp.length == sizeof(Rsdp) && checksum_ok(&rsdp, sizeof(Rsdp)));
}

bool Tables::init(u64 rsdp_physical, PhysicalReader reader) {
    count_ = rejected_ = 0;
    auto* rsdp = static_cast<const Rsdp*>(reader(rsdp_physical, sizeof(Rsdp)));
    return rsdp && init(*rsdp, reader);
}

bool Tables::init(const Rsdp& rsdp, PhysicalReader reader) {
    count_ = rejected_ = 0;
    if (!valid_rsdp(rsdp)) return false;
    bool extended = rsdp.revision >= 2 && rsdp.xsdt_address != 0;
    const SdtHeader* root = map_table(extended ? rsdp.xsdt_address : rsdp.rsdt_address, reader);
    if (!root || !same_signature(root->signature, extended ? "XSDT" : "RSDT")) return false;

    u32 entry_size = extended ? 8 : 4;
    u64 entries = (root->length - sizeof(SdtHeader)) / entry_size;
    auto* base = reinterpret_cast<const u8*>(root) + sizeof(SdtHeader);
    for (u64 i = 0; i < entries; ++i) {
        u64 address = 0;
        for (u32 b = 0; b < entry_size; ++b) address |= u64(base[i * entry_size + b]) << (8 * b);
        const SdtHeader* table = map_table(address, reader);
        if (!table || count_ == kMaxTables) {
            ++rejected_;
            continue;
        }
        tables_[count_++] = table;
    }
    return true;
}

const SdtHeader* Tables::find(const char* signature) const {
    for (u32 i = 0; i < count_; ++i)
        if (same_signature(tables_[i]->signature, signature)) return tables_[i];
    return nullptr;
}

}  // namespace tk::acpi
