// The scheduler's platform hooks on bare metal. One core for now (SMP comes
// with the APIC work); idle busy-polls the TSC until the tickless APIC timer
// exists.

#include "kernel/sched/sched_platform.h"

#include "arch/x86_64/stacks.h"
#include "kernel/sched/scheduler.h"
#include "platform/pc/sched_platform_pc.h"

namespace tk::sched::platform {
namespace {

constexpr usize kTaskStackSize = 32 * 1024;
TK_GUARDED_STACK_ARRAY(g_task_stacks, "task-stack", kTaskStackSize, kMaxTasks);

}  // namespace

u32 current_core() { return 0; }
void set_current_core(u32) {}
usize stack_slot_size() { return kTaskStackSize; }
u8* stack_top(u32 slot) { return g_task_stacks[slot].bytes + kTaskStackSize; }
void idle_wait(u64) { __builtin_ia32_pause(); }
void kick(u32) {}

}  // namespace tk::sched::platform

namespace tk::arch {

const char* sched_task_name_for_stack(u32 slot) {
    const char* name = sched::task_name(slot);
    return name ? name : "task-stack";
}

}  // namespace tk::arch
