// What the ring-to-ring tick_to_trade pays at least once a frame, measured on
// its own (bench/memory_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> memory_line_reload(double ticks_per_ns);
// The same load of a line the other CPU has just written
// (tick_to_trade_cross_core's floor).
std::vector<double> cross_core_line_reload(double ticks_per_ns);

}  // namespace tk::bench
