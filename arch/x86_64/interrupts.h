// Device interrupts and IPIs (vectors 32-255): handlers, counting, and the
// interrupt flag. Every interrupt is counted per core and vector, so a test
// can prove that a core took none.
#pragma once

#include "tk/types.h"

namespace tk::arch {

inline constexpr u8 kTimerVector = 0x20;
inline constexpr u8 kWakeVector = 0xF0;      // cross-core "look at your inbox"
inline constexpr u8 kSpuriousVector = 0xFF;  // no EOI (SDM 3A, 12.9)
inline constexpr u32 kMaxInterruptCores = 64;

using InterruptHandler = void (*)();

// The interrupt controller, as the platform drives it: vectors
// `legacy_base` to `legacy_base + 15` belong to a masked legacy PIC, whose
// spurious IRQ 7/15 take no EOI. Set once at boot, before interrupts are
// enabled.
struct InterruptController {
    u8 legacy_base;
};
void set_interrupt_controller(const InterruptController& controller);

// Ends an interrupt at the controller (the local APIC's EOI register).
// Declared here, defined by the platform (platform/pc/interrupt_controller.cpp),
// bound when the kernel is linked rather than through a pointer set at boot:
// with LTO the write is inlined into the dispatcher. Through a pointer, a
// timer wake-up took 10 more instructions (mode=bench under -icount).
void end_of_interrupt();

// Runs `handler` for `vector`, after the EOI, with interrupts off.
void set_interrupt_handler(u8 vector, InterruptHandler handler);

u64 interrupt_count(u32 core, u8 vector);
u64 interrupt_total(u32 core);

// Index of the running CPU (0 = boot CPU), for counting; set per CPU at start.
void set_cpu_index(u32 index);
u32 cpu_index();

inline u64 save_and_disable_interrupts() {
    u64 flags;
    asm volatile("pushfq; pop %0; cli" : "=r"(flags)::"memory");
    return flags;
}

inline void restore_interrupts(u64 flags) {
    if (flags & (1u << 9)) asm volatile("sti" ::: "memory");
}

inline void enable_interrupts() { asm volatile("sti" ::: "memory"); }

// Enables interrupts and halts until one arrives; returns with them off.
// STI takes effect after the next instruction, so no interrupt slips in
// between the two (SDM Vol. 2B, STI).
inline void wait_for_interrupt() { asm volatile("sti; hlt; cli" ::: "memory"); }

}  // namespace tk::arch
