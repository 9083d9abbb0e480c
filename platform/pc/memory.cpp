#include "platform/pc/memory.h"

#include "arch/x86_64/paging.h"
#include "kernel/acpi/srat.h"
#include "kernel/log/log.h"
#include "platform/pc/acpi.h"
#include "tk/panic.h"

namespace tk::pc {
namespace {

mem::Topology g_topology;
mem::FrameAllocator g_frames;

void read_topology() {
    const acpi::SdtHeader* srat = acpi_tables().find("SRAT");
    if (!srat || !acpi::parse_srat(*srat, acpi_tables().find("SLIT"), g_topology))
        g_topology = mem::uniform_topology(1);
    log::info("numa: %u node%s, %u core%s", g_topology.nodes, g_topology.nodes == 1 ? "" : "s",
              g_topology.cores, g_topology.cores == 1 ? "" : "s");
    log::record("numa", "nodes=%u cores=%u srat=%d", g_topology.nodes, g_topology.cores, srat != nullptr);
    for (u32 i = 0; i < g_topology.range_count; ++i) {
        const mem::NodeRange& r = g_topology.ranges[i];
        log::record("numa-range", "node=%u base=%#lx length=%#lx", r.node, (unsigned long)r.base,
                    (unsigned long)r.length);
    }
    for (u32 c = 0; c < g_topology.cores; ++c)
        log::record("numa-core", "core=%u apic-id=%u node=%u", c, g_topology.core_apic_id[c],
                    g_topology.core_node[c]);
}

// First usable region above 1 MiB with room for `bytes`, page-aligned.
u64 find_bitmap_home(const MemoryMap& map, u64 bytes) {
    for (usize i = 0; i < map.count(); ++i) {
        const MemoryRegion& r = map[i];
        u64 base = r.base < (1ull << 20) ? (1ull << 20) : r.base;
        base = (base + kPageSize - 1) & ~(kPageSize - 1);
        if (r.type == RegionType::Usable && base < r.end() && r.end() - base >= bytes) return base;
    }
    return 0;
}

}  // namespace

void memory_init(MemoryMap& map) {
    read_topology();
    // The application processors' real-mode trampoline page (platform/pc/smp.h).
    map.reserve(0x8000, kPageSize, RegionType::Kernel);
    u64 limit = (map.highest_ram_address() + mem::kLargeFrame - 1) & ~(mem::kLargeFrame - 1);
    u64 bytes = (mem::FrameAllocator::bitmap_bytes(limit) + kPageSize - 1) & ~(kPageSize - 1);
    u64 home = find_bitmap_home(map, bytes);
    if (!home) panic("memory: no room for %lu bytes of frame bitmaps", (unsigned long)bytes);
    map.reserve(home, bytes, RegionType::Kernel);
    auto* bitmaps = reinterpret_cast<u64*>(arch::paging::physical_to_virtual(PhysAddr{home}));
    g_frames.init(map, bitmaps, limit, &g_topology);

    mem::FrameStats s = g_frames.stats();
    log::info("frames: %lu MiB free of %lu MiB managed, bitmaps %lu KiB at %#lx",
              (unsigned long)(s.free_frames >> 8), (unsigned long)(s.total_frames >> 8),
              (unsigned long)(bytes >> 10), (unsigned long)home);
    log::record("frames", "total=%lu free=%lu bitmap-at=%#lx bitmap-bytes=%lu",
                (unsigned long)s.total_frames, (unsigned long)s.free_frames, (unsigned long)home,
                (unsigned long)bytes);
}

const mem::Topology& topology() { return g_topology; }
mem::FrameAllocator& frames() { return g_frames; }

void* alloc_pool_slab(u32 node, u64 bytes) {
    if (bytes > mem::kLargeFrame) return nullptr;
    PhysAddr physical = g_frames.alloc(mem::FrameSize::Large, node);
    return physical.value ? reinterpret_cast<void*>(arch::paging::physical_to_virtual(physical)) : nullptr;
}

void* alloc_startup_memory(u32 node, u64 bytes) {
    PhysAddr physical = g_frames.alloc_large_run((bytes + mem::kLargeFrame - 1) / mem::kLargeFrame, node);
    return physical.value ? reinterpret_cast<void*>(arch::paging::physical_to_virtual(physical)) : nullptr;
}

PhysAddr virtual_to_physical(const void* direct_mapped) {
    return PhysAddr{u64(direct_mapped) - arch::paging::kDirectMapBase};
}

}  // namespace tk::pc
