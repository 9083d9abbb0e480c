#include "kernel/trade/pipeline.h"

#include "kernel/feed/itch.h"
#include "kernel/net/wire.h"

namespace tk::trade {

void Pipeline::init(book::Books* books, Strategy strategy, Orders* orders, net::NetStack* net,
                    const RewinderAddress& rewinder) {
    books_ = books;
    strategy_ = strategy;
    orders_ = orders;
    net_ = net;
    rewinder_ = rewinder;
    receiver_.init(1, on_message, on_request, this);
    counters_ = {};
    for (Bbo& b : last_) b = Bbo{};
}

void Pipeline::on_message(void* self_ptr, u64 sequence, const u8* m, u16 length) {
    auto* self = static_cast<Pipeline*>(self_ptr);
    ++self->counters_.messages;
    if (itch::check(m, length) != itch::DecodeStatus::Ok) {
        ++self->counters_.rejected_messages;
        return;
    }
    // Stock Directory (ITCH 5.0 section 1.2.1): Stock (8 Alpha) at offset 11
    // names the locate for order entry.
    if (m[0] == 'R') set_symbol(self->orders_, net::load_be16(m + 1), m + 11);
    i32 locate = self->books_->apply(m, length);
    if (locate >= 0) self->tell_strategy_if_bbo_changed(u16(locate), sequence);
}

void Pipeline::tell_strategy_if_bbo_changed(u16 locate, u64 sequence) {
    book::Level bid, ask;
    Bbo now{locate, 0, 0, 0, 0, sequence};
    if (books_->depth(locate, book::kBuy, &bid, 1)) now.bid_price = bid.price, now.bid_shares = u32(bid.shares);
    if (books_->depth(locate, book::kSell, &ask, 1)) now.ask_price = ask.price, now.ask_shares = u32(ask.shares);
    Bbo& last = last_[locate];
    if (now.bid_price == last.bid_price && now.bid_shares == last.bid_shares &&
        now.ask_price == last.ask_price && now.ask_shares == last.ask_shares)
        return;
    last = now;
    ++counters_.bbo_changes;
    orders_->trigger_sequence = sequence;
    orders_->trigger_orders = 0;
    strategy_.on_bbo(strategy_.state, &now, orders_);
}

// MoldUDP64 1.00, Request Packet: the downstream header's layout -- Session,
// Sequence Number of the first message wanted, Message Count -- sent alone.
void Pipeline::on_request(void* self_ptr, const char* session, u64 sequence, u16 count) {
    auto* self = static_cast<Pipeline*>(self_ptr);
    const RewinderAddress& r = self->rewinder_;
    u8 request[mold::kHeader];
    for (int i = 0; i < 10; ++i) request[i] = u8(session[i]);
    net::store_be32(request + 10, u32(sequence >> 32));
    net::store_be32(request + 14, u32(sequence));
    net::store_be16(request + 18, count);
    if (r.ip && self->net_->send_udp(r.ip, r.port, r.local_port, request, sizeof request))
        ++self->counters_.requests_sent;
    else
        ++self->counters_.requests_unsent;
}

}  // namespace tk::trade
