#include "kernel/trade/ouch.h"

#include "kernel/net/wire.h"

namespace tk::ouch {
namespace {

constexpr u64 kSpaces = 0x2020202020202020ull;

// Eight bytes of an Alpha field: as they are up to the first NUL, spaces from
// there (and all spaces once an earlier word has `ended`). The lowest set bit
// of (v - 0x01..) & ~v & 0x80.. marks the first zero byte exactly: a borrow
// can set bits above it, never below.
u64 alpha_word(u64 v, bool& ended) {
    if (ended) return kSpaces;
    u64 zero = (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
    if (!zero) return v;
    ended = true;
    u64 keep = (u64(1) << (__builtin_ctzll(zero) & ~7u)) - 1;  // the bytes before the NUL
    return (v & keep) | (kSpaces & ~keep);
}

// `text` (`width` bytes, read whole) up to its first NUL, padded with
// spaces: a word at a time, the width being a constant where it is inlined.
u8* put_alpha(u8* p, const char* text, usize width) {
    bool ended = false;
    usize i = 0;
    for (; i + 8 <= width; i += 8) {
        u64 v;
        __builtin_memcpy(&v, text + i, 8);
        v = alpha_word(v, ended);
        __builtin_memcpy(p + i, &v, 8);
    }
    if (usize rest = width - i) {
        u64 v = 0;  // zeros past the field: a NUL there leaves its bytes alone
        __builtin_memcpy(&v, text + i, rest);
        v = alpha_word(v, ended);
        __builtin_memcpy(p + i, &v, rest);
    }
    return p + width;
}

u8* put_u32(u8* p, u32 v) {
    net::store_be32(p, v);
    return p + 4;
}

}  // namespace

// OUCH 4.2, Enter Order: type, token (14), side, shares (4), stock (8),
// price (4), time in force (4), firm (4), display, capacity, intermarket
// sweep, minimum quantity (4), cross type, customer type: 49 bytes.
// The fields up to time in force at their offsets (enter_order_at, which
// EnterOrderTemplate::write shares), the rest in order after them.
usize encode_enter_order(const EnterOrder& o, u8* out) {
    out[0] = 'O';
    put_alpha(out + enter_order_at::kToken, o.token, 14);
    out[enter_order_at::kSide] = u8(o.side);
    put_u32(out + enter_order_at::kShares, o.shares);
    put_alpha(out + enter_order_at::kStock, o.stock, 8);
    put_u32(out + enter_order_at::kPrice, o.price.value);
    u8* p = put_u32(out + enter_order_at::kTimeInForce, o.time_in_force);
    p = put_alpha(p, o.firm, 4);
    *p++ = u8(o.display);
    *p++ = u8(o.capacity);
    *p++ = u8(o.intermarket_sweep);
    p = put_u32(p, o.minimum_quantity);
    *p++ = u8(o.cross_type);
    *p++ = u8(o.customer_type);
    return usize(p - out);
}

void EnterOrderTemplate::write(u8* out, const char token[14], char side, u32 shares, const char stock[8], Price price,
                               u32 time_in_force) const {
    __builtin_memcpy(out, bytes_, kEnterOrderLength);
    __builtin_memcpy(out + enter_order_at::kToken, token, 14);
    out[enter_order_at::kSide] = u8(side);
    put_u32(out + enter_order_at::kShares, shares);
    put_alpha(out + enter_order_at::kStock, stock, 8);
    put_u32(out + enter_order_at::kPrice, price.value);
    put_u32(out + enter_order_at::kTimeInForce, time_in_force);
}

// OUCH 4.2, Cancel Order: type, token (14), shares (4; 0 cancels it all).
usize encode_cancel_order(const char token[14], u32 shares, u8* out) {
    u8* p = out;
    *p++ = 'X';
    p = put_alpha(p, token, 14);
    p = put_u32(p, shares);
    return usize(p - out);
}

const char* risk_counter_names() {
#define TK_RISK_COUNTER_NAME(name) #name ","
    return TK_RISK_COUNTERS(TK_RISK_COUNTER_NAME);
#undef TK_RISK_COUNTER_NAME
}

void RiskGate::init(const RiskLimits& limits, u64 ticks_per_second) {
    limits_ = limits;
    counters_ = {};
    stopped_ = 0;
    // Rounded up, and at least one tick: the rate never exceeds the limit, also
    // with a clock slower than the limit or not a multiple of it.
    u32 rate = limits.max_orders_per_second;
    interval_ = rate && ticks_per_second ? (ticks_per_second + rate - 1) / rate : 0;
    burst_ = limits.max_orders_per_second ? interval_ * (limits.max_orders_per_second - 1) : 0;
    next_arrival_ = 0;
    open_orders_ = 0;
    session_notional_ = 0;
    open_notional_ = 0;
}

bool RiskGate::check(char side, Shares order_shares, Price order_price, i64 position, Price reference_price,
                     Ticks clock) {
    u64 shares = order_shares.value, now = clock.value;
    u32 price = order_price.value, reference = reference_price.value;
    auto reject = [this](u64& counter) {
        ++counter;
        last_rejection_ = u8(&counter - reinterpret_cast<u64*>(&counters_));
        return false;
    };
    if (stopped_) [[unlikely]]
        return reject(stopped_ & kKilled ? counters_.rejected_kill_switch : counters_.rejected_day_closed);
    if (!valid_side(side)) return reject(counters_.rejected_side);
    if (shares == 0 || shares > limits_.max_order_shares) return reject(counters_.rejected_size);
    u64 notional = shares * price;  // < 2^64: shares are now within the 32-bit limit
    if (notional > limits_.max_order_notional) return reject(counters_.rejected_order_notional);
    if (notional > limits_.max_session_notional - session_notional_) return reject(counters_.rejected_session_notional);
    i64 after = is_buy(side) ? position + i64(shares) : position - i64(shares);
    if (after > limits_.max_position || after < -limits_.max_position) return reject(counters_.rejected_position);
    u64 distance = price > reference ? price - reference : reference - price;
    if (reference == 0 || distance * 10000 > u64(reference) * limits_.price_collar_bps)
        return reject(counters_.rejected_collar);
    u64 arrival = next_arrival_ > now ? next_arrival_ : now;
    if (limits_.max_orders_per_second == 0 || (interval_ && arrival - now > burst_))
        return reject(counters_.rejected_rate);
    if (open_orders_ >= limits_.max_open_orders) return reject(counters_.rejected_open_orders);
    // open_notional_ <= max_open_notional: only orders that passed are booked.
    if (notional > limits_.max_open_notional - open_notional_) return reject(counters_.rejected_exposure);
    return true;
}

void RiskGate::book(Shares shares, Price price, Ticks clock) {
    u64 now = clock.value;
    if (interval_) next_arrival_ = (next_arrival_ > now ? next_arrival_ : now) + interval_;
    ++open_orders_;
    session_notional_ += shares.value * price.value;
    open_notional_ += shares.value * price.value;
    ++counters_.accepted;
}

}  // namespace tk::ouch
