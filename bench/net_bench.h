// Network benchmarks (bench/net_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> nic_rx_to_app(double ticks_per_ns);
std::vector<double> udp_echo_pps(double ticks_per_ns);

}  // namespace tk::bench
