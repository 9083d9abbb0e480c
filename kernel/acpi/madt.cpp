#include "kernel/acpi/madt.h"

namespace tk::acpi {
namespace {

constexpr u8 kLocalApic = 0;    // 8 bytes: uid, apic id, flags (5.2.12.2)
constexpr u8 kLocalX2Apic = 9;  // 16 bytes: reserved, x2apic id, flags, uid (5.2.12.12)
constexpr u32 kEnabled = 1, kOnlineCapable = 2;

u32 read_u32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }

}  // namespace

Processors parse_madt(const SdtHeader& madt) {
    Processors out{};
    auto* base = reinterpret_cast<const u8*>(&madt);
    if (madt.length < sizeof(SdtHeader) + 8) return out;
    out.local_apic_address = read_u32(base + sizeof(SdtHeader));
    for (u32 off = sizeof(SdtHeader) + 8; off + 2 <= madt.length;) {
        const u8* e = base + off;
        u8 type = e[0], length = e[1];
        if (length < 2 || off + length > madt.length) break;
        u32 id = ~0u, flags = 0;
        if (type == kLocalApic && length >= 8) id = e[3], flags = read_u32(e + 4);
        else if (type == kLocalX2Apic && length >= 16) id = read_u32(e + 4), flags = read_u32(e + 8);
        if (id != ~0u && (flags & (kEnabled | kOnlineCapable)) && out.count < Processors::kMax)
            out.apic_id[out.count++] = id;
        off += length;
    }
    return out;
}

}  // namespace tk::acpi
