// Network benchmarks (bench/net_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

// Frames put in the ring per sample; a sample is their mean (or their rate).
inline constexpr unsigned kNetBatch = 64;

std::vector<double> nic_rx_to_app(double ticks_per_ns);
std::vector<double> udp_echo_pps(double ticks_per_ns);

}  // namespace tk::bench
