#include "tests/kernel/pc/faults.h"

#include "kernel/log/log.h"
#include "kernel/sched/scheduler.h"
#include "tk/types.h"

namespace tk::pc {
namespace {

// noinline keeps each fault in a function of its own, so the panic report
// can name it.
__attribute__((noinline)) void fault_null_pointer_write() {
    *static_cast<volatile u64*>(nullptr) = 0xDEAD;
}

__attribute__((noinline)) void fault_non_canonical_read() {
    // Bits 63:47 not all equal: a non-canonical address, #GP(0) (SDM 3A, 3.3.7.1).
    (void)*reinterpret_cast<volatile u64*>(0x0000800000000000ull);
}

__attribute__((noinline)) void fault_write_to_text() {
    *reinterpret_cast<volatile u8*>(&fault_null_pointer_write) = 0xC3;
}

// Never reached: the limit only hides the unbounded recursion from the
// compiler, which would otherwise reject or remove it.
volatile u64 g_recursion_limit = ~0ull;

__attribute__((noinline)) u64 fault_recurse_forever(u64 depth) {
    volatile u8 frame[512];
    frame[depth % sizeof frame] = u8(depth);
    if (depth == g_recursion_limit) return 0;
    return fault_recurse_forever(depth + 1) + frame[0];
}

void overflow_in_a_task(void*) { fault_recurse_forever(0); }

// A stack overflow inside a scheduled task: the report names the task.
void task_stack_overflow() {
    sched::create_task(sched::Priority::Normal, overflow_in_a_task, nullptr, 16384, sched::kNoTask,
                       "overflow-task");
    sched::run();
}

}  // namespace

void trigger_fault(StringView name) {
    log::info("faults: triggering '%.*s'", int(name.length), name.data);
    if (name.equals("page-fault")) fault_null_pointer_write();
    else if (name.equals("general-protection")) fault_non_canonical_read();
    else if (name.equals("write-text")) fault_write_to_text();
    else if (name.equals("stack-overflow")) fault_recurse_forever(0);
    else if (name.equals("task-stack-overflow")) task_stack_overflow();
}

}  // namespace tk::pc
