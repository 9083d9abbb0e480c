// The firmware's ACPI tables on this machine.
#pragma once

#include "kernel/acpi/tables.h"

namespace tk::pc {

// Finds the RSDP (ACPI 6.5, 5.2.5.1: the first KiB of the EBDA, then
// 0xE0000-0xFFFFF on 16-byte boundaries) and walks the root table. Runs after
// paging::init (reads through the direct map). False if there is no ACPI.
bool acpi_init();
const acpi::Tables& acpi_tables();

}  // namespace tk::pc
