// arch/x86_64/gdt and idt, read back from the CPU (SGDT, SIDT, STR).

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/stacks.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

using namespace tk;

extern "C" const u64 exception_stub_table[32];

namespace {

struct __attribute__((packed)) TablePointer {
    u16 limit;
    u64 base;
};

struct __attribute__((packed)) Gate {
    u16 offset_low, selector;
    u8 ist, attributes;
    u16 offset_middle;
    u32 offset_high, reserved;
};

TablePointer sidt() {
    TablePointer p;
    asm volatile("sidt %0" : "=m"(p));
    return p;
}

TablePointer sgdt() {
    TablePointer p;
    asm volatile("sgdt %0" : "=m"(p));
    return p;
}

u64 tss_base() {
    auto* gdt = reinterpret_cast<const u64*>(sgdt().base);
    u64 low = gdt[arch::kTssSelector / 8], high = gdt[arch::kTssSelector / 8 + 1];
    return ((low >> 16) & 0xFFFFFF) | (((low >> 56) & 0xFF) << 24) | (high << 32);
}

u64 ist_top(arch::Ist slot) {
    // 64-bit TSS: IST1 at byte offset 36 (SDM Vol. 3A, Figure 9-11).
    auto* tss = reinterpret_cast<const u8*>(tss_base());
    u64 v;
    __builtin_memcpy(&v, tss + 36 + 8 * (u8(slot) - 1), 8);
    return v;
}

}  // namespace

TK_PC_TEST(cpu_tables, idt_routes_all_exceptions) {
    auto* idt = reinterpret_cast<const Gate*>(sidt().base);
    for (unsigned v = 0; v < 32; ++v) {
        const Gate& g = idt[v];
        u64 target = g.offset_low | (u64(g.offset_middle) << 16) | (u64(g.offset_high) << 32);
        TK_EXPECT_EQ(target, exception_stub_table[v]);
        TK_EXPECT_EQ(g.attributes, 0x8E);
        TK_EXPECT_EQ(g.selector, arch::kKernelCodeSelector);
    }
    TK_EXPECT_EQ(idt[14].ist, u8(arch::Ist::PageFault));
    TK_EXPECT_EQ(idt[8].ist, u8(arch::Ist::DoubleFault));
    TK_EXPECT_EQ(idt[13].ist, 0);
}

TK_PC_TEST(cpu_tables, task_register_and_ist_stacks) {
    u16 tr;
    asm volatile("str %0" : "=r"(tr));
    TK_EXPECT_EQ(tr, arch::kTssSelector);
    const auto* pf = arch::stack_containing(ist_top(arch::Ist::PageFault) - 16, 16).record;
    const auto* df = arch::stack_containing(ist_top(arch::Ist::DoubleFault) - 16, 16).record;
    TK_EXPECT(pf && str_equal(pf->name, "ist-page-fault"));
    TK_EXPECT(df && str_equal(df->name, "ist-double-fault"));
}
