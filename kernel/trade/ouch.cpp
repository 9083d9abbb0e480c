#include "kernel/trade/ouch.h"

#include "kernel/net/wire.h"

namespace tk::ouch {
namespace {

u8* put_alpha(u8* p, const char* text, usize width) {
    usize i = 0;
    for (; i < width && text[i]; ++i) p[i] = u8(text[i]);
    for (; i < width; ++i) p[i] = ' ';
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
usize encode_enter_order(const EnterOrder& o, u8* out) {
    u8* p = out;
    *p++ = 'O';
    p = put_alpha(p, o.token, 14);
    *p++ = u8(o.side);
    p = put_u32(p, o.shares);
    p = put_alpha(p, o.stock, 8);
    p = put_u32(p, o.price);
    p = put_u32(p, o.time_in_force);
    p = put_alpha(p, o.firm, 4);
    *p++ = u8(o.display);
    *p++ = u8(o.capacity);
    *p++ = u8(o.intermarket_sweep);
    p = put_u32(p, o.minimum_quantity);
    *p++ = u8(o.cross_type);
    *p++ = u8(o.customer_type);
    return usize(p - out);
}

// OUCH 4.2, Cancel Order: type, token (14), shares (4; 0 cancels it all).
usize encode_cancel_order(const char token[14], u32 shares, u8* out) {
    u8* p = out;
    *p++ = 'X';
    p = put_alpha(p, token, 14);
    p = put_u32(p, shares);
    return usize(p - out);
}

bool RiskGate::check(char side, u32 shares, u32 price, i64 position, u32 reference) {
    if (killed_) {
        ++counters_.rejected_kill_switch;
        return false;
    }
    if (shares == 0 || shares > limits_.max_order_shares) {
        ++counters_.rejected_size;
        return false;
    }
    i64 after = side == 'B' ? position + shares : position - i64(shares);
    if (after > limits_.max_position || after < -limits_.max_position) {
        ++counters_.rejected_position;
        return false;
    }
    u64 distance = price > reference ? price - reference : reference - price;
    if (reference == 0 || distance * 10000 > u64(reference) * limits_.price_collar_bps) {
        ++counters_.rejected_collar;
        return false;
    }
    ++counters_.accepted;
    return true;
}

}  // namespace tk::ouch
