// OUCH 4.2 inbound messages (NASDAQ OUCH 4.2 specification, section 2:
// Enter Order 'O' and Cancel Order 'X'), encoded big-endian into a buffer,
// and the pre-trade risk checks every order passes before it is encoded.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::ouch {

inline constexpr usize kEnterOrderLength = 49;
inline constexpr usize kCancelOrderLength = 19;

struct EnterOrder {
    char token[14];       // Order Token, Alpha: unique per order
    char side;            // Buy/Sell Indicator: 'B', 'S', 'T' (short), 'E' (exempt)
    u32 shares;
    char stock[8];        // Alpha
    Price price;
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

// Where the Enter Order fields an order of ours varies begin (OUCH 4.2
// section 2.1: type 1 byte, token 14, side 1, shares 4, stock 8, price 4,
// time in force 4; then the fields EnterOrderTemplate keeps).
namespace enter_order_at {
inline constexpr usize kToken = 1, kSide = 15, kShares = 16, kStock = 20, kPrice = 28, kTimeInForce = 32;
}

// The trading path's Enter Order encoder: the fields that stay the same from
// order to order (firm, display, capacity, intermarket sweep, minimum
// quantity, cross and customer type) encoded once, then each order a copy
// of them with its own token, side, shares, stock, price and time in force
// written over it: encode_enter_order's bytes for the whole order, checked
// field by field against it (tests/kernel/test_ouch_template.cpp), in a
// fraction of its instructions.
class EnterOrderTemplate {
public:
    // The fields `fixed` gives that write() does not.
    void prepare(const EnterOrder& fixed) { encode_enter_order(fixed, bytes_); }
    // `token`: 14 characters, none of them NUL (put as they are; an order
    // token of ours is 14 digits); `stock`: Alpha, up to its first NUL.
    void write(u8* out, const char token[14], char side, u32 shares, const char stock[8], Price price,
               u32 time_in_force) const;

private:
    u8 bytes_[kEnterOrderLength];
};
usize encode_cancel_order(const char token[14], u32 shares, u8* out);

// Notional is shares x Price(4): ten-thousandths of a dollar.
struct RiskLimits {
    u32 max_order_shares = 1000;
    i64 max_position = 100'000;             // absolute shares per symbol, after a full fill
    u32 price_collar_bps = 100;             // max distance from the reference price, basis points
    u64 max_order_notional = 1'000'000'000'000ull;      // $100 million
    u64 max_session_notional = 100'000'000'000'000ull;  // $10 billion, gross, every order sent
    u32 max_orders_per_second = 1000;       // sustained; a burst of as many is allowed
    // Sent and not known to be done. It also sizes the table of open orders
    // (twice as many slots), which every order sent writes to: 4,096 keeps
    // it at 448 KiB, near the core's cache; a larger limit costs cache
    // misses on the trading path (docs/trading.md).
    u32 max_open_orders = 4'096;
    u64 max_open_notional = 10'000'000'000'000ull;  // $1 billion: exposure of the orders still open
};

// One list: the struct, the kernel's record and the host's names agree.
#define TK_RISK_COUNTERS(X)                                                                 \
    X(accepted) X(rejected_kill_switch) X(rejected_side) X(rejected_size)                    \
    X(rejected_order_notional) X(rejected_session_notional) X(rejected_position)             \
    X(rejected_collar) X(rejected_rate) X(rejected_open_orders) X(rejected_exposure)                 \
    X(rejected_day_closed)

struct RiskCounters {
#define TK_RISK_COUNTER_FIELD(name) u64 name;
    TK_RISK_COUNTERS(TK_RISK_COUNTER_FIELD)
#undef TK_RISK_COUNTER_FIELD
    u64 rejected() const { return rejected_kill_switch + rejected_side + rejected_size + rejected_order_notional +
                                  rejected_session_notional + rejected_position + rejected_collar + rejected_rate +
                                  rejected_open_orders + rejected_exposure + rejected_day_closed; }
};
const char* risk_counter_names();

// True for the Buy/Sell Indicators OUCH 4.2 defines; 'T' (sell short) and
// 'E' (sell short exempt) are sells.
inline bool valid_side(char side) { return side == 'B' || side == 'S' || side == 'T' || side == 'E'; }
inline bool is_buy(char side) { return side == 'B'; }

// Checks run in order: kill switch (or the venue's day ended), side, size, order notional, session
// notional, position after a full fill of the order and of every open order
// on its side, price collar, order rate, open orders, open notional
// (exposure). Each rejection is counted under its reason; nothing is sent
// for a rejected order. An order that passed and was sent is booked (rate,
// open orders and notional, session notional, accepted); one that could not
// be sent is not. The venue's answers then take shares off the open notional
// as they execute or are cancelled, and the order off the open count once
// it is done (kernel/trade/order_entry.h).
class RiskGate {
public:
    // `ticks_per_second`: the clock check() is given (the TSC); 0 leaves the
    // rate unlimited (a hosted tool with no calibrated clock).
    void init(const RiskLimits& limits, u64 ticks_per_second = 0);
    void kill() { stopped_ |= kKilled; }
    bool killed() const { return stopped_ & kKilled; }
    // The venue ended its day (System Event 'E'): no order from here on.
    void close_day() { stopped_ |= kDayClosed; }

    // `position` is the current signed position in the symbol; `reference`
    // the price the collar is measured from (the opposite best, say); `now`
    // the clock in ticks.
    bool check(char side, Shares shares, Price price, i64 position, Price reference, Ticks now);
    void book(Shares shares, Price price, Ticks now);

    // `shares` of an open order at `price` executed or were cancelled.
    void close_shares(Shares shares, Price price) {
        u64 notional = shares.value * price.value;
        open_notional_ = notional < open_notional_ ? open_notional_ - notional : 0;
    }
    // An order is done (filled, cancelled, rejected): it is no longer open.
    void order_done() {
        if (open_orders_) --open_orders_;
    }
    u32 open_orders() const { return open_orders_; }
    u64 session_notional() const { return session_notional_; }
    u64 open_notional() const { return open_notional_; }
    const RiskCounters& counters() const { return counters_; }
    // Why check() last said no: the index of its counter in RiskCounters
    // (1 kill switch .. 10 exposure; 0 accepted is never a reason).
    u8 last_rejection() const { return last_rejection_; }

private:
    RiskLimits limits_{};
    RiskCounters counters_{};
    static constexpr u8 kKilled = 1, kDayClosed = 2;
    u8 stopped_ = 0;  // either: one test on the path of every order
    // Rate: a generic cell rate algorithm. Each order moves the theoretical
    // arrival time on by one interval; an order earlier than it by more than
    // the burst allowance is refused.
    u64 interval_ = 0;         // ticks per order at the sustained rate; 0: unlimited
    u64 burst_ = 0;            // ticks of allowance: (max per second - 1) intervals
    u64 next_arrival_ = 0;
    u32 open_orders_ = 0;
    u64 session_notional_ = 0;
    u64 open_notional_ = 0;
    u8 last_rejection_ = 0;
};

}  // namespace tk::ouch
