// The firmware's ACPI tables on this machine.
#pragma once

#include "kernel/acpi/tables.h"
#include "platform/pc/boot_info.h"

namespace tk::pc {

// Walks the root table from the RSDP: the loader's copy when it passed one
// (Multiboot 2, and the only way under UEFI), else on BIOS machines the
// legacy search (ACPI 6.5, 5.2.5.1: the first KiB of the EBDA, then
// 0xE0000-0xFFFFF on 16-byte boundaries). Runs after paging::init (reads
// through the direct map). False if there is no ACPI.
bool acpi_init(const BootInfo& boot);
const acpi::Tables& acpi_tables();

}  // namespace tk::pc
