#include "kernel/acpi/mcfg.h"

namespace tk::acpi {
namespace {

// After the header: 8 reserved bytes, then 16-byte allocation structures.
constexpr u32 kFirstAllocation = sizeof(SdtHeader) + 8;

struct __attribute__((packed)) Allocation {
    u64 base;
    u16 segment;
    u8 start_bus;
    u8 end_bus;
    u32 reserved;
};
static_assert(sizeof(Allocation) == 16);

}  // namespace

McfgResult parse_mcfg(const SdtHeader& mcfg, EcamWindow* out, u32 capacity) {
    McfgResult r{};
    auto* bytes = reinterpret_cast<const u8*>(&mcfg);
    for (u64 at = kFirstAllocation; at + sizeof(Allocation) <= mcfg.length; at += sizeof(Allocation)) {
        Allocation a;
        __builtin_memcpy(&a, bytes + at, sizeof a);
        if (a.segment != 0) {
            ++r.other_segments;
            continue;
        }
        if (a.base == 0 || (a.base & ((1u << 20) - 1)) || a.end_bus < a.start_bus ||
            a.base + (u64(a.end_bus) + 1) * (1u << 20) < a.base) {
            ++r.malformed;
            continue;
        }
        if (r.windows == capacity) {
            ++r.dropped;
            continue;
        }
        out[r.windows++] = EcamWindow{a.base, a.segment, a.start_bus, a.end_bus};
    }
    return r;
}

}  // namespace tk::acpi
