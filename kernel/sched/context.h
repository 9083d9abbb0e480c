// Saved task contexts. A context is just a stack pointer: everything else a
// suspended task needs is on its stack, pushed by tk_context_switch.
#pragma once

#include "tk/types.h"

extern "C" void tk_context_switch(tk::u64* save_sp, tk::u64 next_sp);

namespace tk::sched {

using TaskFn = void (*)(void* arg);

// Lays out a new task's stack so that the first switch to it enters
// tk_task_trampoline, which calls fn(arg). Returns the stack pointer to load.
u64 prepare_stack(u8* stack_top, TaskFn fn, void* arg);

}  // namespace tk::sched
