// Tick to trade, in software: a MoldUDP64 datagram of ITCH 5.0 messages in,
// order books updated, the strategy told of best-bid-and-offer changes, its
// orders checked by the risk gate and sent as OUCH 4.2 over UDP.
#pragma once

#include "kernel/book/order_book.h"
#include "kernel/feed/moldudp64.h"
#include "kernel/net/stack.h"
#include "kernel/trade/ouch.h"
#include "kernel/trade/strategy.h"

namespace tk::trade {

struct Orders {
    net::NetStack* net;
    net::Ipv4Address gateway;
    u16 gateway_port, local_port;
    ouch::RiskGate risk;
    u64 next_token;
    u64 sent;
    i64 position[1 << 14];  // per locate, assuming every order fills
};

struct PipelineCounters {
    u64 messages, rejected_messages, bbo_changes;
};

class Pipeline {
public:
    void init(book::Books* books, Strategy strategy, Orders* orders);

    // One MoldUDP64 packet (a UDP payload).
    void on_feed_datagram(const u8* payload, usize length);

    mold::Receiver& receiver() { return receiver_; }
    const PipelineCounters& counters() const { return counters_; }

private:
    static void on_message(void* self, u64 sequence, const u8* message, u16 length);
    static void on_request(void* self, const char* session, u64 sequence, u16 count);

    book::Books* books_ = nullptr;
    Strategy strategy_{};
    Orders* orders_ = nullptr;
    mold::Receiver receiver_;
    Bbo last_[1 << 14] = {};
    PipelineCounters counters_{};
};

}  // namespace tk::trade
