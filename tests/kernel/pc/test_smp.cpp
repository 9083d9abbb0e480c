// Several CPUs: tasks on every core, cross-core wake-ups (IPI, or polling on
// an isolated core), and an isolated core that takes no interrupt at all.
// Meaningful in the -smp 4 boot of tests/python/test_smp_boot.py (cmdline
// isolate=3); with one CPU they run on core 0 only and say so in records.

#include "arch/x86_64/interrupts.h"
#include "kernel/log/log.h"
#include "kernel/sched/scheduler.h"
#include "kernel/test/ktest.h"
#include "platform/pc/clock.h"
#include "platform/pc/smp.h"
#include "tk/tsc.h"

using namespace tk;
using namespace tk::sched;

namespace {

u32 start_all_cores() {
    Config c = pc::boot_sched_config();
    c.cores = pc::cpu_count();
    c.return_when_idle = true;
    init(c);
    return c.cores;
}

// Runs core 0's tasks, then waits for every other core's tasks to finish.
bool run_everywhere(u32 cores, u64 timeout_ms = 3000) {
    run();
    u64 end = rdtsc() + pc::tsc_clock().to_ticks(Nanos{timeout_ms * 1'000'000}).value;
    for (u32 c = 1; c < cores; ++c)
        while (core_stats(c).tasks) {
            if (rdtsc() > end) {
                log::record("smp-stuck", "core=%u tasks=%u switches=%lu isolated=%d", c,
                            core_stats(c).tasks, (unsigned long)core_stats(c).switches, core_isolated(c));
                return false;
            }
            __builtin_ia32_pause();
        }
    return true;
}

u32 g_ran_on[8];

void record_core(void* slot) { g_ran_on[uptr(slot)] = arch::cpu_index(); }

u32 first_isolated(u32 cores) {
    for (u32 c = 1; c < cores; ++c)
        if (core_isolated(c)) return c;
    return 0;
}

TaskId g_sleeper;
volatile bool g_woken;
volatile u32 g_woken_on;

}  // namespace

TK_PC_TEST(smp, every_core_runs_its_own_tasks) {
    u32 cores = start_all_cores();
    for (u32 c = 0; c < cores; ++c) {
        g_ran_on[c] = ~0u;
        TK_EXPECT(create_task(Priority::Normal, record_core, reinterpret_cast<void*>(uptr(c)), 8192, c) != kNoTask);
    }
    TK_EXPECT(run_everywhere(cores));
    u32 right = 0;
    for (u32 c = 0; c < cores; ++c) right += g_ran_on[c] == c;
    TK_EXPECT_EQ(right, cores);
    log::record("smp-check", "test=every-core cores=%u right=%u", cores, right);
}

TK_PC_TEST(smp, cross_core_wakeup) {
    u32 cores = start_all_cores();
    // Wake a task on every other core in turn: an IPI for ordinary cores, the
    // inbox poll for isolated ones.
    for (u32 target = 0; target < cores; ++target) {
        g_woken = false;
        u64 ipis_before = arch::interrupt_count(target, arch::kWakeVector);
        auto sleeper = [](void*) {
            block();
            g_woken_on = arch::cpu_index();
            g_woken = true;
        };
        auto waker = [](void*) {
            while (task_state(g_sleeper) != TaskState::Blocked) yield();
            wake(g_sleeper);
        };
        g_sleeper = create_task(Priority::High, sleeper, nullptr, 8192, target);
        create_task(Priority::Normal, waker, nullptr, 8192, 0);
        TK_EXPECT(run_everywhere(cores));
        TK_EXPECT(g_woken);
        TK_EXPECT_EQ(g_woken_on, target);
        u64 ipis = arch::interrupt_count(target, arch::kWakeVector) - ipis_before;
        if (target != 0 && core_isolated(target)) TK_EXPECT_EQ(ipis, 0);
        if (target != 0 && !core_isolated(target)) TK_EXPECT(ipis >= 1);
        log::record("smp-check", "test=cross-core-wake target=%u woken=%d ipis=%lu isolated=%d", target,
                    g_woken, (unsigned long)ipis, core_isolated(target));
    }
}

namespace {
volatile u64 g_isolated_delta;
volatile bool g_isolated_done;
volatile bool g_noise_done;
constexpr u32 kNoiseTimerInterrupts = 20;
}

TK_PC_TEST(smp, isolated_core_takes_no_interrupts) {
    u32 cores = start_all_cores();
    u32 iso = first_isolated(cores);
    if (iso == 0) {
        log::record("smp-check", "test=isolation skipped=1 reason=no-isolated-core");
        TK_EXPECT(cores == 1 || pc::boot_sched_config().isolated == 0);
        return;
    }
    g_isolated_done = false;
    g_noise_done = false;
    // The window is "while core 0 takes 20 timer interrupts", not a fixed
    // time, so a slowed-down host cannot shrink it.
    auto pinned = [](void* core) {
        u32 c = u32(uptr(core));
        u64 before = arch::interrupt_total(c);
        u64 give_up = rdtsc() + pc::tsc_clock().to_ticks(Nanos{10'000'000'000}).value;
        while (!g_noise_done && rdtsc() < give_up) {
        }
        g_isolated_delta = arch::interrupt_total(c) - before;
        g_isolated_done = true;
    };
    // Sleeps until core 0 has taken the interrupts itself: a sleep whose
    // deadline has passed by the time it is armed (a busy host) takes none.
    auto noisy = [](void*) {
        u64 start = arch::interrupt_count(0, arch::kTimerVector);
        while (arch::interrupt_count(0, arch::kTimerVector) - start < kNoiseTimerInterrupts) sleep_for(Nanos{1'000'000});
        g_noise_done = true;
    };
    u64 timer_before = arch::interrupt_count(0, arch::kTimerVector);
    create_task(Priority::Critical, pinned, reinterpret_cast<void*>(uptr(iso)), 8192, iso);
    create_task(Priority::Normal, noisy, nullptr, 8192, 0);
    TK_EXPECT(run_everywhere(cores));
    u64 core0_timers = arch::interrupt_count(0, arch::kTimerVector) - timer_before;
    TK_EXPECT(g_isolated_done && g_noise_done);
    TK_EXPECT_EQ(g_isolated_delta, 0);
    TK_EXPECT(core0_timers >= kNoiseTimerInterrupts);
    log::record("smp-check", "test=isolation skipped=0 core=%u interrupts=%lu core0-timer-interrupts=%lu",
                iso, (unsigned long)g_isolated_delta, (unsigned long)core0_timers);
}
