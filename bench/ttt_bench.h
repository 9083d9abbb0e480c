// Tick-to-trade benchmarks (bench/ttt_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> tick_to_trade(double ticks_per_ns);
std::vector<double> linux_udp_socket_tick_to_trade(double ticks_per_ns);

}  // namespace tk::bench
