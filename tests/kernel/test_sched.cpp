// kernel/sched on one core: priority order, FIFO within a level, preemption
// on wake, sleepers in deadline order, block/wake permits. Runs on hosted and
// on pc (a test boot). Cross-core races are in tests/python/test_sched_*.py.

#include "kernel/lib/string.h"
#include "kernel/log/log.h"
#include "kernel/sched/scheduler.h"
#include "kernel/test/ktest.h"
#include "tk/tsc.h"

using namespace tk;
using namespace tk::sched;

namespace {

// What the tasks did, in order: one character per event.
char g_trace[64];
u32 g_length;

void note(char c) {
    if (g_length + 1 < sizeof g_trace) g_trace[g_length++] = c;
    g_trace[g_length] = '\0';
}

void start(u32 cores = 1) {
    g_length = 0;
    g_trace[0] = '\0';
    Config c;
    c.cores = cores;
    c.clock = TscClock(1'000'000'000);
    c.return_when_idle = true;
    init(c);
}

void note_arg(void* arg) { note(char(uptr(arg))); }

void* as_arg(char c) { return reinterpret_cast<void*>(uptr(c)); }

}  // namespace

TK_TEST(sched, higher_priority_runs_first) {
    start();
    create_task(Priority::Low, note_arg, as_arg('L'), 8192);
    create_task(Priority::Normal, note_arg, as_arg('N'), 8192);
    create_task(Priority::Idle, note_arg, as_arg('I'), 8192);
    create_task(Priority::Critical, note_arg, as_arg('C'), 8192);
    create_task(Priority::High, note_arg, as_arg('H'), 8192);
    run();
    TK_EXPECT(str_equal(g_trace, "CHNLI"));
    TK_EXPECT_EQ(core_stats(0).tasks, 0);
}

TK_TEST(sched, fifo_within_a_level_and_yield_round_robin) {
    start();
    auto twice = [](void* arg) {
        note(char(uptr(arg)));
        yield();
        note(char(uptr(arg)) + 32);  // lower case on the second turn
    };
    create_task(Priority::Normal, twice, as_arg('A'), 8192);
    create_task(Priority::Normal, twice, as_arg('B'), 8192);
    create_task(Priority::Normal, twice, as_arg('C'), 8192);
    run();
    TK_EXPECT(str_equal(g_trace, "ABCabc"));
}

TK_TEST(sched, yield_does_not_let_lower_priority_run) {
    start();
    auto high = [](void*) {
        note('H');
        yield();  // only a Low task is ready: keep running
        note('h');
    };
    create_task(Priority::Low, note_arg, as_arg('L'), 8192);
    create_task(Priority::High, high, nullptr, 8192);
    run();
    TK_EXPECT(str_equal(g_trace, "HhL"));
}

namespace {
TaskId g_critical;
}

TK_TEST(sched, wake_preempts_lower_priority_at_once) {
    start();
    auto critical = [](void*) {
        note('c');
        block();
        note('w');
    };
    auto normal = [](void*) {
        note('n');
        wake(g_critical);  // switches to the Critical task here
        note('m');
    };
    g_critical = create_task(Priority::Critical, critical, nullptr, 8192, kNoTask, "critical");
    create_task(Priority::Normal, normal, nullptr, 8192);
    run();
    TK_EXPECT(str_equal(g_trace, "cnwm"));
}

TK_TEST(sched, wake_before_block_is_not_lost) {
    start();
    auto task = [](void*) {
        wake(current_task());  // a wake that arrives early...
        block();               // ...makes this return at once
        note('x');
        wake(current_task());
        wake(current_task());  // two wakes leave one permit...
        block();               // ...which this consumes
        note('y');
    };
    TaskId id = create_task(Priority::Normal, task, nullptr, 8192);
    run();
    TK_EXPECT(str_equal(g_trace, "xy"));
    TK_EXPECT(task_state(id) == TaskState::Free);
}

TK_TEST(sched, sleepers_wake_in_deadline_order) {
    start();
    // Deadlines far enough ahead that every task is asleep before the first
    // one is due, even when this machine (or an emulated CPU) is slowed down
    // by other load: 30 ms plus 2 ms apart, in TSC ticks of up to 5 GHz.
    static u64 base;
    base = rdtsc() + 150'000'000;
    auto sleeper = [](void* arg) {
        char c = char(uptr(arg));
        u64 deadline = base + u64(c - 'a') * 10'000'000;
        sleep_until(Ticks{deadline});
        if (rdtsc() < deadline) note('!');  // woke early
        note(c);
    };
    // One priority: sleepers that expire together are still queued in
    // deadline order (with mixed priorities, priority decides among them).
    create_task(Priority::Normal, sleeper, as_arg('c'), 8192);
    create_task(Priority::Normal, sleeper, as_arg('a'), 8192);
    create_task(Priority::Normal, sleeper, as_arg('d'), 8192);
    create_task(Priority::Normal, sleeper, as_arg('b'), 8192);
    run();
    if (!TK_EXPECT(str_equal(g_trace, "abcd"))) log::record("sched-trace", "trace=%s", g_trace);
}

TK_TEST(sched, slots_are_reused_and_limits_hold) {
    start();
    for (int round = 0; round < 3; ++round) {
        u32 made = 0;
        while (create_task(Priority::Normal, note_arg, as_arg('.'), 1024) != kNoTask) ++made;
        TK_EXPECT_EQ(made, kMaxTasks);
        run();
    }
    TK_EXPECT_EQ(g_length, sizeof g_trace - 1);  // the trace filled up
    TK_EXPECT_EQ(create_task(Priority::Normal, note_arg, nullptr, 1u << 30), kNoTask);  // stack too big
    TK_EXPECT_EQ(create_task(Priority::Normal, nullptr, nullptr, 1024), kNoTask);
    TK_EXPECT_EQ(create_task(Priority::Normal, note_arg, nullptr, 1024, 5), kNoTask);  // no core 5
}
