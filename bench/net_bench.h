// Network benchmarks (bench/net_bench.cpp).
#pragma once

#include <vector>

#include "bench/veth_feed.h"

namespace tk::bench {

// Frames put in the ring per sample; a sample is their mean (or their rate).
inline constexpr unsigned kNetBatch = 64;

std::vector<double> nic_rx_to_app(double ticks_per_ns);
std::vector<double> udp_echo_pps(double ticks_per_ns);
// nic_rx_to_app with each frame timed alone: the pc-icount loop
// (bench/rx_to_app_loop.h), for the RT guest beside it.
std::vector<double> nic_rx_to_app_each(double ticks_per_ns);
// Their peers through Linux: a veth pair, frames sent in on `feed_interface`
// and taken from a packet socket's mapped ring on `rx_interface`.
std::vector<double> linux_packet_ring_rx_to_app(double ticks_per_ns, const char* rx_interface,
                                                const char* feed_interface);
std::vector<double> linux_packet_ring_udp_echo_pps(double ticks_per_ns, const char* rx_interface,
                                                   const char* feed_interface);
// What their feed sent, and how much landed after send() (veth_feed.h).
const FeedCounts& linux_packet_ring_feed_counts();

}  // namespace tk::bench
