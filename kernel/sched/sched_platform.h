// What the scheduler needs from its platform.
#pragma once

#include "tk/types.h"

namespace tk::sched::platform {

// Number of the calling core (thread on hosted, CPU on pc).
u32 current_core();
void set_current_core(u32 core);

// Task stacks: fixed slots, each with a guard page below it.
usize stack_slot_size();
u8* stack_top(u32 slot);  // slot < kMaxTasks

// Nothing to run: wait until about `deadline` (TSC) or an event, whichever
// comes first. May return early; the scheduler loops.
void idle_wait(u64 deadline);

// Tells `core` that its inbox has work (an IPI on pc; nothing on hosted,
// where idle cores poll).
void kick(u32 core);

// Interrupts off / back as they were (pc); no-ops on hosted, where nothing
// interrupts a scheduler thread.
u64 irq_save();
void irq_restore(u64 saved);

// One-shot timer interrupt at TSC `deadline` on this core (~0: none). The
// interrupt handler calls sched::on_timer(). No-op on hosted (idle polls).
void arm_timer(u64 deadline);

// First thing a new task runs (pc: interrupts on).
void task_started();

// Vector-register state of kTaskUsesFpu tasks (pc: XSAVE/XRSTOR or
// FXSAVE/FXRSTOR; hosted: nothing, since a hosted switch is always a call and
// the ABI makes vector registers caller-saved).
void fpu_init_area(u8* area);
void fpu_save(u8* area);
void fpu_restore(const u8* area);

}  // namespace tk::sched::platform
