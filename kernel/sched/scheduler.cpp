#include "kernel/sched/scheduler.h"

#include "kernel/sched/run_queue.h"
#include "kernel/sched/sched_platform.h"
#include "tk/panic.h"

namespace tk::sched {
namespace {

struct alignas(kCacheLine) CoreScheduler {
    RunQueue ready;
    SleepQueue sleepers;
    Task* current = nullptr;
    Task idle{};            // the context that called run()
    Task* zombie = nullptr; // exited task whose stack is still in use until the switch ends
    u64 armed = ~0ull;      // deadline the timer is set for
    bool loop_running = false;  // run() or run_forever() is on this core's stack
    u64 switches = 0;
    u64 remote_wakeups = 0;
    u32 tasks = 0;
    alignas(kCacheLine) Task* inbox = nullptr;  // MPSC stack of tasks woken by other cores
};

Config g_config;
u64 g_isolated = 0;  // Config::isolated of the first init; see init()
Task g_tasks[kMaxTasks];
CoreScheduler g_cores[kMaxCores];

CoreScheduler& this_core() { return g_cores[platform::current_core()]; }

void finish_switch(CoreScheduler& cs) {
    if (Task* z = cs.zombie) {
        cs.zombie = nullptr;
        --cs.tasks;
        z->store_state(TaskState::Free);
    }
}

void rearm(CoreScheduler& cs);

void switch_to(CoreScheduler& cs, Task* next) {
    Task* prev = cs.current;
    cs.current = next;
    next->store_state(TaskState::Running);
    ++next->switches_in;
    ++cs.switches;
    if (prev->flags & kTaskUsesFpu) platform::fpu_save(prev->fpu);
    if (next->flags & kTaskUsesFpu) platform::fpu_restore(next->fpu);
    if (g_config.time_slice.value) {
        next->slice_end = rdtsc() + g_config.clock.to_ticks(g_config.time_slice).value;
        rearm(cs);
    }
    tk_context_switch(&prev->saved_sp, next->saved_sp);
    finish_switch(this_core());
}

// Inbox tasks arrive newest first; queue them oldest first.
void drain_inbox(CoreScheduler& cs) {
    if (!__atomic_load_n(&cs.inbox, __ATOMIC_RELAXED)) return;
    Task* list = __atomic_exchange_n(&cs.inbox, nullptr, __ATOMIC_ACQUIRE);
    Task* reversed = nullptr;
    while (list) {
        Task* next = list->inbox_next;
        list->inbox_next = reversed;
        reversed = list;
        list = next;
    }
    for (; reversed; reversed = reversed->inbox_next) {
        reversed->store_state(TaskState::Ready);
        cs.ready.push_back(reversed);
        ++cs.remote_wakeups;
    }
}

// A ready task shares the running task's level: its time slice matters.
bool slice_contended(const CoreScheduler& cs) {
    const Task* t = cs.current;
    return g_config.time_slice.value && t && t != &cs.idle && cs.ready.has_level(u32(t->priority));
}

// Tickless: the timer is armed only for the earliest sleeper (or the end of a
// contended time slice), and only when that changes.
void rearm(CoreScheduler& cs) {
    u64 earliest = cs.sleepers.earliest();
    if (slice_contended(cs) && cs.current->slice_end < earliest) earliest = cs.current->slice_end;
    if (earliest != cs.armed) {
        cs.armed = earliest;
        platform::arm_timer(earliest);
    }
}

void wake_sleepers(CoreScheduler& cs) {
    if (cs.sleepers.empty()) return;
    u64 now = rdtsc();
    while (Task* t = cs.sleepers.pop_expired(now)) {
        t->store_state(TaskState::Ready);
        cs.ready.push_back(t);
    }
    rearm(cs);
}

// Interrupts off for the length of a scope (no-op on hosted).
class IrqGuard {
public:
    IrqGuard() : saved_(platform::irq_save()) {}
    ~IrqGuard() { platform::irq_restore(saved_); }
    IrqGuard(const IrqGuard&) = delete;
    IrqGuard& operator=(const IrqGuard&) = delete;

private:
    u64 saved_;
};

// The current task has given up the CPU (its state says why): run the best
// ready task, or the idle context.
void schedule(CoreScheduler& cs) {
    drain_inbox(cs);
    wake_sleepers(cs);
    Task* next = cs.ready.pop();
    if (!next) next = &cs.idle;
    if (next == cs.current) {
        next->store_state(TaskState::Running);
        return;
    }
    switch_to(cs, next);
}

void push_inbox(CoreScheduler& cs, Task* t) {
    Task* head = __atomic_load_n(&cs.inbox, __ATOMIC_RELAXED);
    do {
        t->inbox_next = head;
    } while (!__atomic_compare_exchange_n(&cs.inbox, &head, t, true, __ATOMIC_RELEASE,
                                          __ATOMIC_RELAXED));
}

// Makes `t` (owned by `cs`, the calling core) ready; preempts the current
// task if `t` outranks it.
void make_ready_here(CoreScheduler& cs, Task* t) {
    t->store_state(TaskState::Ready);
    Task* running = cs.current;
    bool in_task = running && running != &cs.idle;  // not from run() or set-up
    if (in_task && t->priority < running->priority) {
        running->store_state(TaskState::Ready);
        cs.ready.push_front(running);
        switch_to(cs, t);
    } else {
        cs.ready.push_back(t);
        if (g_config.time_slice.value) rearm(cs);
    }
}

void deliver(Task* t) {
    u32 here = platform::current_core();
    if (t->core == here) {
        make_ready_here(g_cores[here], t);
    } else {
        push_inbox(g_cores[t->core], t);
        platform::kick(t->core);
    }
}

Task* task_of(TaskId id) { return id < kMaxTasks ? &g_tasks[id] : nullptr; }

}  // namespace

void init(const Config& config) {
    if (config.cores == 0 || config.cores > kMaxCores) panic("sched: %u cores", config.cores);
    // Isolation is decided once, at the first init (boot): an isolated core's
    // loop polls with interrupts off and must never see itself as ordinary,
    // even for an instant while g_config is rewritten (it would halt, and no
    // IPI ever wakes an isolated core). So the mask lives apart, written once.
    static bool initialized = false;
    if (!initialized) __atomic_store_n(&g_isolated, config.isolated, __ATOMIC_RELEASE);
    initialized = true;
    g_config = config;
    g_config.isolated = g_isolated;
    // The queues are reset below; a timer still armed for a sleeper of the
    // old state would fire for nothing.
    platform::arm_timer(~0ull);
    for (u32 i = 0; i < kMaxTasks; ++i) {
        g_tasks[i] = Task{};
        g_tasks[i].id = i;
    }
    for (u32 c = 0; c < config.cores; ++c) {
        if (g_cores[c].loop_running) {  // keep the loop's own context
            CoreScheduler& cs = g_cores[c];
            cs.ready = RunQueue{};
            cs.sleepers = SleepQueue{};
            cs.switches = cs.remote_wakeups = 0;
            cs.tasks = 0;
            continue;
        }
        g_cores[c] = CoreScheduler{};
        g_cores[c].idle.id = kNoTask;
        g_cores[c].idle.priority = Priority::Idle;
        g_cores[c].idle.name = "idle";
        g_cores[c].idle.core = c;
    }
}

TaskId create_task(Priority priority, TaskFn fn, void* arg, usize stack_size, u32 core,
                   const char* name, u32 flags) {
    IrqGuard guard;
    if (core == kNoTask) core = platform::current_core();
    if (core >= g_config.cores || stack_size > platform::stack_slot_size() || !fn) return kNoTask;
    for (Task& t : g_tasks) {
        if (!t.transition(TaskState::Free, TaskState::Waking)) continue;
        t.priority = priority;
        t.core = core;
        t.name = name;
        t.fn = fn;
        t.arg = arg;
        t.park = kUnparked;
        t.switches_in = 0;
        t.flags = flags;
        if (flags & kTaskUsesFpu) platform::fpu_init_area(t.fpu);
        t.stack_top = platform::stack_top(t.id);
        t.saved_sp = prepare_stack(t.stack_top, fn, arg);
        __atomic_add_fetch(&g_cores[core].tasks, 1, __ATOMIC_RELAXED);
        deliver(&t);
        return t.id;
    }
    return kNoTask;
}

const Config& config() { return g_config; }

bool core_isolated(u32 core) {
    return core < 64 && (__atomic_load_n(&g_isolated, __ATOMIC_ACQUIRE) >> core) & 1;
}

namespace {

void scheduler_loop(bool forever) {
    IrqGuard guard;  // the idle loop runs with interrupts off but while halted
    CoreScheduler& cs = this_core();
    cs.current = &cs.idle;
    cs.loop_running = true;
    for (;;) {
        drain_inbox(cs);
        wake_sleepers(cs);
        if (Task* next = cs.ready.pop()) {
            switch_to(cs, next);
            continue;
        }
        if (!forever && g_config.return_when_idle && __atomic_load_n(&cs.tasks, __ATOMIC_RELAXED) == 0) {
            cs.loop_running = false;
            return;
        }
        platform::idle_wait(cs.sleepers.earliest());
    }
}

}  // namespace

void run() { scheduler_loop(false); }

void run_forever() {
    scheduler_loop(true);
    __builtin_unreachable();
}

void yield() {
    IrqGuard guard;
    CoreScheduler& cs = this_core();
    Task* self = cs.current;
    drain_inbox(cs);
    wake_sleepers(cs);
    if (cs.ready.best_level() > u32(self->priority)) return;  // nobody of equal or higher rank
    self->store_state(TaskState::Ready);
    cs.ready.push_back(self);
    Task* next = cs.ready.pop();
    if (next != self) switch_to(cs, next);
    else self->store_state(TaskState::Running);
}

void sleep_until(Ticks deadline) {
    u64 tsc = deadline.value;
    IrqGuard guard;
    CoreScheduler& cs = this_core();
    Task* self = cs.current;
    self->deadline = tsc;
    self->store_state(TaskState::Sleeping);
    cs.sleepers.insert(self);
    rearm(cs);
    schedule(cs);
}

void sleep_for(Nanos span) { sleep_until(tsc_now() + g_config.clock.to_ticks(span)); }

void block() {
    IrqGuard guard;
    CoreScheduler& cs = this_core();
    Task* self = cs.current;
    self->store_state(TaskState::Blocked);
    u32 word = __atomic_load_n(&self->park, __ATOMIC_ACQUIRE);
    for (;;) {
        u32 next = word == kPermit ? kUnparked : kParked;
        if (__atomic_compare_exchange_n(&self->park, &word, next, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            break;
    }
    if (word == kPermit) {  // consumed a wake that came first
        self->store_state(TaskState::Running);
        return;
    }
    schedule(cs);  // parked: the wake() that unparks us delivers us
}

void wake(TaskId id) {
    Task* t = task_of(id);
    if (!t) return;
    IrqGuard guard;
    u32 word = __atomic_load_n(&t->park, __ATOMIC_ACQUIRE);
    for (;;) {
        if (word == kPermit) return;  // permits do not stack
        u32 next = word == kParked ? kUnparked : kPermit;
        if (__atomic_compare_exchange_n(&t->park, &word, next, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            break;
    }
    if (word == kParked) {
        t->store_state(TaskState::Waking);
        deliver(t);
    }
}

void exit() {
    platform::irq_save();  // never restored: this task does not run again
    CoreScheduler& cs = this_core();
    Task* self = cs.current;
    self->store_state(TaskState::Exited);
    cs.zombie = self;
    schedule(cs);
    panic("sched: exited task %u was scheduled again", self->id);
}

namespace {

void preempt_if_outranked(CoreScheduler& cs) {
    Task* running = cs.current;
    if (!running || running == &cs.idle || cs.ready.best_level() >= u32(running->priority)) return;
    running->store_state(TaskState::Ready);
    cs.ready.push_front(running);
    switch_to(cs, cs.ready.pop());
}

}  // namespace

void on_timer() {
    CoreScheduler& cs = this_core();
    cs.armed = ~0ull;  // it fired
    wake_sleepers(cs);
    Task* running = cs.current;
    if (slice_contended(cs) && rdtsc() >= running->slice_end &&
        cs.ready.best_level() == u32(running->priority)) {
        running->store_state(TaskState::Ready);  // slice over: to the back of its level
        cs.ready.push_back(running);
        switch_to(cs, cs.ready.pop());
        return;
    }
    rearm(cs);
    preempt_if_outranked(cs);
}

void on_kick() {
    CoreScheduler& cs = this_core();
    drain_inbox(cs);
    preempt_if_outranked(cs);
}

TaskId current_task() {
    Task* t = this_core().current;
    return t ? t->id : kNoTask;
}

CoreStats core_stats(u32 core) {
    CoreScheduler& cs = g_cores[core];
    return {cs.switches, cs.remote_wakeups, __atomic_load_n(&cs.tasks, __ATOMIC_RELAXED)};
}

TaskState task_state(TaskId id) {
    Task* t = task_of(id);
    return t ? t->load_state() : TaskState::Free;
}

const char* task_name(TaskId id) {
    Task* t = task_of(id);
    return t && t->load_state() != TaskState::Free ? t->name : nullptr;
}

void finish_switch_for_new_task() { finish_switch(this_core()); }

}  // namespace tk::sched

// Entered from tk_task_trampoline on a new task's first run.
extern "C" [[noreturn]] void tk_task_start(void* arg, tk::sched::TaskFn fn) {
    tk::sched::finish_switch_for_new_task();
    tk::sched::platform::task_started();
    fn(arg);
    tk::sched::exit();
}
