// Cache hints. PREFETCHT0 is unprivileged and touches no vector register, but
// the compiler emits none for __builtin_prefetch under the kernel's
// -mgeneral-regs-only (it counts the PREFETCHh family as SSE): hence the
// instruction itself. A hint never faults, whatever the address (Intel SDM
// Vol. 2B, PREFETCHh).
#pragma once

namespace tk {

inline void prefetch(const volatile void* p) { asm volatile("prefetcht0 %0" ::"m"(*static_cast<const volatile char*>(p))); }

}  // namespace tk
