// What the ring-to-ring tick_to_trade pays at least once a frame, measured on
// its own (bench/memory_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> memory_line_reload(double ticks_per_ns);

}  // namespace tk::bench
