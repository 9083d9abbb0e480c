#include "kernel/trade/order_entry.h"

#include "kernel/trade/strategy.h"
#include "tk/tsc.h"

namespace tk::trade {
namespace {

void fill_decimal(char* out, int width, u64 value) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = char('0' + value % 10);
}

// The collar's reference: the best price on the side the order would trade
// against, else the best on its own side; 0 (always rejected) if the book is
// empty.
Price reference_price(const book::Books* books, Locate locate, char side) {
    book::Level best;
    book::Side opposite = side == 'B' ? book::kSell : book::kBuy;
    book::Side same = side == 'B' ? book::kBuy : book::kSell;
    if (books->depth(locate, opposite, &best, 1) || books->depth(locate, same, &best, 1))
        return best.price;
    return Price{0};
}

}  // namespace

bool make_token(Sequence trigger_sequence, u32 index, char token[14]) {
    if (trigger_sequence.value >= kTokenSequences || index >= kTokenOrdersPerMessage) return false;
    fill_decimal(token, 10, trigger_sequence.value);
    fill_decimal(token + 10, 4, index);
    return true;
}

const Position* position(const Orders* o, Locate locate) {
    return locate.value < o->market->locates ? &o->positions[locate.value] : nullptr;
}

// Flattened: every call below is inlined into this one path, so the
// encoder folds the constant fields into stores of the message bytes and the
// send resolves the gateway in place. Measured with mode=bench under -icount:
// without it, a change elsewhere in the function (the stale-feed check) had
// the inliner give up on the encoder and the send, 135 more instructions an order.
[[gnu::flatten]] bool send_order(Orders* o, Locate locate, char side, Shares shares, Price price) {
    const MarketState& market = *o->market;
    if (locate.value >= market.locates) {
        ++o->counters.unknown_symbol;
        return false;
    }
    const SymbolState& symbol = market.symbols[locate.value];
    if (symbol.stock[0] == 0) {
        ++o->counters.unknown_symbol;
        return false;
    }
    if (symbol.book_untrusted) {
        ++o->counters.untrusted_book;
        return false;
    }
    if (market.feed_stale) {
        ++o->counters.stale_feed;
        return false;
    }
    if (o->token_trigger != market.trigger_sequence) {  // the first order on this message
        o->token_trigger = market.trigger_sequence;
        o->trigger_orders = 0;
    }
    ouch::EnterOrder order{};
    if (!make_token(market.trigger_sequence, o->trigger_orders, order.token)) {
        ++o->counters.token_exhausted;
        return false;
    }
    Ticks now{rdtsc()};
    // No fill is read yet (every order counts as open until the session
    // ends), so the position limit holds the worst case on the order's side:
    // every buy filled and no sell, or the reverse. Netting the two would let
    // alternating buys and sells through without limit.
    Position& held = o->positions[locate.value];
    bool buy = ouch::is_buy(side);
    i64 worst = buy ? i64(held.bought.value) : -i64(held.sold.value);
    if (!o->risk.check(side, shares, price, worst, reference_price(market.books, locate, side), now)) return false;
    order.side = side;
    order.shares = u32(shares.value);  // the risk gate bounds it: max_order_shares is 32-bit
    for (int i = 0; i < 8; ++i) order.stock[i] = symbol.stock[i];
    order.price = price;
    order.time_in_force = 0;  // immediate or cancel
    for (char& c : order.firm) c = ' ';
    order.display = 'Y';
    order.capacity = 'P';
    order.intermarket_sweep = 'N';
    order.cross_type = 'N';
    order.customer_type = ' ';
    u8 message[ouch::kEnterOrderLength];
    ouch::encode_enter_order(order, message);
    if (!o->net->send_udp(o->gateway, o->gateway_port, o->local_port, message, sizeof message)) {
        ++o->counters.send_failed;
        return false;
    }
    if (o->stamp_sends) o->last_sent_tsc = Ticks{rdtscp(nullptr)};  // waits for the send to be issued
    o->risk.book(shares, price, now);
    held.net += buy ? i64(shares.value) : -i64(shares.value);
    (buy ? held.bought : held.sold) += shares;
    ++o->trigger_orders;
    ++o->counters.orders;
    return true;
}

}  // namespace tk::trade
