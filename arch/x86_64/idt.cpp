#include "arch/x86_64/idt.h"

#include "arch/x86_64/gdt.h"
#include "tk/types.h"

extern "C" const tk::u64 exception_stub_table[32];
extern "C" const tk::u64 interrupt_stub_table[224];

namespace tk::arch {
namespace {

// 64-bit interrupt gate (SDM Vol. 3A, Figure 7-8).
struct __attribute__((packed)) Gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attributes;
    u16 offset_middle;
    u32 offset_high;
    u32 reserved;
};
static_assert(sizeof(Gate) == 16);

struct __attribute__((packed)) IdtPointer {
    u16 limit;
    u64 base;
};

constexpr u8 kInterruptGatePresent = 0x8E;  // P=1, DPL=0, type 0xE

alignas(16) Gate g_idt[256];

Ist ist_for_vector(unsigned vector) {
    switch (vector) {
        case 2: return Ist::Nmi;
        case 8: return Ist::DoubleFault;
        case 14: return Ist::PageFault;
        case 18: return Ist::MachineCheck;
        default: return Ist::None;
    }
}

}  // namespace

void idt_init() {
    for (unsigned v = 0; v < 256; ++v) {
        u64 handler = v < 32 ? exception_stub_table[v] : interrupt_stub_table[v - 32];
        g_idt[v] = Gate{u16(handler), kKernelCodeSelector, u8(ist_for_vector(v)),
                        kInterruptGatePresent, u16(handler >> 16), u32(handler >> 32), 0};
    }
    idt_load();
}

void idt_load() {
    IdtPointer idtr{sizeof g_idt - 1, u64(g_idt)};
    asm volatile("lidt %0" ::"m"(idtr));
}

}  // namespace tk::arch
