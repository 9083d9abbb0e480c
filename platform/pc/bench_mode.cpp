#include "platform/pc/bench_mode.h"

#include "kernel/prof/stats.h"
#include "kernel/sched/scheduler.h"
#include "platform/pc/clock.h"
#include "tk/tsc.h"

namespace tk::pc {
namespace {

constexpr usize kSamples = 2000;
constexpr u32 kSwitchesPerSample = 100;
u64 g_samples[kSamples];

void start_scheduler() {
    sched::Config c;
    c.cores = 1;
    c.clock = tsc_clock();
    c.return_when_idle = true;
    sched::init(c);
}

// Two tasks yield to each other; a sample is the mean over 100 switches.
void switching_task(void*) {
    for (usize s = 0; s < kSamples; ++s) {
        u64 t0 = tsc_begin();
        for (u32 i = 0; i < kSwitchesPerSample / 2; ++i) sched::yield();
        g_samples[s] = (tsc_end() - t0) / kSwitchesPerSample;
    }
}

void partner_task(void*) {
    for (u32 i = 0; i < kSamples * kSwitchesPerSample / 2 + 1; ++i) sched::yield();
}

// From the sleeper's deadline to the sleeper running again: the timer
// interrupt, the handler, waking it and switching to it.
void sleeping_task(void*) {
    for (usize s = 0; s < kSamples; ++s) {
        u64 deadline = rdtsc() + tsc_clock().ns_to_ticks(50'000);
        sched::sleep_until(deadline);
        g_samples[s] = tsc_end() - deadline;
    }
}

}  // namespace

void run_benchmarks() {
    start_scheduler();
    sched::create_task(sched::Priority::Normal, switching_task, nullptr, 16384);
    sched::create_task(sched::Priority::Normal, partner_task, nullptr, 16384);
    sched::run();
    prof::report("context_switch", "pc-icount", "instructions", prof::summarize(g_samples, kSamples));

    start_scheduler();
    sched::create_task(sched::Priority::Critical, sleeping_task, nullptr, 16384);
    sched::run();
    prof::report("timer_wakeup_lateness", "pc-icount", "instructions",
                 prof::summarize(g_samples, kSamples));
}

}  // namespace tk::pc
