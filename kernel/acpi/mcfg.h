// Where PCI Express configuration space is memory-mapped (ECAM), from the
// MCFG table (PCI Firmware Specification 3.0, 4.1.2).
#pragma once

#include "kernel/acpi/tables.h"

namespace tk::acpi {

// One ECAM window: bus b's configuration space starts at
// base + (b - start_bus) * 1 MiB (PCI Express Base 4.0, 7.2.2).
struct EcamWindow {
    u64 base;
    u16 segment;
    u8 start_bus;
    u8 end_bus;
    u64 bytes() const { return (u64(end_bus) - start_bus + 1) << 20; }
};

// The window of PCI segment 0, the only one the kernel enumerates. False if
// the table lists none, or only malformed ones (base 0 or not 1 MiB-aligned,
// end bus below start bus).
bool parse_mcfg(const SdtHeader& mcfg, EcamWindow& out);

}  // namespace tk::acpi
