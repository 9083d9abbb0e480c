#include "kernel/mem/trading_guard.h"

#include "kernel/log/log.h"

namespace tk::mem {
namespace {

// Written before trading starts and read on slow paths only; relaxed atomics
// keep the reads well-defined when later issues add cores.
bool g_trading = false;
u32 g_violations = 0;

}  // namespace

void start_trading() {
    __atomic_store_n(&g_trading, true, __ATOMIC_RELEASE);
    log::record("trading-started", "violations-before=%u", allocation_violations());
}

bool trading_started() { return __atomic_load_n(&g_trading, __ATOMIC_ACQUIRE); }

bool permit_allocation(const char* allocator) {
    if (!trading_started()) return true;
    u32 n = __atomic_add_fetch(&g_violations, 1, __ATOMIC_RELAXED);
    log::record("alloc-violation", "allocator=%s count=%u", allocator, n);
    return false;
}

u32 allocation_violations() { return __atomic_load_n(&g_violations, __ATOMIC_RELAXED); }

#ifndef TK_RELEASE
void reset_trading_for_tests() {
    __atomic_store_n(&g_trading, false, __ATOMIC_RELEASE);
    __atomic_store_n(&g_violations, 0u, __ATOMIC_RELAXED);
}
#endif

}  // namespace tk::mem
