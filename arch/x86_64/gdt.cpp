#include "arch/x86_64/gdt.h"

#include "arch/x86_64/stacks.h"

namespace tk::arch {
namespace {

// 64-bit TSS (SDM Vol. 3A, Figure 9-11).
struct __attribute__((packed)) Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 io_map_base;
};
static_assert(sizeof(Tss) == 104);

struct __attribute__((packed)) DescriptorPointer {
    u16 limit;
    u64 base;
};

constexpr usize kIstStackSize = 16 * 1024;
TK_GUARDED_STACK_ARRAY(g_ist_double_fault, "ist-double-fault", kIstStackSize, kMaxCpus);
TK_GUARDED_STACK_ARRAY(g_ist_nmi, "ist-nmi", kIstStackSize, kMaxCpus);
TK_GUARDED_STACK_ARRAY(g_ist_machine_check, "ist-machine-check", kIstStackSize, kMaxCpus);
TK_GUARDED_STACK_ARRAY(g_ist_page_fault, "ist-page-fault", kIstStackSize, kMaxCpus);

Tss g_tss[kMaxCpus];
// Per CPU: null, code, data, TSS (two slots: a system descriptor is 16 bytes
// in long mode).
alignas(16) u64 g_gdt[kMaxCpus][5];

u64 tss_descriptor_low(u64 base, u32 limit) {
    // Type 0x9 = available 64-bit TSS, P=1 (SDM Vol. 3A, 9.2.3).
    return (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (u64(0x89) << 40) |
           (u64((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
}

}  // namespace

void gdt_init(u32 cpu) {
    Tss& tss = g_tss[cpu];
    u64* gdt = g_gdt[cpu];
    tss.ist[u8(Ist::DoubleFault) - 1] = u64(g_ist_double_fault[cpu].bytes + kIstStackSize);
    tss.ist[u8(Ist::Nmi) - 1] = u64(g_ist_nmi[cpu].bytes + kIstStackSize);
    tss.ist[u8(Ist::MachineCheck) - 1] = u64(g_ist_machine_check[cpu].bytes + kIstStackSize);
    tss.ist[u8(Ist::PageFault) - 1] = u64(g_ist_page_fault[cpu].bytes + kIstStackSize);
    tss.io_map_base = sizeof(Tss);  // no I/O permission bitmap

    gdt[0] = 0;
    gdt[1] = 0x00AF9A000000FFFF;  // 64-bit code, DPL 0
    gdt[2] = 0x00CF92000000FFFF;  // data, DPL 0
    gdt[3] = tss_descriptor_low(u64(&tss), sizeof(Tss) - 1);
    gdt[4] = u64(&tss) >> 32;

    DescriptorPointer gdtr{sizeof g_gdt[cpu] - 1, u64(gdt)};
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movw %2, %%ax\n"
        "movw %%ax, %%ds\n"
        "movw %%ax, %%es\n"
        "movw %%ax, %%ss\n"
        "ltr %w3\n"
        :
        : "m"(gdtr), "i"(u64(kKernelCodeSelector)), "i"(kKernelDataSelector), "r"(kTssSelector)
        : "rax", "memory");
}

}  // namespace tk::arch
