#include "kernel/trade/order_entry.h"

#include "kernel/trade/strategy.h"
#include "tk/tsc.h"

namespace tk::trade {
namespace {

// "00" to "99", for two digits per division.
struct TwoDigits {
    char text[200];
    constexpr TwoDigits() : text() {
        for (int i = 0; i < 100; ++i) {
            text[2 * i] = char('0' + i / 10);
            text[2 * i + 1] = char('0' + i % 10);
        }
    }
};
constexpr TwoDigits kTwoDigits;

// The low `width` decimal digits of `value`, zero-padded.
void fill_decimal(char* out, int width, u64 value) {
    int i = width;
    for (; i >= 2; i -= 2, value /= 100) __builtin_memcpy(out + i - 2, kTwoDigits.text + 2 * (value % 100), 2);
    if (i) out[0] = char('0' + value % 10);
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

// An Enter Order's fields but the token; the ones we never vary set here.
inline void fill_enter_order(ouch::EnterOrder& m, char side, Shares shares, const char* stock, Price price,
                             TimeInForce time_in_force) {
    m.side = side;
    m.shares = u32(shares.value);
    for (int i = 0; i < 8; ++i) m.stock[i] = stock[i];
    m.price = price;
    m.time_in_force = u32(time_in_force);
    for (char& c : m.firm) c = ' ';
    m.display = 'Y';
    m.capacity = 'P';
    m.intermarket_sweep = 'N';
    m.cross_type = 'N';
    m.customer_type = ' ';
}

[[gnu::cold, gnu::noinline]] void journal_rejection(Orders* o, Locate locate, char side, Shares shares, Price price,
                                                    Ticks now) {
    RiskRejectedRecord r{o->risk.last_rejection(), side, locate.value, u32(shares.value), price.value};
    o->journal->append(journal::RecordType::RiskRejected, now.value, &r, sizeof r);
}

}  // namespace

void init_order_encoding(Orders* o) {
    ouch::EnterOrder fixed{};
    fill_enter_order(fixed, 'B', Shares{0}, "        ", Price{0}, TimeInForce::ImmediateOrCancel);
    o->enter_order.prepare(fixed);
    o->token_digits_of = Sequence{kTokenSequences};  // no trigger's: its digits are not rendered yet
}

void render_trigger_digits(Orders* o, Sequence trigger) {
    if (o->token_digits_of == trigger) return;
    fill_decimal(o->token_digits, 10, trigger.value);
    o->token_digits_of = trigger;
}

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
// encoder folds the constant fields into stores of the message bytes, which
// land in the frame itself (the gateway flow's, kernel/net/stack.h).
// Measured with mode=bench under -icount:
// without it, a change elsewhere in the function (the stale-feed check) had
// the inliner give up on the encoder and the send, 135 more instructions an order.
// always_inline: with a second caller (tk_strategy_send_order, the compiled
// strategies' entry), LTO stopped inlining it into the C++ spread taker: 49
// more instructions on pc-icount tick_to_trade_replay (1,851 against 1,801).
[[gnu::flatten, gnu::always_inline]] OrderId send_order(Orders* o, Locate locate, char side, Shares shares, Price price,
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
    // make_token's bounds: past them no token is unique.
    if (market.trigger_sequence.value >= kTokenSequences || o->trigger_orders >= kTokenOrdersPerMessage) {
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
    OrderId id = order_id(market.trigger_sequence, o->trigger_orders);
    OpenOrder* open = o->open.insert(id);
    if (!open) {
        ++o->counters.order_table_full;
        return OrderId{0};
    }
    // Encoded in place, in a frame whose headers to the gateway are written.
    u8* message = o->net->flow_begin(o->to_gateway, ouch::kEnterOrderLength);
    if (!message) {
        o->open.erase(open);
        ++o->counters.send_failed;
        return OrderId{0};
    }
    // make_token's token, its trigger's digits rendered once a message.
    char token[14];
    render_trigger_digits(o, market.trigger_sequence);
    __builtin_memcpy(token, o->token_digits, 10);
    fill_decimal(token + 10, 4, o->trigger_orders);
    // The risk gate bounds shares: max_order_shares is 32-bit.
    o->enter_order.write(message, token, side, u32(shares.value), symbol.stock, price, u32(time_in_force));
    o->net->flow_send(o->to_gateway, message, ouch::kEnterOrderLength);
    if (o->stamp_sends) o->last_sent_tsc = Ticks{rdtscp(nullptr)};  // waits for the send to be issued
    o->risk.book(shares, price, now);
    open->locate = locate;
    open->side = side;
    open->day = time_in_force == TimeInForce::Day;
    open->sent_at = now;
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

[[gnu::cold]] void resend_unanswered(Orders* o, Ticks now) {
    if (!o->resend_after.value) return;
    for (u32 n = 0; n < kResendSlotsPerCall; ++n) {
        OpenOrder* order = o->open.at(o->resend_cursor++);
        if (!order || order->state != OrderState::Pending || now.value < order->sent_at.value + o->resend_after.value)
            continue;
        if (order->resends == kMaxResends) {
            ++o->counters.resends_given_up;
            ++order->resends;  // counted once
            continue;
        }
        if (order->resends > kMaxResends) continue;
        ouch::EnterOrder again{};
        u64 key = order->id.value - 1;
        make_token(Sequence{key / kTokenOrdersPerMessage}, u32(key % kTokenOrdersPerMessage), again.token);
        fill_enter_order(again, order->side, order->shares, o->market->symbols[order->locate.value].stock,
                         order->price, order->day ? TimeInForce::Day : TimeInForce::ImmediateOrCancel);
        u8 message[ouch::kEnterOrderLength];
        ouch::encode_enter_order(again, message);
        if (!o->net->send_udp(o->gateway, o->gateway_port, o->local_port, message, sizeof message)) {
            ++o->counters.send_failed;
            continue;
        }
        order->sent_at = now;
        ++order->resends;
        ++o->counters.resends;
        if (o->journal) o->journal->append(journal::RecordType::OrderResent, now.value, &order->id.value, 8);
    }
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
