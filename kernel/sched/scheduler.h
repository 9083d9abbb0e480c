// The tickless priority scheduler: one per core, each running only its own
// tasks (a task's core is its affinity). Portable: the pc kernel and the
// hosted build link the same code; the platform supplies stacks, the core
// number, the clock and the idle wait (kernel/sched/sched_platform.h).
//
//   sched::init(config);                       // once, during set-up
//   TaskId t = sched::create_task(Priority::Critical, market_data, nullptr, 16384);
//   sched::run();                              // this core becomes its scheduler
//
// Nothing here allocates: tasks and stacks are fixed slots made at init.
#pragma once

#include "kernel/sched/task.h"
#include "tk/tsc.h"

namespace tk::sched {

inline constexpr u32 kMaxTasks = 64;
inline constexpr u32 kMaxCores = 64;

struct Config {
    u32 cores = 1;
    TscClock clock;
    // run() returns once this core has no task left (hosted tests and
    // benchmarks); on pc the core idles forever instead.
    bool return_when_idle = false;
    // Isolated cores (bit per core): no interrupts at all. They run their
    // pinned task and, when idle, busy-poll their sleepers and inbox. Taken
    // from the first init() only: isolation is fixed at boot.
    u64 isolated = 0;
    // Round-robin within a priority level: a task that has run this long
    // gives way to a ready task of its own level (timer-driven, so pc only;
    // hosted tasks switch only when they call the scheduler). 0: no slicing.
    Nanos time_slice{0};
};

// Resets every core's queues and all task slots. A core whose scheduler
// loop is already running (an application processor) keeps running it.
void init(const Config& config);
const Config& config();
bool core_isolated(u32 core);

// Creates a task on `core` (kNoTask: the calling core). Returns kNoTask when
// every slot is taken or `stack_size` exceeds the platform's stack slot.
TaskId create_task(Priority priority, TaskFn fn, void* arg, usize stack_size,
                   u32 core = kNoTask, const char* name = "task", u32 flags = kTaskDefault);

// Turns the calling thread (hosted) or CPU (pc) into this core's scheduler:
// runs tasks, wakes sleepers, takes cross-core wake-ups, idles when there is
// nothing to do.
void run();
// The same, never returning, whatever Config::return_when_idle says
// (application processors).
[[noreturn]] void run_forever();

// For the current task:
void yield();                 // let a ready task of the same or higher priority run
void sleep_until(Ticks deadline);  // not before the TSC reaches `deadline`
void sleep_for(Nanos span);
void block();                 // until wake(); returns at once if a wake is pending
[[noreturn]] void exit();
TaskId current_task();

// Makes a blocked task ready, from any core. A wake that finds the task not
// yet blocked is kept, and its next block() returns at once. Waking a task of
// higher priority than the running one on this core preempts it.
void wake(TaskId task);

// From the timer interrupt: wakes due sleepers, re-arms the timer for the
// next one, and preempts the running task if a woken one outranks it.
void on_timer();
// From the wake-up IPI: takes tasks other cores woke, preempting as above.
void on_kick();

struct CoreStats {
    u64 switches;
    u64 remote_wakeups;  // wake-ups that came from other cores
    u32 tasks;           // live tasks with this core's affinity
};
CoreStats core_stats(u32 core);
TaskState task_state(TaskId task);
// The name of a live task (task ids are also their stack slots); nullptr if free.
const char* task_name(TaskId task);

}  // namespace tk::sched
