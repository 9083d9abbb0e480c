// Tick to trade from a device model's receive ring to the transmit doorbell
// (bench/ring_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> ring_tick_to_trade(double ticks_per_ns);
// The same market and span through Linux: a veth pair, a packet socket's
// mapped receive ring on `rx_interface`, frames sent in on `feed_interface`.
std::vector<double> linux_packet_ring_tick_to_trade(double ticks_per_ns, const char* rx_interface,
                                                    const char* feed_interface);

}  // namespace tk::bench
