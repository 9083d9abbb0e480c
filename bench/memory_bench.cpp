// memory_line_reload: one load of a cache line that was just written and then
// flushed from every cache level (CLFLUSH), timed alone: what the device
// model (bench/virtio_net_device.cpp) leaves each frame and its used-ring
// entry as, so what the hosted tick_to_trade pays at least once a frame
// before any of its own work. A property of this machine, kept beside the
// figures it bounds (docs/performance.md); nothing of TradeKernel's runs in it.
//
// The lines are spread over 512 KiB, the size of the receive buffers, one
// sample per line in a scrambled order so that no stride prefetcher guesses
// the next.

#include "bench/memory_bench.h"

#include <cstdlib>

#include "tk/tsc.h"
#include "tk/types.h"

namespace tk::bench {

std::vector<double> memory_line_reload(double ticks_per_ns) {
    constexpr usize kBytes = 512 * 1024, kLines = kBytes / 64;
    constexpr u32 kSamples = 20000;
    auto* memory = static_cast<volatile u8*>(std::aligned_alloc(4096, kBytes));
    if (!memory) return {};
    for (usize i = 0; i < kBytes; i += 64) memory[i] = 0;
    std::vector<double> samples;
    samples.reserve(kSamples);
    u64 line = 0;
    for (u32 s = 0; s < kSamples; ++s) {
        line = (line * 2654435761u + 12345) % kLines;
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

}  // namespace tk::bench
