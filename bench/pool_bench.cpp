// tk_bench: benchmarks on the hosted build (release: no TK_DEBUG checks), one
// per process run.
//
//   tk_bench context_switch | boost_switch | futex_switch | timer_lateness |
//            spin_lateness | nanosleep_lateness [--samples FILE]   (bench/sched_bench.cpp)
//   tk_bench pool_alloc_free <size> [--samples FILE]
//   tk_bench malloc_free <size> [--samples FILE]        (glibc, or whatever
//   tk_bench pool_cross_core <size> [--samples FILE]     LD_PRELOAD provides)
//   tk_bench malloc_cross_core <size> [--samples FILE]
//
// Single-thread sample: the mean of 100 back-to-back alloc+free pairs, timed
// with the TSC (one pair is shorter than the timer's own overhead).
// Cross-core sample: a batch of 256 objects allocated on CPU 0, handed through
// a ring to CPU 1 and freed there, timed on CPU 0 from the first allocation
// until CPU 1 has freed the last; the time divided by 256.

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/book_bench.h"
#include "bench/measure.h"
#include "bench/memory_bench.h"
#include "kernel/prof/stats.h"
#include "bench/net_bench.h"
#include "bench/sched_bench.h"
#include "bench/ring_bench.h"
#include "bench/strategy_bench.h"
#include "bench/ttt_bench.h"
#include "kernel/trade/compiled_strategy.h"
#include "kernel/mem/pool.h"
#include "tk/tsc.h"

using namespace tk;
using namespace tk::bench;

namespace {

constexpr int kPairsPerSample = 100;
constexpr int kSingleSamples = 20000;
constexpr int kBatch = 256;
constexpr int kCrossSamples = 4000;

struct Allocator {
    virtual void* alloc(u32 core) = 0;
    virtual void free(u32 core, void* p) = 0;
    virtual ~Allocator() = default;
};

struct PoolAllocator final : Allocator {
    mem::ObjectPool pool;
    void* slab;
    PoolAllocator(u32 size, u32 capacity) {
        slab = std::aligned_alloc(64, (mem::ObjectPool::node_bytes(size, capacity) + 63) / 64 * 64);
        void* slabs[1] = {slab};
        if (!pool.init("bench", size, capacity, mem::uniform_topology(2), slabs)) std::abort();
    }
    ~PoolAllocator() override { std::free(slab); }
    void* alloc(u32 core) override { return pool.alloc(core); }
    void free(u32 core, void* p) override { pool.free(core, p); }
};

struct MallocAllocator final : Allocator {
    size_t size;
    explicit MallocAllocator(size_t s) : size(s) {}
    void* alloc(u32) override { return std::malloc(size); }
    void free(u32, void* p) override { std::free(p); }
};

// Templated on the concrete type so the pool's inline fast path is inlined,
// as it is for kernel code; the malloc calls stay real calls.
template <typename A>
std::vector<double> single_thread(A& a, double ticks_per_ns) {
    pin_to_cpu(0);
    std::vector<double> samples;
    samples.reserve(kSingleSamples);
    for (int warm = 0; warm < 1000; ++warm) a.A::free(0, a.A::alloc(0));
    for (int s = 0; s < kSingleSamples; ++s) {
        u64 t0 = tsc_begin();
        for (int i = 0; i < kPairsPerSample; ++i) {
            void* p = a.A::alloc(0);
            escape(p);
            a.A::free(0, p);
        }
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0) / ticks_per_ns / kPairsPerSample);
    }
    return samples;
}

template <typename A>
std::vector<double> cross_core(A& a, double ticks_per_ns) {
    struct alignas(64) Shared {
        std::atomic<u64> produced{0};
        alignas(64) std::atomic<u64> consumed{0};
        alignas(64) void* ring[kBatch];
    } shared;
    std::atomic<bool> stop{false};
    std::thread consumer([&] {
        pin_to_cpu(1);
        u64 next = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            if (next == shared.produced.load(std::memory_order_acquire)) continue;
            a.A::free(1, shared.ring[next % kBatch]);
            shared.consumed.store(++next, std::memory_order_release);
        }
    });
    pin_to_cpu(0);
    std::vector<double> samples;
    u64 produced = 0;
    for (int s = -100; s < kCrossSamples; ++s) {  // the first 100 batches warm up
        u64 t0 = tsc_begin();
        for (int i = 0; i < kBatch; ++i) {
            void* p = a.A::alloc(0);
            escape(p);
            shared.ring[produced % kBatch] = p;
            shared.produced.store(++produced, std::memory_order_release);
        }
        while (shared.consumed.load(std::memory_order_acquire) != produced) {
        }
        u64 t1 = tsc_end();
        if (s >= 0) samples.push_back(double(t1 - t0) / ticks_per_ns / kBatch);
    }
    stop = true;
    consumer.join();
    return samples;
}

// Which malloc this process runs: jemalloc exports mallctl.
const char* malloc_name() { return dlsym(RTLD_DEFAULT, "mallctl") ? "jemalloc" : "glibc"; }

// The hosted ring figures (bench/ring_bench.h): the mode, the name it
// reports, where the frame is left, whether the device reads the transmit
// ring on its own core, and what the trading core does with the trigger.
struct RingMode {
    const char* mode;
    const char* name;
    Placement placement;
    bool transmit_on_device;
    Body body;
};
constexpr RingMode kRingModes[] = {
    {"ring_tick_to_trade", "tick_to_trade", Placement::Evicted, false, Body::Trade},
    {"ring_tick_to_trade_cross_core", "tick_to_trade_cross_core", Placement::WritersCache, false, Body::Trade},
    {"ring_tick_to_trade_software_device", "tick_to_trade_cross_core_software_device", Placement::WritersCache, true,
     Body::Trade},
    {"ring_echo", "ring_echo", Placement::Evicted, false, Body::Echo},
    {"ring_echo_cross_core", "ring_echo_cross_core", Placement::WritersCache, false, Body::Echo},
};

int usage() {
    std::fprintf(stderr,
                 "usage: tk_bench {pool_alloc_free|malloc_free|pool_cross_core|malloc_cross_core} "
                 "<size> [--samples FILE]\n");
    return 2;
}

}  // namespace

int run_sched_bench(const std::string& which, const std::string& samples_path) {
    double tpn = tsc_ticks_per_ns();
    std::vector<double> samples;
    if (which == "context_switch") {
        samples = context_switch(tpn);
        report("context_switch_batched", "hosted", samples, samples_path, kSwitchesPerSample);
    } else if (which == "boost_switch") {
        samples = boost_context_switch(tpn);
        report("boost_context_switch_batched", "linux", samples, samples_path, kSwitchesPerSample);
    } else if (which == "futex_switch") {
        samples = futex_switch(tpn);
        report("linux_futex_switch_batched", "linux", samples, samples_path, kSwitchesPerSample);
    } else if (which == "timer_lateness") {
        bool realtime = false;
        samples = timer_wakeup_lateness(tpn, &realtime);
        std::printf("@tk bench-note name=timer_wakeup_lateness sched-fifo=%d\n", realtime);
        report("timer_wakeup_lateness", "hosted", samples, samples_path);
    } else if (which == "spin_lateness") {
        bool realtime = false;
        samples = spin_wakeup_lateness(tpn, &realtime);
        std::printf("@tk bench-note name=linux_spin_wakeup_lateness sched-fifo=%d\n", realtime);
        report("linux_spin_wakeup_lateness", "linux", samples, samples_path);
    } else {
        bool realtime = false;
        samples = clock_nanosleep_lateness(&realtime);
        std::printf("@tk bench-note name=linux_clock_nanosleep_lateness sched-fifo=%d\n", realtime);
        report("linux_clock_nanosleep_lateness", "linux", samples, samples_path);
    }
    return 0;
}

// nic_rx_to_app, udp_echo_pps, or their Linux peers (`rx_interface` and
// `feed_interface` set: a veth pair).
int run_net_bench(const std::string& which, const std::string& samples_path, const char* rx_interface = nullptr,
                  const char* feed_interface = nullptr) {
    double tpn = tsc_ticks_per_ns();
    bool linux_peer = rx_interface != nullptr, rx = which.find("rx_to_app") != std::string::npos;
    std::vector<double> samples = linux_peer ? (rx ? linux_packet_ring_rx_to_app(tpn, rx_interface, feed_interface)
                                                   : linux_packet_ring_udp_echo_pps(tpn, rx_interface, feed_interface))
                                             : (rx ? nic_rx_to_app(tpn) : udp_echo_pps(tpn));
    std::string name = which + "_batched";
    if (linux_peer) report_feed(name.c_str(), linux_packet_ring_feed_counts());
    if (samples.empty()) {
        std::fprintf(stderr, "%s: frames were dropped (or no veth pair); no result\n", which.c_str());
        return 1;
    }
    const char* platform = linux_peer ? "linux" : "hosted";
    if (rx) {
        report(name.c_str(), platform, samples, samples_path, kNetBatch);
        return 0;
    }
    // Packets per second: report() says "ns"; print the record by hand.
    Summary s = summarize(samples);
    if (!samples_path.empty()) report_samples(samples, samples_path);
    // For a rate, the low tail is the bad one: "p99" is the 1st percentile.
    std::printf("@tk bench name=%s platform=%s unit=packets/s median=%.0f p99=%.0f max=%.0f samples=%zu "
                "batch=%u\n",
                name.c_str(), platform, s.median, samples[prof::percentile_index(samples.size(), 10)], s.max, s.samples, kNetBatch);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    std::string which = argv[1];
    // TK_BENCH_FIFO=<priority>: the whole run (and the threads it starts,
    // which inherit it) at SCHED_FIFO, as the Linux guest's trading thread.
    if (const char* fifo = std::getenv("TK_BENCH_FIFO")) {
        sched_param param{};
        param.sched_priority = std::atoi(fifo);
        if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) != 0) std::perror("TK_BENCH_FIFO");
    }
    if (which == "mfence_after_store" || which == "locked_or_after_store") {  // [--samples FILE]
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        std::vector<double> samples = store_then_fence(tsc_ticks_per_ns(), which == "locked_or_after_store");
        report(which + "_batched", "linux", samples, path, kFencesPerSample);
        return 0;
    }
    if (which == "memory_line_reload" || which == "cross_core_line_reload") {
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        std::vector<double> samples = which == "memory_line_reload" ? memory_line_reload(tsc_ticks_per_ns())
                                                                    : cross_core_line_reload(tsc_ticks_per_ns());
        if (samples.empty()) return 1;
        report(which.c_str(), "linux", samples, path);
        return 0;
    }
    for (const RingMode& ring : kRingModes) {  // [--samples FILE]
        if (which != ring.mode) continue;
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        std::vector<double> samples =
            ring_tick_to_trade(tsc_ticks_per_ns(), ring.placement, ring.transmit_on_device, ring.body, ring.name);
        if (samples.empty()) {
            std::fprintf(stderr, "%s: no order came out\n", which.c_str());
            return 1;
        }
        report(ring.name, "hosted", samples, path);
        return 0;
    }
    // The mode tick_to_trade (the ring version's name before it was one)
    // reports tick_to_trade_replay.
    if (which == "tick_to_trade" || which == "linux_tick_to_trade") {  // [--samples FILE]
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        bool linux_peer = which == "linux_tick_to_trade";
        std::vector<double> samples =
            linux_peer ? linux_udp_socket_tick_to_trade(tsc_ticks_per_ns()) : tick_to_trade(tsc_ticks_per_ns());
        if (samples.empty()) {
            std::fprintf(stderr, "%s: no order came out\n", which.c_str());
            return 1;
        }
        report(linux_peer ? "linux_udp_socket_tick_to_trade" : "tick_to_trade_replay", linux_peer ? "linux" : "hosted",
               samples, path);
        return 0;
    }
    // ... RX_INTERFACE FEED_INTERFACE [--samples FILE]
    if (which == "linux_packet_ring_tick_to_trade" || which == "linux_packet_ring_tick_to_trade_cross_core" ||
        which == "linux_packet_ring_echo" || which == "linux_packet_ring_echo_cross_core") {
        if (argc < 4) return usage();
        std::string path = argc >= 6 && std::strcmp(argv[4], "--samples") == 0 ? argv[5] : "";
        bool cross_core = which.ends_with("_cross_core");
        Body body = which.starts_with("linux_packet_ring_echo") ? Body::Echo : Body::Trade;
        std::vector<double> samples =
            linux_packet_ring_tick_to_trade(tsc_ticks_per_ns(), cross_core ? Placement::WritersCache : Placement::Evicted,
                                            body, argv[2], argv[3], which.c_str());
        if (samples.empty()) {
            std::fprintf(stderr, "%s: no order came out (root, and a veth pair %s/%s up?)\n", which.c_str(), argv[2],
                         argv[3]);
            return 1;
        }
        report(which.c_str(), "linux", samples, path);
        return 0;
    }
    if (which == "linux_packet_ring_rx_to_app" || which == "linux_packet_ring_udp_echo_pps") {
        if (argc < 4) return usage();  // ... RX_INTERFACE FEED_INTERFACE [--samples FILE]
        std::string path = argc >= 6 && std::strcmp(argv[4], "--samples") == 0 ? argv[5] : "";
        return run_net_bench(which, path, argv[2], argv[3]);
    }
    if (which == "strategy_events") {
        print_strategy_events();
        return 0;
    }
    if (which == "strategy_on_bbo" || which == "cpp_strategy_on_bbo") {  // [--samples FILE]
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        bool cpp = which == "cpp_strategy_on_bbo";
        std::vector<double> samples =
            strategy_on_bbo(tsc_ticks_per_ns(), cpp ? cpp_spread_taker() : tk_py_strategy.strategy);
        report(cpp ? "cpp_strategy_on_bbo_batched" : "strategy_on_bbo_batched", "hosted", samples, path,
               kStrategyBatch);
        return 0;
    }
    if (which == "nic_rx_to_app_each") {  // [--samples FILE]: reports nic_rx_to_app
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        std::vector<double> samples = nic_rx_to_app_each(tsc_ticks_per_ns());
        if (samples.empty()) return 1;
        report("nic_rx_to_app", "hosted", samples, path);
        return 0;
    }
    if (which == "itch_decode_book_one_symbol") {  // [--samples FILE]
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        std::vector<double> samples = itch_decode_book_one_symbol(tsc_ticks_per_ns());
        if (samples.empty()) return 1;
        report(which, "hosted", samples, path);
        return 0;
    }
    if (which == "itch_decode_book") {  // itch_decode_book SESSION [--samples FILE]
        if (argc < 3) return usage();
        std::string path = argc >= 5 && std::strcmp(argv[3], "--samples") == 0 ? argv[4] : "";
        std::vector<double> samples = itch_decode_book(tsc_ticks_per_ns(), argv[2]);
        if (samples.empty()) {
            std::fprintf(stderr, "itch_decode_book: unreadable or inconsistent session %s\n", argv[2]);
            return 1;
        }
        report("itch_decode_book", "hosted", samples, path);
        return 0;
    }
    if (which == "itch_top_of_book") {  // itch_top_of_book DEPTH [--samples FILE]
        if (argc < 3) return usage();
        unsigned depth = unsigned(std::strtoul(argv[2], nullptr, 10));
        std::string path = argc >= 5 && std::strcmp(argv[3], "--samples") == 0 ? argv[4] : "";
        std::vector<double> samples = itch_top_of_book(tsc_ticks_per_ns(), depth);
        if (samples.empty()) {
            std::fprintf(stderr, "itch_top_of_book: the book lost orders\n");
            return 1;
        }
        report("itch_top_of_book_" + std::to_string(depth) + "_levels", "hosted", samples, path);
        return 0;
    }
    if (which == "nic_rx_to_app" || which == "udp_echo_pps") {
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        return run_net_bench(which, path);
    }
    if (which == "context_switch" || which == "boost_switch" || which == "futex_switch" ||
        which == "timer_lateness" || which == "spin_lateness" || which == "nanosleep_lateness") {
        std::string path = argc >= 4 && std::strcmp(argv[2], "--samples") == 0 ? argv[3] : "";
        return run_sched_bench(which, path);
    }
    if (argc < 3) return usage();
    u32 size = u32(std::atoi(argv[2]));
    std::string samples_path = argc >= 5 && std::strcmp(argv[3], "--samples") == 0 ? argv[4] : "";
    double tpn = tsc_ticks_per_ns();
    std::string suffix = "_" + std::to_string(size) + "B";
    std::vector<double> samples;
    std::string name;
    if (which == "pool_alloc_free" || which == "pool_cross_core") {
        PoolAllocator pool(size, 8192);
        bool cross = which == "pool_cross_core";
        samples = cross ? cross_core(pool, tpn) : single_thread(pool, tpn);
        name = "pool_alloc_free" + suffix + (cross ? "_cross_core" : "") + "_batched";
        report(name, "hosted", samples, samples_path, cross ? kBatch : kPairsPerSample);
    } else if (which == "malloc_free" || which == "malloc_cross_core") {
        MallocAllocator m(size);
        bool cross = which == "malloc_cross_core";
        samples = cross ? cross_core(m, tpn) : single_thread(m, tpn);
        name = std::string(malloc_name()) + "_malloc_free" + suffix + (cross ? "_cross_core" : "") + "_batched";
        report(name, "linux", samples, samples_path, cross ? kBatch : kPairsPerSample);
    } else {
        return usage();
    }
    return 0;
}
