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

// Journal payloads, little-endian as on x86 (kernel/journal/record.h).
struct OrderSentRecord {
    u64 id;
    u32 price, shares;
    u16 locate;
    char side;
    u8 day;  // 1: a day order; 0: immediate or cancel
    char stock[8];
};
inline constexpr usize kOrderSentBytes = 28;

struct RiskRejectedRecord {
    u8 reason;  // ouch::RiskGate::last_rejection()
    char side;
    u16 locate;
    u32 shares, price;
};

[[gnu::cold, gnu::noinline]] void journal_rejection(Orders* o, Locate locate, char side, Shares shares, Price price,
                                                    Ticks now) {
    RiskRejectedRecord r{o->risk.last_rejection(), side, locate.value, u32(shares.value), price.value};
    o->journal->append(journal::RecordType::RiskRejected, now.value, &r, sizeof r);
}

}  // namespace

bool make_token(Sequence trigger_sequence, u32 index, char token[14]) {
    if (trigger_sequence.value >= kTokenSequences || index >= kTokenOrdersPerMessage) return false;
    fill_decimal(token, 10, trigger_sequence.value);
    fill_decimal(token + 10, 4, index);
    return true;
}

OrderId token_id(const char token[14]) {
    u64 value = 0;
    for (int i = 0; i < 14; ++i) {
        if (token[i] < '0' || token[i] > '9') return OrderId{0};
        value = value * 10 + u64(token[i] - '0');
    }
    return OrderId{value + 1};
}

const Position* position(const Orders* o, Locate locate) {
    return locate.value < o->market->locates ? &o->positions[locate.value] : nullptr;
}

// Flattened: every call below is inlined into this one path, so the
// encoder folds the constant fields into stores of the message bytes and the
// send resolves the gateway in place. Measured with mode=bench under -icount:
// without it, a change elsewhere in the function (the stale-feed check) had
// the inliner give up on the encoder and the send, 135 more instructions an order.
[[gnu::flatten]] OrderId send_order(Orders* o, Locate locate, char side, Shares shares, Price price,
                                    TimeInForce time_in_force) {
    const MarketState& market = *o->market;
    if (locate.value >= market.locates) {
        ++o->counters.unknown_symbol;
        return OrderId{0};
    }
    const SymbolState& symbol = market.symbols[locate.value];
    if (symbol.stock[0] == 0) {
        ++o->counters.unknown_symbol;
        return OrderId{0};
    }
    if (symbol.book_untrusted) {
        ++o->counters.untrusted_book;
        return OrderId{0};
    }
    if (market.feed_stale) {
        ++o->counters.stale_feed;
        return OrderId{0};
    }
    if (o->token_trigger != market.trigger_sequence) {  // the first order on this message
        o->token_trigger = market.trigger_sequence;
        o->trigger_orders = 0;
    }
    ouch::EnterOrder order{};
    if (!make_token(market.trigger_sequence, o->trigger_orders, order.token)) {
        ++o->counters.token_exhausted;
        return OrderId{0};
    }
    Ticks now{rdtsc()};
    // The worst case on the order's side: every open order on it filled.
    // Open buys and sells are not netted: either side alone may be what fills.
    Position& held = o->positions[locate.value];
    bool buy = ouch::is_buy(side);
    i64 worst = buy ? held.net + i64(held.open_buy.value) : held.net - i64(held.open_sell.value);
    if (!o->risk.check(side, shares, price, worst, reference_price(market.books, locate, side), now)) {
        if (o->journal) journal_rejection(o, locate, side, shares, price, now);
        return OrderId{0};
    }
    OrderId id{market.trigger_sequence.value * kTokenOrdersPerMessage + o->trigger_orders + 1};
    OpenOrder* open = o->open.insert(id);
    if (!open) {
        ++o->counters.order_table_full;
        return OrderId{0};
    }
    order.side = side;
    order.shares = u32(shares.value);  // the risk gate bounds it: max_order_shares is 32-bit
    for (int i = 0; i < 8; ++i) order.stock[i] = symbol.stock[i];
    order.price = price;
    order.time_in_force = u32(time_in_force);
    for (char& c : order.firm) c = ' ';
    order.display = 'Y';
    order.capacity = 'P';
    order.intermarket_sweep = 'N';
    order.cross_type = 'N';
    order.customer_type = ' ';
    u8 message[ouch::kEnterOrderLength];
    ouch::encode_enter_order(order, message);
    if (!o->net->send_udp(o->gateway, o->gateway_port, o->local_port, message, sizeof message)) {
        o->open.erase(open);
        ++o->counters.send_failed;
        return OrderId{0};
    }
    if (o->stamp_sends) o->last_sent_tsc = Ticks{rdtscp(nullptr)};  // waits for the send to be issued
    o->risk.book(shares, price, now);
    open->locate = locate;
    open->side = side;
    open->state = OrderState::Pending;
    open->price = price;
    open->shares = open->open = shares;
    (buy ? held.open_buy : held.open_sell) += shares;
    if (o->journal) {
        // A few stores into the ring; the writer's core checksums and writes it.
        if (journal::Slot* slot = o->journal->reserve()) {
            OrderSentRecord r{id.value, price.value, u32(shares.value), locate.value, side,
                              u8(time_in_force == TimeInForce::Day), {}};
            __builtin_memcpy(r.stock, symbol.stock, 8);
            slot->type = journal::RecordType::OrderSent;
            slot->length = kOrderSentBytes;
            slot->tsc = now.value;
            __builtin_memcpy(slot->payload, &r, kOrderSentBytes);
            o->journal->publish();
        }
    }
    ++o->trigger_orders;
    ++o->counters.orders;
    return id;
}

bool cancel_order(Orders* o, OrderId id) {
    OpenOrder* order = o->open.find(id);
    if (!order || order->cancel_sent) {
        ++o->counters.cancel_refused;
        return false;
    }
    char token[14];
    u64 key = id.value - 1;
    make_token(Sequence{key / kTokenOrdersPerMessage}, u32(key % kTokenOrdersPerMessage), token);
    u8 message[ouch::kCancelOrderLength];
    ouch::encode_cancel_order(token, 0, message);
    if (!o->net->send_udp(o->gateway, o->gateway_port, o->local_port, message, sizeof message)) {
        ++o->counters.send_failed;
        return false;
    }
    order->cancel_sent = true;
    ++o->counters.cancels;
    if (o->journal) o->journal->append(journal::RecordType::CancelSent, rdtsc(), &id.value, sizeof id.value);
    return true;
}

}  // namespace tk::trade
