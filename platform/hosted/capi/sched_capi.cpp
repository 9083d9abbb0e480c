// C ABI over the scheduler for Python tests (tests/python/test_sched_*.py).

#include "platform/hosted/capi/tk_capi.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>

#include "kernel/sched/sched_platform.h"
#include "kernel/sched/scheduler.h"
#include "tk/tsc.h"

using namespace tk;
using namespace tk::sched;

namespace {

Config hosted_config(u32 cores) {
    Config c;
    c.cores = cores;
    c.clock = TscClock(1'000'000'000);
    c.return_when_idle = true;
    return c;
}

u32* g_order;
std::atomic<u32> g_order_length;

void record_index(void* arg) { g_order[g_order_length.fetch_add(1)] = u32(uptr(arg)); }

// Ping-pong across two cores through block()/wake(): a lost wake-up leaves
// both tasks blocked forever, which the caller sees as no progress.
struct PingPong {
    u64 rounds;
    TaskId ping, pong;
    std::atomic<u64> progress{0};
};
PingPong* g_pp;

// A few dozen pauses of varying length before block(): shifts ping's block
// across the moment pong's wake lands, so every interleaving gets tried.
void jitter(u64 i) {
    u64 x = (i * 0x9E3779B97F4A7C15ull) >> 58;  // 0..63
    for (u64 k = 0; k < x; ++k) __builtin_ia32_pause();
}

void ping(void*) {
    for (u64 i = 0; i < g_pp->rounds; ++i) {
        wake(g_pp->pong);
        jitter(i);
        block();
        g_pp->progress.fetch_add(1, std::memory_order_relaxed);
    }
    wake(g_pp->pong);  // let pong finish its last block()
}

void pong(void*) {
    for (u64 i = 0; i <= g_pp->rounds; ++i) {
        block();
        if (i < g_pp->rounds) wake(g_pp->ping);
    }
}

}  // namespace

extern "C" {

// Creates one task per priority (0 = Critical .. 4 = Idle) in the given order
// on one core and runs them; out_order receives task indices in run order.
u32 tk_sched_run_order(const u8* priorities, u32 count, u32* out_order) {
    init(hosted_config(1));
    platform::set_current_core(0);
    g_order = out_order;
    g_order_length = 0;
    for (u32 i = 0; i < count; ++i)
        if (create_task(Priority(priorities[i] % kPriorityLevels), record_index,
                        reinterpret_cast<void*>(uptr(i)), 4096) == kNoTask)
            return 0;
    run();
    return g_order_length.load();
}

// Two scheduler threads (cores 0 and 1) ping-pong `rounds` times. Returns
// the rounds completed within `timeout_ms` (== rounds unless a wake-up was
// lost). On a timeout the threads stay blocked; the process should exit.
u64 tk_sched_cross_core_pingpong(u64 rounds, u64 timeout_ms) {
    init(hosted_config(2));
    auto* pp = new PingPong;
    pp->rounds = rounds;
    g_pp = pp;
    pp->pong = create_task(Priority::Normal, pong, nullptr, 16384, 1, "pong");
    pp->ping = create_task(Priority::Normal, ping, nullptr, 16384, 0, "ping");
    std::atomic<int> finished{0};
    auto scheduler = [&](u32 core) {  // one scheduler per pinned thread
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        CPU_SET(core % std::thread::hardware_concurrency(), &cpus);
        pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
        platform::set_current_core(core);
        run();
        finished.fetch_add(1);
    };
    std::thread a(scheduler, 0), b(scheduler, 1);
    u64 last = 0;
    for (u64 waited = 0; finished.load() < 2 && waited < timeout_ms;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        u64 now = pp->progress.load();
        waited = now == last ? waited + 10 : 0;  // the timeout counts time without progress
        last = now;
    }
    if (finished.load() < 2) {
        a.detach();
        b.detach();
        return pp->progress.load();
    }
    a.join();
    b.join();
    return pp->progress.load();
}

}  // extern "C"
