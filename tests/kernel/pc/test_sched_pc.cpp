// The scheduler on bare metal: the tickless timer and preemption by a timer
// wake-up (what the hosted build cannot show: it has no interrupts).

#include "arch/x86_64/interrupts.h"
#include "kernel/sched/scheduler.h"
#include "kernel/test/ktest.h"
#include "platform/pc/clock.h"
#include "tk/tsc.h"

using namespace tk;
using namespace tk::sched;

namespace {

void start_one_core() {
    Config c;
    c.cores = 1;
    c.clock = pc::tsc_clock();
    c.return_when_idle = true;
    init(c);
}

volatile bool g_flag;
volatile bool g_gave_up;
u64 g_woke_at, g_deadline;

}  // namespace

TK_PC_TEST(sched_pc, no_timer_interrupt_while_nobody_sleeps) {
    start_one_core();
    u64 before = arch::interrupt_count(0, arch::kTimerVector);
    auto busy = [](void*) {
        u64 end = rdtsc() + pc::tsc_clock().ns_to_ticks(20'000'000);  // 20 ms, interrupts on
        while (rdtsc() < end) {
        }
    };
    create_task(Priority::Normal, busy, nullptr, 8192);
    run();
    TK_EXPECT_EQ(arch::interrupt_count(0, arch::kTimerVector), before);
    auto sleeper = [](void*) { sleep_for(2'000'000); };
    create_task(Priority::Normal, sleeper, nullptr, 8192);
    run();
    u64 fired = arch::interrupt_count(0, arch::kTimerVector) - before;
    TK_EXPECT(fired >= 1 && fired <= 3);  // one, plus early one-shot re-arms at most
}

TK_PC_TEST(sched_pc, timer_wakeup_preempts_a_busy_lower_task) {
    start_one_core();
    g_flag = false;
    g_gave_up = false;
    auto low = [](void*) {
        u64 give_up = rdtsc() + pc::tsc_clock().ns_to_ticks(2'000'000'000);
        while (!g_flag) {  // never yields: only preemption lets Critical run
            if (rdtsc() > give_up) {
                g_gave_up = true;
                return;
            }
        }
    };
    auto critical = [](void*) {
        g_deadline = rdtsc() + pc::tsc_clock().ns_to_ticks(1'000'000);
        sleep_until(g_deadline);
        g_woke_at = rdtsc();
        g_flag = true;
    };
    create_task(Priority::Critical, critical, nullptr, 8192);
    create_task(Priority::Low, low, nullptr, 8192);
    run();
    TK_EXPECT(!g_gave_up);
    TK_EXPECT(g_flag);
    TK_EXPECT(g_woke_at >= g_deadline);
}
