// The venue's answers to our orders, as a sequenced stream. OUCH 4.2
// outbound messages normally ride SoupBinTCP, which numbers them and replays
// what a client missed. Over UDP they come here in MoldUDP64 packets
// (kernel/feed/moldudp64.h) of the venue's order session, numbered from 1:
// a duplicate is dropped, a gap is asked for again from the gateway's
// rewinder port, and every answer is applied once, in the venue's order
// (apply_response). Heartbeats reveal a lost tail. Only the gateway's
// address is listened to: anyone else's datagrams are counted and dropped.
#pragma once

#include "kernel/feed/moldudp64.h"
#include "kernel/net/stack.h"
#include "kernel/trade/order_entry.h"

namespace tk::trade {

// One list, so the struct, the kernel's record and the host's names agree:
//   answers            outbound messages delivered in sequence
//   malformed_answers  of them, an unknown type or a wrong length: skipped
//   foreign_answers    datagrams from anyone but the gateway: dropped
//   answer_requests_sent/unsent  retransmission requests to the gateway's rewinder
#define TK_ORDER_SESSION_COUNTERS(X) \
    X(answers) X(malformed_answers) X(foreign_answers) X(answer_requests_sent) X(answer_requests_unsent)

struct OrderSessionCounters {
#define TK_ORDER_SESSION_COUNTER_FIELD(name) u64 name;
    TK_ORDER_SESSION_COUNTERS(TK_ORDER_SESSION_COUNTER_FIELD)
#undef TK_ORDER_SESSION_COUNTER_FIELD
};
const char* order_session_counter_names();

class OrderSession {
public:
    // Answers come from `gateway`; requests go to its `rewinder_port`, from
    // `local_port` (where the answers arrive).
    void init(Orders* orders, net::NetStack* net, net::Ipv4Address gateway, u16 rewinder_port, u16 local_port);
    void on_udp(const net::UdpDatagram& d) {
        if (d.source != gateway_) {
            ++counters_.foreign_answers;
            return;
        }
        receiver_.receive(d.payload.data, d.payload.length);
    }
    mold::Receiver& receiver() { return receiver_; }
    const mold::Receiver& receiver() const { return receiver_; }
    const OrderSessionCounters& counters() const { return counters_; }

private:
    static void on_message(void* self, Sequence sequence, const u8* message, u16 length);
    static void on_request(void* self, const char* session, Sequence first, u16 count);

    Orders* orders_ = nullptr;
    net::NetStack* net_ = nullptr;
    net::Ipv4Address gateway_ = 0;
    u16 rewinder_port_ = 0, local_port_ = 0;
    OrderSessionCounters counters_{};
    mold::Receiver receiver_;
};

}  // namespace tk::trade
