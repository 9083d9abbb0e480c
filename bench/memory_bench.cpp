// memory_line_reload: one load of a cache line that was just written and then
// flushed from every cache level (CLFLUSH), timed alone: what the device
// model (bench/virtio_net_device.cpp) leaves each frame and its used-ring
// entry as, so what the hosted tick_to_trade pays at least once a frame
// before any of its own work. A property of this machine, kept beside the
// figures it bounds (docs/performance.md); nothing of TradeKernel's runs in it.
//
// cross_core_line_reload: one load of a cache line that the other CPU has
// just written, timed alone: what tick_to_trade_cross_core pays at least
// once a frame, its device writing on that CPU.
//
// mfence_after_store_batched, locked_or_after_store_batched: a store, then
// the full barrier that keeps a later load from passing it, as virtio's
// notification check needs (drivers/virtqueue.h notify): MFENCE, or the
// driver's store_load_fence (tk/barrier.h). Batched: one
// sample is kFencesPerSample of them, the figure their mean.
//
// The lines are spread over 512 KiB, the size of the receive buffers, one
// sample per line in a scrambled order so that no stride prefetcher guesses
// the next.

#include "bench/memory_bench.h"

#include <atomic>
#include <cstdlib>
#include <thread>

#include "bench/measure.h"
#include "tk/barrier.h"
#include "tk/tsc.h"
#include "tk/types.h"

namespace tk::bench {
namespace {

constexpr usize kBytes = 512 * 1024, kLines = kBytes / 64;
constexpr u32 kSamples = 20000;

u64 next_line(u64 line) { return (line * 2654435761u + 12345) % kLines; }

}  // namespace

std::vector<double> memory_line_reload(double ticks_per_ns) {
    auto* memory = static_cast<volatile u8*>(std::aligned_alloc(4096, kBytes));
    if (!memory) return {};
    for (usize i = 0; i < kBytes; i += 64) memory[i] = 0;
    std::vector<double> samples;
    samples.reserve(kSamples);
    u64 line = 0;
    for (u32 s = 0; s < kSamples; ++s) {
        line = next_line(line);
        volatile u8* p = memory + line * 64;
        *p = u8(s);  // dirty, as the device's write leaves it
        __builtin_ia32_clflush(const_cast<const u8*>(p));
        __builtin_ia32_mfence();
        u64 t0 = tsc_begin();
        (void)*p;
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0) / ticks_per_ns);
    }
    std::free(const_cast<u8*>(memory));
    return samples;
}

std::vector<double> cross_core_line_reload(double ticks_per_ns) {
    auto* memory = static_cast<volatile u8*>(std::aligned_alloc(4096, kBytes));
    if (!memory) return {};
    for (usize i = 0; i < kBytes; i += 64) memory[i] = 0;
    // The writer dirties the line it is asked for, then says so; the
    // flags' own lines move between the CPUs outside the timed load.
    constexpr u64 kStop = ~u64(0);
    alignas(64) static std::atomic<u64> asked{0}, done{0};
    static std::atomic<int> writer_pinned{0};  // 1: on CPU 1; 2: could not be
    static volatile u8* target = nullptr;
    asked = done = 0;
    writer_pinned = 0;
    std::thread writer([] {
        writer_pinned.store(pin_to_cpu(1) ? 1 : 2);
        for (u64 served = 0;;) {
            u64 a = asked.load(std::memory_order_acquire);
            if (a == kStop) return;
            if (a == served) {
                __builtin_ia32_pause();
                continue;
            }
            *target = u8(a);
            done.store(a, std::memory_order_release);
            served = a;
        }
    });
    bool pinned = pin_to_cpu(0);
    while (!writer_pinned.load()) __builtin_ia32_pause();
    std::vector<double> samples;
    if (pinned && writer_pinned.load() == 1) {
        samples.reserve(kSamples);
        u64 line = 0;
        for (u32 s = 1; s <= kSamples; ++s) {
            line = next_line(line);
            target = memory + line * 64;
            asked.store(s, std::memory_order_release);
            while (done.load(std::memory_order_acquire) != s) __builtin_ia32_pause();
            u64 t0 = tsc_begin();
            (void)*target;
            u64 t1 = tsc_end();
            samples.push_back(double(t1 - t0) / ticks_per_ns);
        }
    }
    asked.store(kStop, std::memory_order_release);
    writer.join();
    std::free(const_cast<u8*>(memory));
    return samples;  // empty: the two threads are not on two CPUs
}

std::vector<double> store_then_fence(double ticks_per_ns, bool locked_or) {
    static volatile u64 line[8];
    std::vector<double> samples;
    samples.reserve(kSamples);
    for (u32 s = 0; s < kSamples; ++s) {
        u64 t0 = tsc_begin();
        for (u32 i = 0; i < kFencesPerSample; ++i) {
            line[i & 7] = i;
            if (locked_or)
                store_load_fence();  // the driver's own (tk/barrier.h)
            else
                asm volatile("mfence" ::: "memory");
        }
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0) / ticks_per_ns / kFencesPerSample);
    }
    return samples;
}

}  // namespace tk::bench
