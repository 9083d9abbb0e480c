#include "kernel/sched/context.h"

extern "C" void tk_task_trampoline();

namespace tk::sched {

u64 prepare_stack(u8* stack_top, TaskFn fn, void* arg) {
    // After tk_context_switch pops six registers and returns into the
    // trampoline, RSP must be 16-byte aligned, so that the trampoline's call
    // gives tk_task_start the alignment the ABI promises (RSP + 8 aligned).
    auto* sp = reinterpret_cast<u64*>(uptr(stack_top) & ~uptr(15));
    *--sp = u64(&tk_task_trampoline);  // popped by ret: RSP is then stack_top
    *--sp = 0;            // rbp: ends frame-pointer backtraces
    *--sp = 0;            // rbx
    *--sp = u64(arg);     // r12
    *--sp = u64(fn);      // r13
    *--sp = 0;            // r14
    *--sp = 0;            // r15
    return u64(sp);
}

}  // namespace tk::sched
