// Processors from the Multiple APIC Description Table (ACPI 6.5, 5.2.12).
#pragma once

#include "kernel/acpi/tables.h"

namespace tk::acpi {

struct Processors {
    static constexpr u32 kMax = 64;
    u32 apic_id[kMax];
    u32 count;
    u64 local_apic_address;
};

// Enabled (or online-capable) processors in table order, local APIC
// (type 0) and x2APIC (type 9) entries. Malformed entries end the walk.
Processors parse_madt(const SdtHeader& madt);

}  // namespace tk::acpi
