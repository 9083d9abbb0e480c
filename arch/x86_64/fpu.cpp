#include "arch/x86_64/fpu.h"

#include "arch/x86_64/cpu.h"

namespace tk::arch {
namespace {

u64 g_xcr0 = 0;  // 0: FXSAVE

constexpr u64 kX87 = 1, kSse = 2, kAvx = 4;

void write_xcr0(u64 v) { asm volatile("xsetbv" ::"c"(0), "a"(u32(v)), "d"(u32(v >> 32))); }

}  // namespace

u64 fpu_init_cpu() {
    CpuidResult leaf1 = cpuid(1);
    if (!(leaf1.ecx & (1u << 26))) return g_xcr0 = 0;  // no XSAVE
    asm volatile("mov %%cr4, %%rax; or $(1 << 18), %%rax; mov %%rax, %%cr4" ::: "rax");  // OSXSAVE
    u64 xcr0 = kX87 | kSse | ((leaf1.ecx & (1u << 28)) ? kAvx : 0);
    write_xcr0(xcr0);
    return g_xcr0 = xcr0;
}

void fpu_init_area(u8* area) {
    for (usize i = 0; i < 1024; ++i) area[i] = 0;
    // Legacy region (SDM Vol. 1, Table 10-2): FCW = 0x037F, MXCSR = 0x1F80,
    // the values after FNINIT and reset. With XSAVE, a zero XSTATE_BV in the
    // header makes XRSTOR load the initial state anyway.
    area[0] = 0x7F;
    area[1] = 0x03;
    area[24] = 0x80;
    area[25] = 0x1F;
}

void fpu_save(u8* area) {
    if (g_xcr0)
        asm volatile("xsave64 (%0)" ::"r"(area), "a"(u32(g_xcr0)), "d"(u32(g_xcr0 >> 32)) : "memory");
    else
        asm volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_restore(const u8* area) {
    if (g_xcr0)
        asm volatile("xrstor64 (%0)" ::"r"(area), "a"(u32(g_xcr0)), "d"(u32(g_xcr0 >> 32)) : "memory");
    else
        asm volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

}  // namespace tk::arch
