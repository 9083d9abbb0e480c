// The store-to-load barrier: no later load is performed before every earlier
// store is globally visible, the one reordering x86 allows (SDM Vol. 3A,
// 9.2.2). A locked read-modify-write gives it ("reads and writes are not
// reordered with locked instructions"); this one ors 0 into the stack's top
// word, so it changes nothing. MFENCE gives it too, and also orders
// weakly-ordered accesses, which ordinary write-back memory never makes; it
// costs several times as long after a store to a line this core holds, on
// the benchmark machine (locked_or_after_store_batched against
// mfence_after_store_batched, docs/performance.md). Unprivileged.
#pragma once

namespace tk {

inline void store_load_fence() { asm volatile("lock orq $0, (%%rsp)" ::: "memory", "cc"); }

}  // namespace tk
