// One trading engine: the order books, order entry (risk gate, OUCH over UDP
// to the gateway) and the pipeline that joins them to the caller's strategy. The
// kernel's mode=trade, the hosted C ABI, the replay tool and the benchmarks
// all set it up through init(), in memory the caller sets aside at start-up
// (memory_bytes() of it); nothing allocates afterwards.
#pragma once

#include "kernel/net/ports.h"
#include "kernel/trade/order_session.h"
#include "kernel/trade/pipeline.h"

namespace tk::trade {

struct EngineConfig {
    u16 feed_port = net::port::kFeed;  // where the MoldUDP64 feed arrives (the caller binds it)
    net::Ipv4Address gateway;
    u16 gateway_port = net::port::kOrderGateway;
    u16 local_port = net::port::kOrderLocal;  // orders go from it, the venue's answers come to it
    u16 gateway_rewinder_port = net::port::kOrderRewinder;
    RewinderAddress rewinder{};  // MoldUDP64 retransmission requests; 0: none sent
    FeedSources feed_sources{};  // who may send the feed, beside the rewinder; none: anyone
    ouch::RiskLimits limits{};
    u64 tsc_hz = 0;  // the clock the risk gate's order rate is measured in; 0: rate unlimited
    // An Enter Order with no answer this long is sent again (order_entry.h,
    // resend_unanswered); needs tsc_hz. 0: never.
    Nanos resend_after{250'000'000};
    book::Capacity capacity = book::kMarketDayCapacity;
    Strategy strategy{};  // the caller's, its state the caller's too; none: books only
};

// The "trade-counters" record: every pipeline counter, every order entry
// counter, then every order session counter (their X-macro lists, in
// order), as one array.
inline constexpr usize kTradeCounters =
    (sizeof(PipelineCounters) + sizeof(OrderEntryCounters) + sizeof(OrderSessionCounters)) / sizeof(u64);
const char* trade_counter_names();

class Engine {
public:
    // Bytes of start-up memory init() needs: the books, for every stock
    // locate the market's state of the symbol and our position in it, and
    // the table of open orders (config.limits.max_open_orders).
    static u64 memory_bytes(const EngineConfig& config);

    // `memory`: memory_bytes(config) bytes, 64-byte aligned.
    void init(net::NetStack* net, const EngineConfig& config, void* memory);
    void on_feed_datagram(const u8* payload, usize length) { pipeline.on_feed_datagram(payload, length); }
    void on_feed_udp(const net::UdpDatagram& datagram) { pipeline.on_feed_udp(datagram); }
    // Binds the feed port and the port of the venue's answers of `stack` to
    // this engine; false (nothing bound) if either is taken. The trading fast
    // path works only for the stack the engine is bound to: what it takes,
    // that stack would have given this engine.
    bool bind_ports(net::NetStack& stack);
    const net::NetStack* feed_stack() const { return feed_stack_; }

    // "@tk trade-counters ...", the order session's counters, each symbol's
    // position and each open order, the books' records
    // (kernel/book/book_records.h) and the changes of book trust kept by the
    // pipeline.
    void log_records() const;
    // "@tk position ..." for each symbol with executions or open orders,
    // "@tk open-order ..." for each of the first kShownOpenOrders open
    // orders, then "@tk orders-summary".
    static constexpr u32 kShownOpenOrders = 1024;
    void log_orders() const;
    // The trade-counters values, in trade_counter_names() order.
    void trade_counters(u64 (&out)[kTradeCounters]) const;

    u16 feed_port = net::port::kFeed;
    book::Books books;
    MarketState market;  // written by the pipeline, read by strategies and order entry
    Orders entry;        // order entry: risk, positions, tokens, the gateway
    Pipeline pipeline;
    OrderSession answers;  // the venue's answers to our orders

private:
    net::NetStack* feed_stack_ = nullptr;
};

}  // namespace tk::trade
