#include "kernel/mem/pool.h"

#include "kernel/log/log.h"
#include "kernel/mem/trading_guard.h"
#include "tk/panic.h"

namespace tk::mem {
namespace {


u32 stride_for(u32 object_size) { return (object_size + kCacheLine - 1) / kCacheLine * kCacheLine; }

u64 next_head(u64 old, u32 index_plus_one) { return ((old >> 32) + 1) << 32 | index_plus_one; }

}  // namespace

usize ObjectPool::node_bytes(u32 object_size, u32 capacity) {
    usize bytes = usize(stride_for(object_size)) * capacity;
#ifdef TK_DEBUG
    bytes += capacity;  // state bytes
#endif
    return bytes;
}

bool ObjectPool::init(const char* name, u32 object_size, u32 capacity_per_node,
                      const Topology& topology, void* const* node_memory) {
    if (!permit_allocation("pool-init")) return false;
    if (object_size < sizeof(u32) || capacity_per_node == 0 || capacity_per_node >= 0xFFFFFFFFu ||
        topology.nodes == 0 || topology.nodes > kMaxNodes || topology.cores == 0 ||
        topology.cores > kMaxCores)
        return false;
    name_ = name;
    object_size_ = object_size;
    stride_ = stride_for(object_size);
    nodes_ = topology.nodes;
    cores_ = topology.cores;
    capacity_ = u64(capacity_per_node) * nodes_;
    high_water_ = 0;
    for (u32 n = 0; n < nodes_; ++n) {
        NodeStack& s = stacks_[n];
        s.base = static_cast<u8*>(node_memory[n]);
        if (!s.base || uptr(s.base) % kCacheLine) return false;
        s.capacity = capacity_per_node;
        s.state = s.base + u64(stride_) * capacity_per_node;
        for (u32 i = 0; i + 1 < capacity_per_node; ++i) next_of(s, i) = i + 2;
        next_of(s, capacity_per_node - 1) = 0;
#ifdef TK_DEBUG
        for (u32 i = 0; i < capacity_per_node; ++i) s.state[i] = 0;
#endif
        s.head = 1;  // tag 0, index 0
        s.free_count = capacity_per_node;
    }
    for (u32 c = 0; c < cores_; ++c) {
        magazines_[c] = {};
        magazines_[c].node = topology.node_of_core(c) < nodes_ ? topology.node_of_core(c) : 0;
    }
    return true;
}

u32 ObjectPool::checked_core(u32 core) const {
    if (core >= cores_) panic("pool %s: core %u out of range (%u cores)", name_, core, cores_);
    return core;
}

// Pops up to `max` objects with one compare-and-swap: walks `max` links from
// the head, then swings the head past them. The walk may read links that
// another core is changing; the tag makes such a CAS fail and we retry.
u32 ObjectPool::pop_chain(NodeStack& s, void** out, u32 max) {
    for (;;) {
        u64 old = __atomic_load_n(&s.head, __ATOMIC_ACQUIRE);
        u32 link = u32(old);
        u32 n = 0;
        while (link != 0 && n < max) {
            u32 index = link - 1;
            out[n++] = s.base + u64(index) * stride_;
            link = __atomic_load_n(&next_of(s, index), __ATOMIC_RELAXED);
        }
        if (n == 0) return 0;
        if (__atomic_compare_exchange_n(&s.head, &old, next_head(old, link), false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            __atomic_sub_fetch(&s.free_count, n, __ATOMIC_RELAXED);
            return n;
        }
    }
}

void ObjectPool::push_chain(NodeStack& s, u32 first, u32 last, u32 count) {
    u64 old = __atomic_load_n(&s.head, __ATOMIC_RELAXED);
    do {
        __atomic_store_n(&next_of(s, last), u32(old), __ATOMIC_RELAXED);
    } while (!__atomic_compare_exchange_n(&s.head, &old, next_head(old, first + 1), false,
                                          __ATOMIC_RELEASE, __ATOMIC_RELAXED));
    __atomic_add_fetch(&s.free_count, count, __ATOMIC_RELAXED);
}

bool ObjectPool::refill(Magazine& m) {
    constexpr u32 kBatch = kMagazineSize / 2;
    u32 got = pop_chain(stacks_[m.node], m.slots, kBatch);
    for (u32 n = 0; got == 0 && n < nodes_; ++n) {
        if (n == m.node) continue;
        got = pop_chain(stacks_[n], m.slots, kBatch);
        if (got) ++m.remote_refills;
    }
    m.count = got;
    if (got) note_high_water();
    return got != 0;
}

// Returns the older half of the magazine to the objects' home stacks, one
// linked chain and one CAS per node.
void ObjectPool::drain(Magazine& m) {
    constexpr u32 kBatch = kMagazineSize / 2;
    u32 first[kMaxNodes], last[kMaxNodes], count[kMaxNodes] = {};
    for (u32 i = 0; i < kBatch; ++i) {
        u32 node, index;
        locate(m.slots[i], node, index);
        if (count[node]++ == 0) first[node] = last[node] = index;
        else {
            next_of(stacks_[node], last[node]) = index + 1;
            last[node] = index;
        }
    }
    for (u32 n = 0; n < nodes_; ++n)
        if (count[n]) push_chain(stacks_[n], first[n], last[n], count[n]);
    for (u32 i = kBatch; i < kMagazineSize; ++i) m.slots[i - kBatch] = m.slots[i];
    m.count = kMagazineSize - kBatch;
}

void ObjectPool::note_high_water() {
    u64 free_total = 0;
    for (u32 n = 0; n < nodes_; ++n) free_total += __atomic_load_n(&stacks_[n].free_count, __ATOMIC_RELAXED);
    u64 outside = capacity_ - free_total;
    u64 seen = __atomic_load_n(&high_water_, __ATOMIC_RELAXED);
    while (outside > seen && !__atomic_compare_exchange_n(&high_water_, &seen, outside, true,
                                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

bool ObjectPool::locate(const void* object, u32& node, u32& index) const {
    for (u32 n = 0; n < nodes_; ++n) {
        const NodeStack& s = stacks_[n];
        uptr offset = uptr(object) - uptr(s.base);
        if (uptr(object) < uptr(s.base) || offset >= u64(stride_) * s.capacity) continue;
        if (offset % stride_) return false;
        node = n;
        index = u32(offset / stride_);
        return true;
    }
    return false;
}

u32 ObjectPool::node_of(const void* object) const {
    u32 node, index;
    return locate(object, node, index) ? node : kAnyNode;
}

void ObjectPool::mark_allocated(void* object) {
    u32 node, index;
    if (!locate(object, node, index) || __atomic_exchange_n(&stacks_[node].state[index], u8(1), __ATOMIC_RELAXED))
        panic("pool %s: object %p handed out twice (free stack corrupted)", name_, object);
}

void ObjectPool::check_free(void* object) {
    u32 node, index;
    if (!locate(object, node, index))
        panic("pool %s: free of %p, which is not an object of this pool", name_, object);
    if (__atomic_exchange_n(&stacks_[node].state[index], u8(0), __ATOMIC_RELAXED) == 0)
        panic("pool %s: double free of %p", name_, object);
}

PoolStats ObjectPool::stats() const {
    PoolStats s{name_, object_size_, stride_, capacity_, 0, __atomic_load_n(&high_water_, __ATOMIC_RELAXED), 0, 0, 0};
    u64 allocs = 0, frees = 0;
    for (u32 c = 0; c < cores_; ++c) {
        const Magazine& m = magazines_[c];
        allocs += __atomic_load_n(&m.allocs, __ATOMIC_RELAXED);
        frees += __atomic_load_n(&m.frees, __ATOMIC_RELAXED);
        s.failures += __atomic_load_n(&m.failures, __ATOMIC_RELAXED);
        s.remote_refills += __atomic_load_n(&m.remote_refills, __ATOMIC_RELAXED);
        s.cached += __atomic_load_n(&m.count, __ATOMIC_RELAXED);
    }
    s.in_use = allocs - frees;
    return s;
}

void log_pool_stats(const PoolStats& s) {
    log::info("pool %s: %lu x %u B (stride %u), in use %lu, high water %lu, failures %lu", s.name,
              (unsigned long)s.capacity, s.object_size, s.stride, (unsigned long)s.in_use,
              (unsigned long)s.high_water, (unsigned long)s.failures);
    log::record("pool",
                "name=%s object-size=%u stride=%u capacity=%lu in-use=%lu high-water=%lu "
                "failures=%lu remote-refills=%lu cached=%lu",
                s.name, s.object_size, s.stride, (unsigned long)s.capacity, (unsigned long)s.in_use,
                (unsigned long)s.high_water, (unsigned long)s.failures,
                (unsigned long)s.remote_refills, (unsigned long)s.cached);
}

}  // namespace tk::mem
