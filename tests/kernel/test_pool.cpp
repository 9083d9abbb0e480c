// kernel/mem/pool: single-threaded behaviour on both platforms. The
// multithreaded stress test and the property tests run on hosted through the
// C ABI (tests/python/test_pool_*.py).

#include "kernel/mem/pool.h"
#include "kernel/mem/trading_guard.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::mem;

namespace {

constexpr u32 kCapacity = 100;
struct alignas(64) Slab {
    u8 bytes[kCapacity * 128 + kCapacity];
};
Slab g_slab[2];

Topology two_nodes() {
    Topology t;
    t.cores = 4;
    t.nodes = 2;
    t.core_node[0] = 0;
    t.core_node[1] = 1;
    t.core_node[2] = 0;
    t.core_node[3] = 1;
    return t;
}

bool make_pool(ObjectPool& pool, u32 size, u32 nodes) {
    void* slabs[2] = {g_slab[0].bytes, g_slab[1].bytes};
    Topology t = nodes == 2 ? two_nodes() : uniform_topology(2);
    return pool.init("test", size, kCapacity, t, slabs);
}

}  // namespace

TK_TEST(pool, objects_are_cache_line_aligned_and_distinct) {
    static ObjectPool pool;
    if (!TK_EXPECT(make_pool(pool, 40, 1))) return;
    void* objects[kCapacity];
    for (auto& o : objects) o = pool.alloc(0);
    for (u32 i = 0; i < kCapacity; ++i) {
        if (!TK_EXPECT(objects[i] != nullptr)) return;
        TK_EXPECT_EQ(uptr(objects[i]) % 64, 0);
        for (u32 j = 0; j < i; ++j)
            if (objects[i] == objects[j]) TK_EXPECT(!"object handed out twice");
    }
    TK_EXPECT_EQ(pool.stats().stride, 64);
    TK_EXPECT_EQ(pool.stats().in_use, kCapacity);
    for (auto* o : objects) pool.free(1, o);  // freed on another core
    TK_EXPECT_EQ(pool.stats().in_use, 0);
}

TK_TEST(pool, exhaustion_returns_null_and_counts) {
    static ObjectPool pool;
    if (!TK_EXPECT(make_pool(pool, 64, 1))) return;
    void* objects[kCapacity];
    for (auto& o : objects) o = pool.alloc(0);
    TK_EXPECT(pool.alloc(0) == nullptr);
    TK_EXPECT(pool.alloc(1) == nullptr);
    PoolStats s = pool.stats();
    TK_EXPECT_EQ(s.failures, 2);
    TK_EXPECT_EQ(s.high_water, kCapacity);
    pool.free(0, objects[7]);
    TK_EXPECT(pool.alloc(0) == objects[7]);  // refilled from what was freed
    for (auto* o : objects) pool.free(0, o);
}

TK_TEST(pool, cores_take_from_their_own_node) {
    static ObjectPool pool;
    if (!TK_EXPECT(make_pool(pool, 64, 2))) return;
    void* on1 = pool.alloc(1);
    void* on0 = pool.alloc(2);
    TK_EXPECT_EQ(pool.node_of(on1), 1);
    TK_EXPECT_EQ(pool.node_of(on0), 0);
    TK_EXPECT(uptr(on1) >= uptr(&g_slab[1]) && uptr(on1) < uptr(&g_slab[1]) + sizeof g_slab[1]);
    TK_EXPECT_EQ(pool.node_of(&on1), kAnyNode);  // a stack address is foreign
    pool.free(1, on1);
    pool.free(2, on0);
    TK_EXPECT_EQ(pool.stats().remote_refills, 0);
}

TK_TEST(pool, remote_node_serves_when_local_is_empty) {
    static ObjectPool pool;
    if (!TK_EXPECT(make_pool(pool, 64, 2))) return;
    static void* objects[2 * kCapacity];
    for (auto& o : objects) o = pool.alloc(1);  // node 1 runs dry, then node 0
    u32 on_node0 = 0;
    for (auto* o : objects) {
        if (!TK_EXPECT(o != nullptr)) return;
        on_node0 += pool.node_of(o) == 0;
    }
    TK_EXPECT_EQ(on_node0, kCapacity);
    TK_EXPECT(pool.stats().remote_refills > 0);
    for (auto* o : objects) pool.free(3, o);  // each goes home when drained
    TK_EXPECT_EQ(pool.stats().in_use, 0);
}

TK_TEST(pool, magazines_drain_to_home_nodes) {
    static ObjectPool pool;
    if (!TK_EXPECT(make_pool(pool, 64, 2))) return;
    static void* objects[kCapacity];
    for (auto& o : objects) o = pool.alloc(0);  // all of node 0
    for (auto* o : objects) pool.free(1, o);    // core 1 (node 1) frees them
    // Core 1 keeps at most a magazine; the rest went home to node 0's stack.
    u64 cached = pool.stats().cached;
    TK_EXPECT(cached >= ObjectPool::kMagazineSize / 2 && cached <= ObjectPool::kMagazineSize);
    u32 home = 0;
    for (u64 i = 0; i < kCapacity - cached; ++i) home += pool.node_of(objects[i] = pool.alloc(0)) == 0;
    TK_EXPECT_EQ(home, kCapacity - cached);
    TK_EXPECT_EQ(pool.stats().remote_refills, 0);
    void* remote = pool.alloc(0);  // node 0 is now empty
    TK_EXPECT_EQ(pool.node_of(remote), 1);
    TK_EXPECT_EQ(pool.stats().remote_refills, 1);
    pool.free(0, remote);
    for (u64 i = 0; i < kCapacity - cached; ++i) pool.free(0, objects[i]);
    TK_EXPECT_EQ(pool.stats().in_use, 0);
}

TK_TEST(pool, init_rejects_bad_arguments_and_late_creation) {
    static ObjectPool pool;
    void* slabs[1] = {g_slab[0].bytes + 8};  // misaligned
    TK_EXPECT(!pool.init("bad", 64, kCapacity, uniform_topology(1), slabs));
    slabs[0] = g_slab[0].bytes;
    TK_EXPECT(!pool.init("bad", 2, kCapacity, uniform_topology(1), slabs));  // too small
    TK_EXPECT(!pool.init("bad", 64, 0, uniform_topology(1), slabs));
    start_trading();
    TK_EXPECT(!pool.init("late", 64, kCapacity, uniform_topology(1), slabs));
    TK_EXPECT_EQ(allocation_violations(), 1);
    reset_trading_for_tests();
}
