// Scheduler benchmarks on the hosted build, each beside its Linux peer.
//
// context_switch_batched: two tasks on one core yield to each other; a
//   sample is the mean of 100 switches (50 yields of each task), timed with
//   the TSC.
// boost_context_switch_batched: the like-for-like peer, two Boost.Context
//   continuations on one core resuming each other (a user-level switch, no
//   scheduler); a sample is the mean of 100 switches.
// linux_futex_switch_batched: two threads pinned to CPU 0 hand a token back
//   and forth through futexes; a sample is the mean of 100 hand-offs (each
//   one a switch).
// timer_wakeup_lateness: a Critical task sleeps until a deadline 20-100 us
//   ahead, the idle core busy-polling (the isolated-core policy); a sample is
//   how late the task ran. The thread runs SCHED_FIFO 99 when permitted, as
//   its two peers do.
// linux_spin_wakeup_lateness: the like-for-like peer, a thread pinned to the
//   same CPU (SCHED_FIFO 99 when permitted) spinning on the TSC until each of
//   the same deadlines; a sample is how late it saw it.
// linux_clock_nanosleep_lateness: the same with clock_nanosleep(TIMER_ABSTIME)
//   on CLOCK_MONOTONIC, SCHED_FIFO 99 when permitted (as cyclictest runs).

#include "bench/sched_bench.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <boost/context/continuation.hpp>
#include <thread>
#include <vector>

#include "bench/measure.h"
#include "kernel/sched/sched_platform.h"
#include "kernel/sched/scheduler.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

constexpr int kSwitchSamples = 20000;  // 2,000,000 switches
constexpr int kFutexSamples = 2000;
constexpr int kTimerSamples = 10000;

struct SwitchRun {
    double ticks_per_ns;
    std::vector<double> samples;
};

void context_switch_task(void* arg) {
    auto* run = static_cast<SwitchRun*>(arg);
    for (int s = -100; s < kSwitchSamples; ++s) {  // 100 samples of warm-up
        u64 t0 = tsc_begin();
        for (int i = 0; i < kSwitchesPerSample / 2; ++i) sched::yield();
        u64 t1 = tsc_end();
        if (s >= 0) run->samples.push_back(double(t1 - t0) / run->ticks_per_ns / kSwitchesPerSample);
    }
}

void partner_task(void*) {
    for (int i = 0; i < (kSwitchSamples + 100) * kSwitchesPerSample / 2 + 1; ++i) sched::yield();
}

long futex(std::atomic<u32>* word, int op, u32 value) {
    return syscall(SYS_futex, reinterpret_cast<u32*>(word), op, value, nullptr, nullptr, 0);
}

struct TimerRun {
    double ticks_per_ns;
    std::vector<double> samples;
};

void timer_task(void* arg) {
    auto* run = static_cast<TimerRun*>(arg);
    u64 seed = 88172645463325252ull;
    for (int s = -100; s < kTimerSamples; ++s) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;  // xorshift64
        u64 delay_ns = 20'000 + seed % 80'000;
        u64 deadline = rdtsc() + u64(double(delay_ns) * run->ticks_per_ns);
        sched::sleep_until(Ticks{deadline});
        u64 now = tsc_end();
        if (s >= 0) run->samples.push_back(double(now - deadline) / run->ticks_per_ns);
    }
}

double monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

sched::Config one_core(double ticks_per_ns) {
    sched::Config c;
    c.cores = 1;
    c.clock = TscClock(u64(ticks_per_ns * 1e9));
    c.return_when_idle = true;
    return c;
}

}  // namespace

std::vector<double> context_switch(double ticks_per_ns) {
    pin_to_cpu(0);
    SwitchRun run{ticks_per_ns, {}};
    run.samples.reserve(kSwitchSamples);
    sched::init(one_core(ticks_per_ns));
    sched::create_task(sched::Priority::Normal, context_switch_task, &run, 16384);
    sched::create_task(sched::Priority::Normal, partner_task, nullptr, 16384);
    sched::run();
    return run.samples;
}

std::vector<double> boost_context_switch(double ticks_per_ns) {
    namespace context = boost::context;
    pin_to_cpu(0);
    // Each resume is two switches: into the partner, and back when it resumes
    // us. The partner returns at the end (the benchmark is built without
    // exceptions, which Boost needs to unwind a continuation destroyed mid-way).
    bool done = false;
    context::continuation partner = context::callcc([&done](context::continuation&& back) {
        while (!done) back = back.resume();
        return std::move(back);
    });
    std::vector<double> samples;
    samples.reserve(kSwitchSamples);
    for (int s = -100; s < kSwitchSamples; ++s) {
        u64 t0 = tsc_begin();
        for (int i = 0; i < kSwitchesPerSample / 2; ++i) partner = partner.resume();
        u64 t1 = tsc_end();
        if (s >= 0) samples.push_back(double(t1 - t0) / ticks_per_ns / kSwitchesPerSample);
    }
    done = true;
    partner = partner.resume();  // it returns
    return samples;
}

std::vector<double> futex_switch(double ticks_per_ns) {
    // turn: 0 = main thread's turn, 1 = partner's. Each hand-off wakes the
    // other thread and sleeps in the kernel: one switch on the shared CPU.
    std::atomic<u32> turn{0};
    constexpr int kHandoffs = (kFutexSamples + 20) * kSwitchesPerSample;
    std::thread partner([&] {
        pin_to_cpu(0);
        for (int i = 0; i < kHandoffs / 2; ++i) {
            while (turn.load(std::memory_order_acquire) != 1) futex(&turn, FUTEX_WAIT_PRIVATE, 0);
            turn.store(0, std::memory_order_release);
            futex(&turn, FUTEX_WAKE_PRIVATE, 1);
        }
    });
    pin_to_cpu(0);
    std::vector<double> samples;
    for (int s = -20; s < kFutexSamples; ++s) {
        u64 t0 = tsc_begin();
        for (int i = 0; i < kSwitchesPerSample / 2; ++i) {
            turn.store(1, std::memory_order_release);
            futex(&turn, FUTEX_WAKE_PRIVATE, 1);
            while (turn.load(std::memory_order_acquire) != 0) futex(&turn, FUTEX_WAIT_PRIVATE, 1);
        }
        u64 t1 = tsc_end();
        if (s >= 0) samples.push_back(double(t1 - t0) / ticks_per_ns / kSwitchesPerSample);
    }
    partner.join();
    return samples;
}

std::vector<double> timer_wakeup_lateness(double ticks_per_ns, bool* realtime) {
    pin_to_cpu(1);
    // The same Linux scheduling as its peers, so that Linux preempts neither more.
    sched_param param{};
    param.sched_priority = 99;
    *realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    TimerRun run{ticks_per_ns, {}};
    run.samples.reserve(kTimerSamples);
    sched::init(one_core(ticks_per_ns));
    sched::create_task(sched::Priority::Critical, timer_task, &run, 16384);
    sched::run();
    param.sched_priority = 0;
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
    return run.samples;
}

std::vector<double> spin_wakeup_lateness(double ticks_per_ns, bool* realtime) {
    pin_to_cpu(1);
    sched_param param{};
    param.sched_priority = 99;
    *realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    std::vector<double> samples;
    samples.reserve(kTimerSamples);
    u64 seed = 88172645463325252ull;
    for (int s = -100; s < kTimerSamples; ++s) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;  // the same deadlines as timer_task
        u64 delay_ns = 20'000 + seed % 80'000;
        u64 deadline = rdtsc() + u64(double(delay_ns) * ticks_per_ns);
        while (rdtsc() < deadline) __builtin_ia32_pause();
        u64 now = tsc_end();
        if (s >= 0) samples.push_back(double(now - deadline) / ticks_per_ns);
    }
    param.sched_priority = 0;
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
    return samples;
}

std::vector<double> clock_nanosleep_lateness(bool* realtime) {
    pin_to_cpu(1);
    sched_param param{};
    param.sched_priority = 99;
    *realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    std::vector<double> samples;
    u64 seed = 88172645463325252ull;
    for (int s = -100; s < kTimerSamples; ++s) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        double deadline = monotonic_ns() + 20'000 + double(seed % 80'000);
        timespec ts{time_t(deadline / 1e9), long(deadline - double(time_t(deadline / 1e9)) * 1e9)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
        }
        double late = monotonic_ns() - deadline;
        if (s >= 0) samples.push_back(late);
    }
    param.sched_priority = 0;
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
    return samples;
}

}  // namespace tk::bench
