// NUMA topology from the System Resource Affinity Table (ACPI 6.5, 5.2.16)
// and the System Locality Information Table (5.2.17).
#pragma once

#include "kernel/acpi/tables.h"
#include "kernel/mem/topology.h"

namespace tk::acpi {

// Fills `out` from SRAT (and SLIT if not null). Proximity domains become
// dense node numbers in order of first appearance; enabled processors become
// cores 0, 1, ... in table order. Returns false, leaving `out` untouched, if
// SRAT lists no enabled memory.
bool parse_srat(const SdtHeader& srat, const SdtHeader* slit, mem::Topology& out);

}  // namespace tk::acpi
