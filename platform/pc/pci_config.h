// How this machine reaches PCI configuration space: the ECAM window ACPI's
// MCFG names (q35 and every PCI Express server), else the legacy ports (pc).
#pragma once

#include "kernel/acpi/tables.h"

namespace tk::pc {

// Maps the window uncached and hands it to the PCI driver. Runs after
// acpi_init and before any device is looked for.
void pci_config_init(const acpi::Tables& tables);

}  // namespace tk::pc
