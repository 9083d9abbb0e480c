// Fixed-size object pools: all memory set aside at initialisation, objects
// cache-line aligned, and an allocation fast path with no atomic instruction.
//
//   core-local magazine (array of free objects, touched only by its core)
//        |  refill: pop up to half a magazine      ^ drain: push half back
//        v                                         |
//   per-node free stack: lock-free Treiber stack of object indices, its head
//   a 64-bit word of (32-bit tag, 32-bit index + 1); the tag changes on every
//   update, so a compare-and-swap that saw the same head saw the same stack
//   (no ABA).
//
// Each NUMA node has its own slab and stack; a core refills from its own
// node's stack first and takes from other nodes only when that is empty
// (counted as a remote refill). Freed objects go back to their home node.
//
// Exhaustion returns nullptr and is counted. With TK_DEBUG (the default
// build), a free of a pointer that is not an object of this pool, or of an
// object that is already free, panics with the pool's name.
//
// Threading rule: alloc(core) and free(core) for one `core` must be called
// from one thread (or CPU) at a time. Different cores run concurrently.
#pragma once

#include "kernel/mem/topology.h"
#include "tk/types.h"

namespace tk::mem {

struct PoolStats {
    const char* name;
    u32 object_size;
    u32 stride;           // bytes between objects: object_size rounded up to 64
    u64 capacity;         // objects, all nodes
    u64 in_use;           // allocated and not freed
    u64 high_water;       // most objects ever outside the free stacks (in use or
                          // cached in magazines): an upper bound on peak in_use
    u64 failures;         // allocations that returned nullptr
    u64 remote_refills;   // refills served by another node
    u64 cached;           // free objects sitting in magazines
};

class ObjectPool {
public:
    static constexpr u32 kMagazineSize = 32;

    // Bytes of slab one node needs for `capacity` objects of `object_size`.
    static usize node_bytes(u32 object_size, u32 capacity);

    // `node_memory[n]` is node n's slab: 64-byte aligned, node_bytes() long,
    // for n < topology.nodes. Returns false if the arguments are unusable or
    // trading has started (pools are created during set-up only).
    bool init(const char* name, u32 object_size, u32 capacity_per_node, const Topology& topology,
              void* const* node_memory);

    void* alloc(u32 core) {
        Magazine& m = magazines_[checked_core(core)];
        if (m.count == 0 && !refill(m)) {
            ++m.failures;
            return nullptr;
        }
        void* object = m.slots[--m.count];
        ++m.allocs;
#ifdef TK_DEBUG
        mark_allocated(object);
#endif
        return object;
    }

    void free(u32 core, void* object) {
        Magazine& m = magazines_[checked_core(core)];
#ifdef TK_DEBUG
        check_free(object);
#endif
        if (m.count == kMagazineSize) drain(m);
        m.slots[m.count++] = object;
        ++m.frees;
    }

    PoolStats stats() const;
    // Node whose slab holds `object`; kAnyNode if it is not one of ours.
    u32 node_of(const void* object) const;
    // Node the object at `object` belongs to and its index, if it is ours.
    bool locate(const void* object, u32& node, u32& index) const;

private:
    struct alignas(64) NodeStack {
        u64 head;        // (tag << 32) | (index + 1); index + 1 == 0: empty
        u64 free_count;  // objects in this stack
        u8* base;
        u8* state;       // TK_DEBUG: one byte per object, 1 = allocated
        u32 capacity;
    };

    struct alignas(64) Magazine {
        u32 count;
        u32 node;
        u64 allocs;
        u64 frees;
        u64 failures;
        u64 remote_refills;
        void* slots[kMagazineSize];
    };

    u32 checked_core(u32 core) const;
    bool refill(Magazine& m);
    void drain(Magazine& m);
    u32 pop_chain(NodeStack& s, void** out, u32 max);
    void push_chain(NodeStack& s, u32 first, u32 last, u32 count);
    u32& next_of(NodeStack& s, u32 index) { return *reinterpret_cast<u32*>(s.base + u64(index) * stride_); }
    void note_high_water();
    void mark_allocated(void* object);
    void check_free(void* object);

    const char* name_ = "unnamed";
    u32 object_size_ = 0;
    u32 stride_ = 0;
    u32 nodes_ = 0;
    u32 cores_ = 0;
    u64 capacity_ = 0;
    u64 high_water_ = 0;
    NodeStack stacks_[kMaxNodes] = {};
    Magazine magazines_[kMaxCores] = {};
};

// Prints the statistics as a text line and a "@tk pool ..." record.
void log_pool_stats(const PoolStats& stats);

}  // namespace tk::mem
