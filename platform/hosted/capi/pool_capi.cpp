// A small C ABI over the object pools for Python (tradekernel/hosted_pool.py,
// ctypes): property tests drive one pool step by step; the stress test runs
// real threads here, since Python threads cannot hammer a pool concurrently.

#include "platform/hosted/capi/tk_capi.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

#include "kernel/mem/pool.h"
#include "kernel/mem/trading_guard.h"

using namespace tk;
using namespace tk::mem;

namespace {

struct HostedPool {
    ObjectPool pool;
    void* slabs[kMaxNodes] = {};
};

void pin_to_cpu(unsigned cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % std::thread::hardware_concurrency(), &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Single-producer single-consumer ring of object pointers.
struct Ring {
    static constexpr u32 kSize = 1024;
    alignas(64) std::atomic<u64> head{0};
    alignas(64) std::atomic<u64> tail{0};
    void* slots[kSize];

    bool push(void* p) {
        u64 h = head.load(std::memory_order_relaxed);
        if (h - tail.load(std::memory_order_acquire) == kSize) return false;
        slots[h % kSize] = p;
        head.store(h + 1, std::memory_order_release);
        return true;
    }
    void* pop() {
        u64 t = tail.load(std::memory_order_relaxed);
        if (t == head.load(std::memory_order_acquire)) return nullptr;
        void* p = slots[t % kSize];
        tail.store(t + 1, std::memory_order_release);
        return p;
    }
};

// A producer that finds the pool empty this many times in a row gives up.
constexpr u64 kStallSpins = 200'000;

// Word inside each object (past the free-list link) that marks it live.
constexpr usize kMarkOffset = 8;
std::atomic<u64>& mark_of(void* object) {
    return *reinterpret_cast<std::atomic<u64>*>(static_cast<u8*>(object) + kMarkOffset);
}

}  // namespace

extern "C" {

// Core c belongs to node c % nodes. Returns null on bad arguments.
void* tk_pool_create(u32 object_size, u32 capacity_per_node, u32 cores, u32 nodes) {
    auto* h = new (std::nothrow) HostedPool;
    if (!h || nodes == 0 || nodes > kMaxNodes || cores == 0 || cores > kMaxCores) {
        delete h;
        return nullptr;
    }
    Topology t;
    t.cores = cores;
    t.nodes = nodes;
    for (u32 c = 0; c < cores; ++c) t.core_node[c] = u8(c % nodes);
    usize bytes = ObjectPool::node_bytes(object_size, capacity_per_node);
    for (u32 n = 0; n < nodes; ++n) {
        usize rounded = (bytes + 63) / 64 * 64;
        h->slabs[n] = std::aligned_alloc(64, rounded);
        if (h->slabs[n]) std::memset(h->slabs[n], 0, rounded);  // stress marks start at 0
    }
    if (!h->pool.init("hosted", object_size, capacity_per_node, t, h->slabs)) {
        for (void* s : h->slabs) std::free(s);
        delete h;
        return nullptr;
    }
    return h;
}

void tk_pool_destroy(void* handle) {
    auto* h = static_cast<HostedPool*>(handle);
    for (void* s : h->slabs) std::free(s);
    delete h;
}

void* tk_pool_alloc(void* handle, u32 core) { return static_cast<HostedPool*>(handle)->pool.alloc(core); }

void tk_pool_free(void* handle, u32 core, void* object) {
    static_cast<HostedPool*>(handle)->pool.free(core, object);
}

u32 tk_pool_node_of(void* handle, void* object) {
    return static_cast<HostedPool*>(handle)->pool.node_of(object);
}

void tk_pool_stats(void* handle, TkPoolStats* out) {
    PoolStats s = static_cast<HostedPool*>(handle)->pool.stats();
    *out = {s.capacity, s.in_use, s.high_water, s.failures, s.remote_refills, s.cached,
            s.object_size, s.stride};
}

// `pairs` producer threads allocate `objects_per_producer` objects each on
// their own core and hand them through a ring to a consumer thread on another
// core (cores 2p and 2p+1), which checks and frees them; the pool needs
// 2 * pairs cores. Counts objects seen live twice
// (duplicates) and objects whose payload changed in flight (corrupted).
void tk_pool_stress(void* handle, u32 pairs, u64 objects_per_producer, TkStressResult* out) {
    ObjectPool& pool = static_cast<HostedPool*>(handle)->pool;
    std::atomic<u64> allocated{0}, freed{0}, duplicates{0}, corrupted{0}, spins{0}, stalled{0};
    std::vector<Ring*> rings;
    std::vector<std::atomic<bool>*> done;
    std::vector<std::thread> threads;
    for (u32 p = 0; p < pairs; ++p) {
        rings.push_back(new Ring);
        done.push_back(new std::atomic<bool>(false));
    }
    for (u32 p = 0; p < pairs; ++p) {
        Ring& ring = *rings[p];
        std::atomic<bool>& producer_done = *done[p];
        u32 producer_core = 2 * p, consumer_core = 2 * p + 1;
        threads.emplace_back([&, producer_core] {
            pin_to_cpu(producer_core);
            for (u64 i = 0; i < objects_per_producer; ++i) {
                void* o;
                u64 waited = 0;
                while (!(o = pool.alloc(producer_core)) && ++waited < kStallSpins) std::this_thread::yield();
                spins.fetch_add(waited, std::memory_order_relaxed);
                if (!o) {  // every object parked or lost: report instead of hanging
                    stalled.fetch_add(1);
                    break;
                }
                if (mark_of(o).exchange(1, std::memory_order_acq_rel) != 0) duplicates.fetch_add(1);
                static_cast<u64*>(o)[2] = i ^ 0x5a5a5a5a5a5a5a5aull;
                static_cast<u64*>(o)[3] = i;
                allocated.fetch_add(1, std::memory_order_relaxed);
                while (!ring.push(o)) std::this_thread::yield();
            }
            producer_done.store(true, std::memory_order_release);
        });
        threads.emplace_back([&, consumer_core] {
            pin_to_cpu(consumer_core);
            for (;;) {
                bool finished = producer_done.load(std::memory_order_acquire);
                void* o = ring.pop();
                if (!o) {
                    if (finished) break;
                    std::this_thread::yield();
                    continue;
                }
                u64* words = static_cast<u64*>(o);
                if ((words[2] ^ 0x5a5a5a5a5a5a5a5aull) != words[3]) corrupted.fetch_add(1);
                if (mark_of(o).exchange(0, std::memory_order_acq_rel) != 1) duplicates.fetch_add(1);
                pool.free(consumer_core, o);
                freed.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& t : threads) t.join();
    for (Ring* r : rings) delete r;
    for (auto* d : done) delete d;
    *out = {allocated.load(), freed.load(), duplicates.load(), corrupted.load(), spins.load(),
            stalled.load()};
}

void tk_mem_start_trading() { start_trading(); }
void tk_mem_reset_trading() { reset_trading_for_tests(); }
u32 tk_mem_allocation_violations() { return allocation_violations(); }

}  // extern "C"
