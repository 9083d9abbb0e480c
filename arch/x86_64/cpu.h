// Privileged x86_64 instructions, wrapped. Only arch/ and platform/pc/ include
// this file; drivers reach ports through arch/x86_64/port_io.h.
#pragma once

#include "tk/types.h"

namespace tk::arch {

inline u64 read_cr0() { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
inline u64 read_cr2() { u64 v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
inline u64 read_cr3() { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
inline u64 read_cr4() { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }

inline u64 read_msr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64(hi) << 32) | lo;
}

inline void write_msr(u32 msr, u64 value) {
    asm volatile("wrmsr" ::"c"(msr), "a"(u32(value)), "d"(u32(value >> 32)));
}

inline constexpr u32 kMsrEfer = 0xC0000080;

struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

// MFENCE: every earlier load and store is globally visible before any later
// one (SDM Vol. 2B). x86 may let a load pass an earlier store to another
// address; this is the one ordering a plain compiler barrier does not give.
inline void full_fence() { asm volatile("mfence" ::: "memory"); }

// RDRAND (SDM Vol. 2B): a random value when CF is set. The DRNG can run dry
// for a moment, so Intel's guide asks callers to retry (up to 10 times) before
// reporting failure. CPUID.01H:ECX bit 30 says whether the instruction exists.
inline bool has_rdrand() { return cpuid(1).ecx >> 30 & 1; }

// All zeros or all ones is taken as a stuck generator (some AMD parts
// returned ~0 with CF set after a resume) and drawn again.
inline bool rdrand64(u64& out) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        u8 ok;
        asm volatile("rdrand %0; setc %1" : "=r"(out), "=qm"(ok)::"cc");
        if (ok && out != 0 && out != ~u64(0)) return true;
    }
    return false;
}

inline void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}

inline u64 read_rbp() {
    u64 v;
    asm volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}

}  // namespace tk::arch
