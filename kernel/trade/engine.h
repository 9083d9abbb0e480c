// One trading engine: the order books with their storage, order entry (risk
// gate, OUCH over UDP to the gateway), the sample strategy and the pipeline
// that joins them. The kernel's mode=trade, the hosted C ABI and the
// tick-to-trade benchmark all set it up through init(); nothing allocates.
#pragma once

#include "kernel/trade/pipeline.h"

namespace tk::trade {

struct EngineConfig {
    net::Ipv4Address gateway;
    u16 gateway_port = 15000;
    u16 local_port = 15001;
    RewinderAddress rewinder{};  // MoldUDP64 retransmission requests; 0: none sent
    ouch::RiskLimits limits{1000, 100'000, 100};
    u32 max_spread = 100;  // the sample strategy's trigger, Price(4) units
    u32 shares = 100;      // and its order size
};

class Engine {
public:
    // A power of two. 16,384 slots (384 KiB) stay in this machine's L2; with
    // 65,536 the tick_to_trade median went from 140 to 260-340 ns. A day with
    // more resting orders per engine needs a bigger table (table_full counts).
    static constexpr u32 kOrders = 1 << 14;
    static constexpr u32 kBooks = 64;

    void init(net::NetStack* net, const EngineConfig& config);
    void on_feed_datagram(const u8* payload, usize length) { pipeline.on_feed_datagram(payload, length); }

    book::Books books;
    Orders entry;
    SpreadTakerState strategy;
    Pipeline pipeline;

private:
    book::Order orders_[kOrders];
    book::Books::Book storage_[kBooks];
};

}  // namespace tk::trade
