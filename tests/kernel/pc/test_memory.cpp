// Physical memory on bare metal: the live frame allocator, NUMA placement of
// pool memory, and the trading-started check.

#include "kernel/log/log.h"
#include "kernel/mem/pool.h"
#include "kernel/mem/trading_guard.h"
#include "kernel/test/ktest.h"
#include "platform/pc/boot_info.h"
#include "platform/pc/memory.h"

using namespace tk;
using namespace tk::mem;

namespace {

bool in_usable_memory(u64 physical, u64 length) {
    const MemoryMap& map = pc::boot_info().memory;
    for (usize i = 0; i < map.count(); ++i)
        if (map[i].type == RegionType::Usable && physical >= map[i].base &&
            physical + length <= map[i].end())
            return true;
    return false;
}

}  // namespace

TK_PC_TEST(memory, frames_come_from_usable_memory) {
    FrameAllocator& fa = pc::frames();
    u64 free_before = fa.stats().free_frames;
    u64 small = fa.alloc(FrameSize::Small).value;
    u64 large = fa.alloc(FrameSize::Large).value;
    TK_EXPECT(small && in_usable_memory(small, kSmallFrame));
    TK_EXPECT(large && in_usable_memory(large, kLargeFrame));
    TK_EXPECT_EQ(large % kLargeFrame, 0);
    TK_EXPECT(!fa.is_free(PhysAddr{small}) && !fa.is_free(PhysAddr{large}));
    // The memory is really there: write through the direct map, read back.
    auto* bytes = static_cast<volatile u64*>(pc::alloc_pool_slab(0, 0));
    if (TK_EXPECT(bytes != nullptr)) {
        bytes[0] = 0x1122334455667788ull;
        bytes[kLargeFrame / 8 - 1] = 42;
        TK_EXPECT_EQ(bytes[0], 0x1122334455667788ull);
        TK_EXPECT_EQ(bytes[kLargeFrame / 8 - 1], 42);
        TK_EXPECT(fa.free(pc::virtual_to_physical(const_cast<u64*>(bytes)), FrameSize::Large));
    }
    TK_EXPECT(fa.free(PhysAddr{small}, FrameSize::Small));
    TK_EXPECT(fa.free(PhysAddr{large}, FrameSize::Large));
    TK_EXPECT_EQ(fa.stats().free_frames, free_before);
    TK_EXPECT(!fa.free(PhysAddr{small}, FrameSize::Small));  // already free
}

// Run in the two-node boot (tests/python/test_numa_boot.py) this checks real
// SRAT ranges; in a one-node boot, trivially node 0. Cores beyond the boot CPU
// are not started yet, so "allocated on core c" means through core c's
// magazine, whose home node is that core's SRAT node.
TK_PC_TEST(numa, pool_objects_lie_on_the_cores_node) {
    const Topology& topo = pc::topology();
    static ObjectPool pool;
    constexpr u32 kPerNode = 4096;
    void* slabs[kMaxNodes] = {};
    for (u32 n = 0; n < topo.nodes; ++n) {
        slabs[n] = pc::alloc_pool_slab(n, ObjectPool::node_bytes(64, kPerNode));
        if (!TK_EXPECT(slabs[n] != nullptr)) return;
        TK_EXPECT_EQ(topo.node_of(pc::virtual_to_physical(slabs[n])), topo.nodes > 1 ? n : 0);
    }
    if (!TK_EXPECT(pool.init("numa-test", 64, kPerNode, topo, slabs))) return;
    for (u32 core = 0; core < topo.cores; ++core) {
        void* objects[100];
        for (auto& o : objects) o = pool.alloc(core);
        u32 on_node = 0;
        for (auto* o : objects)
            on_node += o && topo.node_of(pc::virtual_to_physical(o)) == topo.node_of_core(core);
        TK_EXPECT_EQ(on_node, 100);
        log::record("numa-check", "core=%u node=%u objects-on-node=%u", core,
                    topo.node_of_core(core), on_node);
        for (auto* o : objects) pool.free(core, o);
    }
    log_pool_stats(pool.stats());
    TK_EXPECT_EQ(pool.stats().remote_refills, 0);
    for (u32 n = 0; n < topo.nodes; ++n)
        TK_EXPECT(pc::frames().free(pc::virtual_to_physical(slabs[n]), FrameSize::Large));
}

TK_PC_TEST(trading, allocations_after_start_are_caught) {
    u32 before = allocation_violations();
    start_trading();
    TK_EXPECT_EQ(pc::frames().alloc(FrameSize::Small).value, 0);
    TK_EXPECT(pc::alloc_pool_slab(0, 4096) == nullptr);
    static ObjectPool late;
    void* slabs[1] = {nullptr};
    TK_EXPECT(!late.init("late", 64, 16, pc::topology(), slabs));
    TK_EXPECT_EQ(allocation_violations(), before + 3);
    reset_trading_for_tests();
    u64 frame = pc::frames().alloc(FrameSize::Small).value;  // set-up phase again
    TK_EXPECT(frame != 0);
    pc::frames().free(PhysAddr{frame}, FrameSize::Small);
}
