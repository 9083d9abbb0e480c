// Tick to trade from a device model's receive ring to the transmit doorbell
// (bench/ring_bench.cpp).
#pragma once

#include <vector>

#include "bench/virtio_net_device.h"

namespace tk::bench {

// What the trading core does with the trigger: Trade, the fast path to
// the order (tick_to_trade); Echo, the frame's bytes read and an order-sized
// frame sent, no trading work (the _echo figures: the span's floor).
enum class Body : u8 { Trade, Echo };

// Placement::Evicted: the device's writes on the trading core, the frame
// flushed to memory (tick_to_trade). Placement::WritersCache: the device on
// the other CPU, the frame in its cache (tick_to_trade_cross_core), and
// with `transmit_on_device` its reads of the transmit ring there too
// (tick_to_trade_cross_core_software_device). `name`: the figure's, for
// its notes.
std::vector<double> ring_tick_to_trade(double ticks_per_ns, Placement placement, bool transmit_on_device,
                                       Body body, const char* name);
// The same market and span through Linux: a veth pair, a packet socket's
// mapped receive ring on `rx_interface`, frames sent in on `feed_interface`
// (from the other CPU with Placement::WritersCache).
std::vector<double> linux_packet_ring_tick_to_trade(double ticks_per_ns, Placement placement, Body body,
                                                    const char* rx_interface, const char* feed_interface,
                                                    const char* name);

}  // namespace tk::bench
