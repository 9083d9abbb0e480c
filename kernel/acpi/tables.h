// ACPI table discovery: RSDP -> RSDT/XSDT -> tables by signature
// (ACPI 6.5, sections 5.2.5 to 5.2.8). Portable: physical memory is reached
// through a function the platform provides (the direct map on pc, a buffer in
// hosted tests).
#pragma once

#include "tk/types.h"

namespace tk::acpi {

// Returns a pointer through which `length` bytes at `physical` can be read,
// or nullptr if that memory is not reachable.
using PhysicalReader = const void* (*)(u64 physical, u64 length);

struct __attribute__((packed)) SdtHeader {  // 5.2.6
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    u32 creator_id;
    u32 creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);

struct __attribute__((packed)) Rsdp {  // 5.2.5.3
    char signature[8];  // "RSD PTR "
    u8 checksum;        // over the first 20 bytes
    char oem_id[6];
    u8 revision;        // 0: ACPI 1.0 (RSDT only); 2+: XSDT fields valid
    u32 rsdt_address;
    u32 length;
    u64 xsdt_address;
    u8 extended_checksum;
    u8 reserved[3];
};
static_assert(sizeof(Rsdp) == 36);

// True if the bytes sum to zero mod 256, as every ACPI table's do.
bool checksum_ok(const void* bytes, u64 length);

// Checks signature and checksums of an RSDP candidate.
bool valid_rsdp(const Rsdp& rsdp);

class Tables {
public:
    static constexpr u32 kMaxTables = 64;

    // Walks the XSDT (or the RSDT on ACPI 1.0). Tables with bad checksums
    // are skipped and counted. False if the root table is unusable.
    bool init(u64 rsdp_physical, PhysicalReader reader);
    // The same from a copy of the RSDP (a boot loader's, Multiboot 2 3.6.11).
    bool init(const Rsdp& rsdp, PhysicalReader reader);

    // The first table with this signature ("SRAT", "SLIT", "APIC", ...).
    const SdtHeader* find(const char* signature) const;
    u32 count() const { return count_; }
    u32 rejected() const { return rejected_; }

private:
    const SdtHeader* tables_[kMaxTables] = {};
    u32 count_ = 0;
    u32 rejected_ = 0;
};

}  // namespace tk::acpi
