// Tasks and their priorities (docs/scheduler.md).
#pragma once

#include "kernel/sched/context.h"
#include "tk/types.h"

namespace tk::sched {

// Lower value runs first.
enum class Priority : u8 { Critical = 0, High = 1, Normal = 2, Low = 3, Idle = 4 };
inline constexpr u32 kPriorityLevels = 5;

using TaskId = u32;
inline constexpr TaskId kNoTask = ~0u;

enum class TaskState : u32 {
    Free,      // slot unused
    Ready,     // in its core's run queue (or on its way there)
    Running,   // its core's current task
    Sleeping,  // in its core's sleep queue until `deadline`
    Blocked,   // waiting for wake()
    Waking,    // wake() claimed it; its core will queue it
    Exited,    // finished; the slot is freed after the switch away
};

// block() and wake() agree through one word, so each wake() either leaves a
// permit or takes a parked task out, never both (a wake split into "set a
// flag" then "claim the blocked state" can be consumed as a permit and later
// still wake the task's next block(); the cross-core race test caught that).
enum ParkWord : u32 {
    kUnparked = 0,  // running or ready, no wake pending
    kPermit = 1,    // a wake() arrived; the next block() returns at once
    kParked = 2,    // blocked; the wake() that swaps this to kUnparked delivers the task
};

// Task flags (create_task's last argument).
enum TaskFlags : u32 {
    kTaskDefault = 0,
    // The task uses x87/SSE/AVX registers: they are saved and restored when it
    // is switched out and in (XSAVE/XRSTOR, or FXSAVE where XSAVE is absent).
    // Kernel code itself is built without vector registers.
    kTaskUsesFpu = 1,
};

inline constexpr usize kFpuAreaSize = 1024;  // XSAVE x87+SSE+AVX is 832 bytes

struct Task {
    TaskId id;
    Priority priority;
    u32 core;  // the core it runs on (its affinity)
    const char* name;
    u64 saved_sp;
    u8* stack_top;
    TaskFn fn;
    void* arg;
    u64 deadline;       // TSC, while sleeping
    Task* next;         // run-queue or sleep-queue link; owner core only
    Task* inbox_next;   // cross-core wake queue link
    u32 state;          // TaskState, accessed atomically
    u32 park;           // ParkWord: the block()/wake() hand-shake, one atomic word
    u64 switches_in;    // times switched to
    u32 flags;          // TaskFlags
    u64 slice_end;      // TSC at which its time slice ends (time slicing on)
    alignas(64) u8 fpu[kFpuAreaSize];  // saved vector state, kTaskUsesFpu only

    TaskState load_state() const { return TaskState(__atomic_load_n(&state, __ATOMIC_ACQUIRE)); }
    void store_state(TaskState s) { __atomic_store_n(&state, u32(s), __ATOMIC_RELEASE); }
    bool transition(TaskState from, TaskState to) {
        u32 expected = u32(from);
        return __atomic_compare_exchange_n(&state, &expected, u32(to), false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
    }
};

}  // namespace tk::sched
