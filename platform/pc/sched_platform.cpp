// The scheduler's platform hooks on bare metal: the local APIC timer in
// one-shot (TSC-deadline where available) mode for the earliest sleeper, HLT
// when idle, interrupts off inside the scheduler.

#include "kernel/sched/sched_platform.h"

#include "arch/x86_64/fpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/stacks.h"
#include "drivers/lapic.h"
#include "kernel/sched/scheduler.h"
#include "platform/pc/sched_platform_pc.h"
#include "platform/pc/smp.h"

namespace tk::sched::platform {
namespace {

constexpr usize kTaskStackSize = 32 * 1024;
TK_GUARDED_STACK_ARRAY(g_task_stacks, "task-stack", kTaskStackSize, kMaxTasks);

}  // namespace

u32 current_core() { return arch::cpu_index(); }
void set_current_core(u32 core) { arch::set_cpu_index(core); }
usize stack_slot_size() { return kTaskStackSize; }
u8* stack_top(u32 slot) { return g_task_stacks[slot].bytes + kTaskStackSize; }
// An isolated core never enables interrupts: it polls (pause) instead of
// halting, is never sent a wake-up IPI and never arms its timer.
void idle_wait(u64) {
    if (core_isolated(current_core())) __builtin_ia32_pause();
    else arch::wait_for_interrupt();
}

void kick(u32 core) {
    if (!core_isolated(core)) drivers::lapic_send_ipi(pc::apic_id_of(core), arch::kWakeVector);
}

u64 irq_save() { return arch::save_and_disable_interrupts(); }
void irq_restore(u64 saved) { arch::restore_interrupts(saved); }

void arm_timer(u64 deadline) {
    if (!core_isolated(current_core())) drivers::lapic_arm_timer(deadline);
}

void task_started() {
    if (!core_isolated(current_core())) arch::enable_interrupts();
}

void fpu_init_area(u8* area) { arch::fpu_init_area(area); }
void fpu_save(u8* area) { arch::fpu_save(area); }
void fpu_restore(const u8* area) { arch::fpu_restore(area); }

}  // namespace tk::sched::platform

namespace tk::pc {

const char* task_name_for_stack(u32 slot) {
    const char* name = sched::task_name(slot);
    return name ? name : "task-stack";
}

}  // namespace tk::pc
