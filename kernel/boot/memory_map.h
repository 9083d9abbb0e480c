// The physical memory map as the kernel sees it: the firmware's map (E820 or
// Multiboot) made canonical, with the regions the kernel itself occupies cut
// out of usable memory. Later the frame allocator takes its memory from here.
#pragma once

#include "tk/types.h"

namespace tk {

// Values 1..5 are the E820 types (ACPI 6.5, Table 15.4); Multiboot 1 and 2
// use the same numbering. Kernel is ours: the loaded image and its bss.
enum class RegionType : u8 {
    Usable = 1,
    Reserved = 2,
    AcpiReclaimable = 3,
    AcpiNvs = 4,
    Bad = 5,
    Kernel = 16,
};

RegionType region_type_from_e820(u32 type);
const char* region_type_name(RegionType type);

struct MemoryRegion {
    u64 base;
    u64 length;
    RegionType type;

    u64 end() const { return base + length; }
};

class MemoryMap {
public:
    static constexpr usize kMaxRegions = 128;

    // Adds a region as the firmware reported it. Zero-length regions and
    // regions that wrap around the address space are dropped and counted.
    void add(u64 base, u64 length, RegionType type);

    // Sorts, resolves overlaps (the more restrictive type wins: usable loses
    // to everything) and merges neighbours of the same type.
    void normalize();

    // Marks [base, base+length) with `type`, then normalizes.
    void reserve(u64 base, u64 length, RegionType type);

    usize count() const { return count_; }
    const MemoryRegion& operator[](usize i) const { return regions_[i]; }
    u64 usable_bytes() const;
    // End of the highest region backed by RAM (usable, ACPI or kernel);
    // firmware reservations of address space (PCI windows) do not count.
    u64 highest_ram_address() const;
    // Entries the firmware gave that could not be kept (bad or too many).
    u32 dropped() const { return dropped_; }

private:
    MemoryRegion regions_[kMaxRegions];
    usize count_ = 0;
    u32 dropped_ = 0;
};

}  // namespace tk
