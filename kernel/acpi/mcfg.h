// Where PCI Express configuration space is memory-mapped (ECAM), from the
// MCFG table (PCI Firmware Specification 3.0, 4.1.2).
#pragma once

#include "kernel/acpi/tables.h"

namespace tk::acpi {

// One ECAM allocation. `base` is where bus 0 of the segment would be, as the
// table gives it, even when the allocation starts at a later bus: bus b's
// configuration space is at base + b * 1 MiB (PCI Express Base 4.0, 7.2.2;
// Linux and FreeBSD read the table the same way).
struct EcamWindow {
    u64 base;
    u16 segment;
    u8 start_bus;
    u8 end_bus;
    u64 first_bus_address() const { return base + (u64(start_bus) << 20); }
    u64 bytes() const { return (u64(end_bus) - start_bus + 1) << 20; }
};

// The allocations of PCI segment 0, the only one the kernel enumerates, in
// table order (firmware may split a segment, one allocation per host
// bridge). Malformed ones (bus range past the base's alignment, end bus below
// start bus, base 0 or not 1 MiB-aligned) are skipped and counted. Returns
// how many were written to `out`.
struct McfgResult {
    u32 windows;
    u32 other_segments;
    u32 malformed;
    u32 dropped;  // valid, beyond `capacity`
};
McfgResult parse_mcfg(const SdtHeader& mcfg, EcamWindow* out, u32 capacity);

}  // namespace tk::acpi
