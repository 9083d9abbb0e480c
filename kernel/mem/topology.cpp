#include "kernel/mem/topology.h"

namespace tk::mem {

u32 Topology::node_of(PhysAddr address) const {
    u64 physical = address.value;
    if (range_count == 0) return 0;
    for (u32 i = 0; i < range_count; ++i)
        if (physical >= ranges[i].base && physical - ranges[i].base < ranges[i].length)
            return ranges[i].node;
    return kAnyNode;
}

Topology uniform_topology(u32 cores) {
    Topology t;
    t.cores = cores < kMaxCores ? cores : kMaxCores;
    t.nodes = 1;
    t.distance[0][0] = 10;
    return t;
}

}  // namespace tk::mem
