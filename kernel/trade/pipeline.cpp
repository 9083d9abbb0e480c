#include "kernel/trade/pipeline.h"

#include "kernel/feed/itch.h"

namespace tk::trade {

bool send_order(Orders* o, u16 locate, char side, u32 shares, u32 price) {
    if (locate >= (1 << 14)) return false;
    if (!o->risk.check(side, shares, price, o->position[locate], price)) return false;
    ouch::EnterOrder order{};
    u64 token = o->next_token++;
    for (int i = 13; i >= 0; --i, token /= 10) order.token[i] = char('0' + token % 10);
    order.side = side;
    order.shares = shares;
    order.stock[0] = 'L';  // the symbol of a locate comes from the stock directory (not yet kept)
    for (int i = 1; i < 8; ++i) order.stock[i] = ' ';
    order.price = price;
    order.time_in_force = 0;  // immediate or cancel
    order.firm[0] = order.firm[1] = order.firm[2] = order.firm[3] = ' ';
    order.display = 'Y';
    order.capacity = 'P';
    order.intermarket_sweep = 'N';
    order.cross_type = 'N';
    order.customer_type = ' ';
    u8 message[ouch::kEnterOrderLength];
    ouch::encode_enter_order(order, message);
    if (!o->net->send_udp(o->gateway, o->gateway_port, o->local_port, message, sizeof message))
        return false;
    o->position[locate] += side == 'B' ? i64(shares) : -i64(shares);
    ++o->sent;
    return true;
}

void spread_taker_on_bbo(void* state, const Bbo* bbo, Orders* orders) {
    auto* s = static_cast<SpreadTakerState*>(state);
    if (!bbo->bid_shares || !bbo->ask_shares || s->done[bbo->locate]) return;
    if (bbo->ask_price - bbo->bid_price > s->max_spread) return;
    if (send_order(orders, bbo->locate, 'B', s->shares, bbo->ask_price)) s->done[bbo->locate] = 1;
}

void Pipeline::init(book::Books* books, Strategy strategy, Orders* orders) {
    books_ = books;
    strategy_ = strategy;
    orders_ = orders;
    receiver_.init(1, on_message, on_request, this);
    counters_ = {};
    for (Bbo& b : last_) b = Bbo{};
}

void Pipeline::on_feed_datagram(const u8* payload, usize length) { receiver_.receive(payload, length); }

void Pipeline::on_message(void* self_ptr, u64 sequence, const u8* m, u16 length) {
    auto* self = static_cast<Pipeline*>(self_ptr);
    ++self->counters_.messages;
    if (itch::check(m, length) != itch::DecodeStatus::Ok) {
        ++self->counters_.rejected_messages;
        return;
    }
    i32 locate = self->books_->apply(m, length);
    if (locate < 0) return;
    book::Level bid, ask;
    Bbo now{u16(locate), 0, 0, 0, 0, sequence};
    if (self->books_->depth(u16(locate), book::kBuy, &bid, 1)) now.bid_price = bid.price, now.bid_shares = u32(bid.shares);
    if (self->books_->depth(u16(locate), book::kSell, &ask, 1)) now.ask_price = ask.price, now.ask_shares = u32(ask.shares);
    Bbo& last = self->last_[locate];
    if (now.bid_price == last.bid_price && now.bid_shares == last.bid_shares &&
        now.ask_price == last.ask_price && now.ask_shares == last.ask_shares)
        return;
    last = now;
    ++self->counters_.bbo_changes;
    self->strategy_.on_bbo(self->strategy_.state, &now, self->orders_);
}

// Retransmission requests need a path to the rewinder; on this pipeline they
// are only counted by the receiver (the request tool comes with the feed tools).
void Pipeline::on_request(void*, const char*, u64, u16) {}

}  // namespace tk::trade
