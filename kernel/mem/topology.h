// Which NUMA node each core and each range of physical memory belongs to.
// Filled from ACPI SRAT on pc (kernel/acpi/srat.cpp); a single node covering
// everything when there is no SRAT, and on hosted unless a test builds one.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::mem {

inline constexpr u32 kMaxCores = 64;
inline constexpr u32 kMaxNodes = 8;
inline constexpr u32 kMaxNodeRanges = 32;
inline constexpr u32 kAnyNode = ~0u;

struct NodeRange {
    u64 base;
    u64 length;
    u32 node;
};

struct Topology {
    u32 cores = 1;
    u32 nodes = 1;
    u8 core_node[kMaxCores] = {};
    u32 core_apic_id[kMaxCores] = {};
    NodeRange ranges[kMaxNodeRanges] = {};
    u32 range_count = 0;
    // SLIT distances (10 = local); 0 where unknown.
    u8 distance[kMaxNodes][kMaxNodes] = {};

    // Node of a physical address; kAnyNode if no range holds it.
    u32 node_of(PhysAddr physical) const;
    u32 node_of_core(u32 core) const { return core < cores ? core_node[core] : 0; }
};

// One node, one core, no ranges: everything is node 0.
Topology uniform_topology(u32 cores);

}  // namespace tk::mem
