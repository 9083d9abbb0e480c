#include "kernel/trade/order_session.h"

#include "kernel/trade/ouch_outbound.h"
#include "tk/tsc.h"

namespace tk::trade {

const char* order_session_counter_names() {
#define TK_ORDER_SESSION_COUNTER_NAME(name) #name ","
    return TK_ORDER_SESSION_COUNTERS(TK_ORDER_SESSION_COUNTER_NAME);
#undef TK_ORDER_SESSION_COUNTER_NAME
}

void OrderSession::init(Orders* orders, net::NetStack* net, net::Ipv4Address gateway, u16 rewinder_port,
                        u16 local_port) {
    orders_ = orders;
    net_ = net;
    gateway_ = gateway;
    rewinder_port_ = rewinder_port;
    local_port_ = local_port;
    counters_ = {};
    receiver_.init(Sequence{1}, on_message, on_request, this);
}

void OrderSession::on_message(void* self_ptr, Sequence sequence, const u8* message, u16 length) {
    auto* self = static_cast<OrderSession*>(self_ptr);
    ++self->counters_.answers;
    if (journal::Ring* j = self->orders_->journal) {
        // Answer record: the answer's sequence (u64), its length (u16), then
        // as much of it as fits (every OUCH 4.2 answer does).
        u8 payload[journal::kMaxPayload];
        usize kept = length < sizeof payload - 10 ? length : sizeof payload - 10;
        __builtin_memcpy(payload, &sequence.value, 8);
        __builtin_memcpy(payload + 8, &length, 2);
        __builtin_memcpy(payload + 10, message, kept);
        j->append(journal::RecordType::Answer, rdtsc(), payload, 10 + kept);
    }
    ouch::Response response;
    if (!ouch::decode_response(message, length, &response)) {
        ++self->counters_.malformed_answers;
        return;
    }
    apply_response(self->orders_, response);
}

void OrderSession::on_request(void* self_ptr, const char* session, Sequence first, u16 count) {
    auto* self = static_cast<OrderSession*>(self_ptr);
    u8 request[mold::kHeader];
    mold::encode_request(session, first, count, request);
    if (self->net_->send_udp(self->gateway_, self->rewinder_port_, self->local_port_, request, sizeof request))
        ++self->counters_.answer_requests_sent;
    else
        ++self->counters_.answer_requests_unsent;
}

}  // namespace tk::trade
