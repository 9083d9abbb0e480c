// The scheduler's platform hooks in a Linux process: one scheduler per
// thread, task stacks from one mmap with a PROT_NONE guard page under each,
// and idle cores that busy-poll (the isolated-core policy).

#include "kernel/sched/sched_platform.h"

#include <sys/mman.h>

#include "kernel/sched/scheduler.h"
#include "tk/panic.h"

namespace tk::sched::platform {
namespace {

constexpr usize kSlotSize = 64 * 1024;
constexpr usize kSlotStride = kSlotSize + kPageSize;  // guard page first

thread_local u32 t_core = 0;
u8* g_stacks = nullptr;

u8* stacks() {
    // Made once, during set-up (the first task creation); never freed.
    if (!g_stacks) {
        void* p = mmap(nullptr, kSlotStride * kMaxTasks, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) panic("sched: cannot map task stacks");
        g_stacks = static_cast<u8*>(p);
        for (u32 i = 0; i < kMaxTasks; ++i) mprotect(g_stacks + i * kSlotStride, kPageSize, PROT_NONE);
    }
    return g_stacks;
}

}  // namespace

u32 current_core() { return t_core; }
void set_current_core(u32 core) { t_core = core; }
usize stack_slot_size() { return kSlotSize; }
u8* stack_top(u32 slot) { return stacks() + slot * kSlotStride + kSlotStride; }
void idle_wait(u64) { __builtin_ia32_pause(); }
void kick(u32) {}
u64 irq_save() { return 0; }
void irq_restore(u64) {}
void arm_timer(u64) {}
void task_started() {}
void fpu_init_area(u8*) {}
void fpu_save(u8*) {}
void fpu_restore(const u8*) {}

}  // namespace tk::sched::platform
