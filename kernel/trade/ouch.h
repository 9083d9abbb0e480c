// OUCH 4.2 inbound messages (NASDAQ OUCH 4.2 specification, section 2:
// Enter Order 'O' and Cancel Order 'X'), encoded big-endian into a buffer,
// and the pre-trade risk checks every order passes before it is encoded.
#pragma once

#include "tk/types.h"

namespace tk::ouch {

inline constexpr usize kEnterOrderLength = 49;
inline constexpr usize kCancelOrderLength = 19;

struct EnterOrder {
    char token[14];       // Order Token, Alpha: unique per order
    char side;            // Buy/Sell Indicator: 'B', 'S', 'T' (short), 'E' (exempt)
    u32 shares;
    char stock[8];        // Alpha
    u32 price;            // Price(4): 4 implied decimals
    u32 time_in_force;    // seconds; 0 = immediate or cancel, 99999 = market hours
    char firm[4];
    char display;         // 'Y' visible, 'N' hidden, ...
    char capacity;        // 'A' agency, 'P' principal, ...
    char intermarket_sweep;  // 'Y' / 'N'
    u32 minimum_quantity;
    char cross_type;      // 'N' no cross
    char customer_type;   // 'R' retail, 'N' not retail, ' ' default
};

// Writes the message into `out` (at least kEnterOrderLength bytes); Alpha
// fields shorter than their width are padded with spaces.
usize encode_enter_order(const EnterOrder& order, u8* out);
usize encode_cancel_order(const char token[14], u32 shares, u8* out);

struct RiskLimits {
    u32 max_order_shares;
    i64 max_position;       // absolute shares, per symbol
    u32 price_collar_bps;   // max distance from the reference price, basis points
};

struct RiskCounters {
    u64 accepted, rejected_size, rejected_position, rejected_collar, rejected_kill_switch;
};

// Checks run in order: kill switch, size, position after a full fill, price
// collar. Each rejection is counted; nothing is sent for a rejected order.
class RiskGate {
public:
    void init(const RiskLimits& limits) { limits_ = limits, counters_ = {}, killed_ = false; }
    void kill() { killed_ = true; }
    bool killed() const { return killed_; }

    // `position` is the current signed position in the symbol; `reference`
    // the price the collar is measured from (the opposite best, say).
    bool check(char side, u32 shares, u32 price, i64 position, u32 reference);
    const RiskCounters& counters() const { return counters_; }

private:
    RiskLimits limits_{};
    RiskCounters counters_{};
    bool killed_ = false;
};

}  // namespace tk::ouch
