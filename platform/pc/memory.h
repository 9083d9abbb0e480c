// Physical memory on bare metal: NUMA topology, the frame allocator, and slabs
// for object pools.
#pragma once

#include "kernel/boot/memory_map.h"
#include "kernel/mem/frame_allocator.h"
#include "kernel/mem/topology.h"

namespace tk::pc {

// Reads the topology (ACPI SRAT/SLIT, else one node), carves the frame
// bitmaps out of usable memory (reserving them in `map`) and starts the frame
// allocator. Runs after paging::init and acpi_init.
void memory_init(MemoryMap& map);

const mem::Topology& topology();
mem::FrameAllocator& frames();

// A slab for one node of an object pool: one 2 MiB frame on `node`, reached
// through the direct map. nullptr if `bytes` exceeds 2 MiB or none is free.
void* alloc_pool_slab(u32 node, u64 bytes);

// Memory set aside at start-up for tables that live all session (the order
// books): whole contiguous 2 MiB frames on `node`, through the direct map.
// nullptr if none are free or trading has started.
void* alloc_startup_memory(u32 node, u64 bytes);

// Physical address of a direct-map pointer.
PhysAddr virtual_to_physical(const void* direct_mapped);

}  // namespace tk::pc
