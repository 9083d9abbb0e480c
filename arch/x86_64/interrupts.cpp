#include "arch/x86_64/interrupts.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap_frame.h"

namespace tk::arch {
namespace {

InterruptHandler g_handlers[256];
InterruptController g_controller{};
u32 g_counts[kMaxInterruptCores][256];
// IA32_TSC_AUX holds the CPU index (RDTSCP returns it): set at each CPU's start.
constexpr u32 kMsrTscAux = 0xC0000103;

}  // namespace

void set_interrupt_controller(const InterruptController& controller) { g_controller = controller; }

void set_interrupt_handler(u8 vector, InterruptHandler handler) { g_handlers[vector] = handler; }

u64 interrupt_count(u32 core, u8 vector) {
    return __atomic_load_n(&g_counts[core][vector], __ATOMIC_RELAXED);
}

u64 interrupt_total(u32 core) {
    u64 total = 0;
    for (u32 v = 32; v < 256; ++v) total += interrupt_count(core, u8(v));
    return total;
}

void set_cpu_index(u32 index) { write_msr(kMsrTscAux, index); }

u32 cpu_index() {
    u32 aux;
    asm volatile("rdtscp" : "=c"(aux)::"rax", "rdx");
    return aux;
}

extern "C" void interrupt_dispatch(TrapFrame* frame) {
    u8 vector = u8(frame->vector);
    u32 core = cpu_index();
    if (core < kMaxInterruptCores) ++g_counts[core][vector];
    // A masked 8259 can still raise its spurious IRQ 7/15; neither it nor the
    // APIC's spurious vector takes an EOI.
    if (vector == kSpuriousVector || (vector & 0xF0) == g_controller.legacy_base) return;
    end_of_interrupt();
    if (InterruptHandler h = g_handlers[vector]) h();
}

}  // namespace tk::arch
