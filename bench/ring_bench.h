// Tick to trade from a device model's receive ring to the transmit doorbell
// (bench/ring_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> ring_tick_to_trade(double ticks_per_ns);

}  // namespace tk::bench
