// Cache hints. PREFETCHT0 is unprivileged and touches no vector register, but
// the compiler emits none for __builtin_prefetch under the kernel's
// -mgeneral-regs-only (it counts the PREFETCHh family as SSE): hence the
// instruction itself. A hint never faults, whatever the address (Intel SDM
// Vol. 2B, PREFETCHh).
#pragma once

namespace tk {

inline void prefetch(const volatile void* p) { asm volatile("prefetcht0 %0" ::"m"(*static_cast<const volatile char*>(p))); }

// The line in a state this core can write without asking again (PREFETCHW,
// CPUID.80000001H:ECX.PRFCHW; a NOP on processors without it, and in QEMU's
// TCG).
inline void prefetch_for_write(const volatile void* p) {
    asm volatile("prefetchw %0" ::"m"(*static_cast<const volatile char*>(p)));
}

}  // namespace tk
