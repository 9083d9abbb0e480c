// What the ring-to-ring tick_to_trade pays at least once a frame, measured on
// its own (bench/memory_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> memory_line_reload(double ticks_per_ns);
// The same load of a line the other CPU has just written
// (tick_to_trade_cross_core's floor).
std::vector<double> cross_core_line_reload(double ticks_per_ns);
// A store and a full barrier after it: MFENCE, or a locked or of the stack's
// top word with 0 (`locked_or`); a mean of kFencesPerSample a sample.
inline constexpr unsigned kFencesPerSample = 1000;
std::vector<double> store_then_fence(double ticks_per_ns, bool locked_or);

}  // namespace tk::bench
