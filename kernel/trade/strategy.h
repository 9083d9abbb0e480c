// The strategy API: plain structs and function pointers (no templates, no
// virtual calls, no C++ library types), so that strategies compiled from
// Python later can target it.
//
// The pipeline calls a strategy for each market-data message that matters,
// in this order: on_trade (an execution or a trade print), on_book (each
// price level the message changed), on_bbo (when the symbol's best bid or
// offer changed), on_status (when a symbol's book lost or regained trust:
// while it is untrusted, order entry refuses every order on it). Each
// callback gets the symbol's state kept by the pipeline and `orders`, through
// which it sends orders (send_order: risk gate, then OUCH 4.2 to the
// gateway). on_feed comes between messages, when the feed falls behind (a
// gap) or catches up: while it is behind, every book lags the market and
// order entry refuses every order. on_order comes when the venue answers
// one of the strategy's orders: accepted, filled (in part or whole),
// cancelled, rejected (kernel/trade/order_entry.h). Callbacks it does not
// need are null.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::trade {

// Prices, shares, locates and sequence numbers are tk/units.h types: each
// field says its unit, and a strategy cannot pass one for another.
struct Bbo {
    Locate locate;
    Price bid_price;
    Shares bid_shares;  // 0: no bid
    Price ask_price;
    Shares ask_shares;  // 0: no offer
    Sequence feed_sequence;  // the MoldUDP64 sequence of the message that changed it
};

// A price level after a change; 0 orders: the level is gone.
struct BookChange {
    Locate locate;
    char side;  // 'B' bid, 'S' offer
    Price price;
    Shares shares;
    u32 orders;
    Sequence feed_sequence;
};

// An execution against a resting order (ITCH Order Executed E, C) or a
// trade print of a non-displayed order (P) or a cross (Q).
struct Trade {
    Locate locate;
    char side;   // the resting order's side: 'B' (a bid was hit), 'S'; ' ' for a cross or an
                 // order whose side was neither (docs/order-books.md)
    Price price;
    Shares shares;
    u64 match_number;
    Sequence feed_sequence;
};

// A symbol's book lost or regained trust (docs/order-books.md says when).
struct BookStatus {
    Locate locate;
    bool trusted;
    u32 orphans;  // orders the book keeps but cannot show
    bool lost;    // untrusted for the rest of the session
    Sequence feed_sequence;
};

// The feed fell behind or caught up (kernel/feed/moldudp64.h, behind()).
// Behind: messages are known to exist that have not been delivered -- lost
// and asked for, or held beyond a gap -- so every book is stale, and so are
// the messages that close the gap, up to the newest known.
struct FeedStatus {
    bool stale;
    Sequence next_sequence;  // the first message delivered in this state
    Sequence known_end;      // one past the newest message known to exist
};

// What the pipeline knows of one stock locate (kernel/trade/market_state.h);
// strategies and order entry read it, only the pipeline writes it.
struct SymbolState {
    char stock[8];        // from Stock Directory (R); stock[0] == 0 until then
    Bbo bbo;              // the last best bid and offer
    Shares volume;        // traded today, from E, C (printable), P and Q
    Price last_price;     // the last trade's price
    bool book_untrusted;  // no order is sent on the symbol while set
};

struct Orders;  // order entry: risk gate and OUCH gateway (kernel/trade/order_entry.h)

// An order, by its Order Token (make_token in kernel/trade/order_entry.h):
// the trigger's MoldUDP64 sequence x 10^4 + the order's index among those
// that message triggered, plus one. 0: no order.
struct OrderId {
    u64 value;
    explicit operator bool() const { return value != 0; }
    friend bool operator==(OrderId, OrderId) = default;
};

enum class OrderState : u8 {
    Pending,       // sent; the venue has not answered yet
    Live,          // accepted: resting, or being matched
    PartlyFilled,  // live, some shares executed
    Filled,        // done: every share executed
    Cancelled,     // done: the rest taken off (by us, by the venue, or at once for IOC)
    Rejected,      // done: refused by the venue
};
inline bool is_done(OrderState s) { return s >= OrderState::Filled; }

// OUCH 4.2 Time in Force (section 2.1), in seconds: 0 immediate or cancel,
// 99999 the market's hours (a day order).
enum class TimeInForce : u32 { ImmediateOrCancel = 0, Day = 99999 };

enum class OrderEvent : u8 { Accepted, Filled, Cancelled, Rejected };

// One answer of the venue, applied: `state`, `open` and `filled` are the
// order's after it.
struct OrderUpdate {
    OrderId id;
    Locate locate;
    char side;
    OrderEvent event;
    OrderState state;
    Shares shares;  // Filled: executed by this answer; Cancelled: taken off by it
    Price price;    // Filled: the execution's price; otherwise the order's
    Shares open;    // still working at the venue
    Shares filled;  // executed in all
    char reason;    // Cancelled, Rejected: the venue's reason code (OUCH 4.2, 3.4 and 3.8)
};

// Our shares in one symbol, kept by order entry from the venue's answers:
// bought and sold are executions; open_buy and open_sell are shares of
// orders still working (sent, and not yet known filled or cancelled).
struct Position {
    i64 net;                   // bought less sold
    Shares bought, sold;       // executed, each side
    Shares open_buy, open_sell;
};

// The order's id if it passed the risk checks and was sent; 0 otherwise
// (each refusal counted under its reason).
OrderId send_order(Orders* orders, Locate locate, char side, Shares shares, Price price,
                   TimeInForce time_in_force = TimeInForce::ImmediateOrCancel);
// Asks the venue to cancel what is left of an open order (OUCH 4.2 Cancel
// Order with 0 shares). False if the order is not open, or a cancel for it
// was already sent; the Canceled answer comes through on_order.
bool cancel_order(Orders* orders, OrderId id);
// The symbol's position; nullptr for a locate beyond the books'.
const Position* position(const Orders* orders, Locate locate);

struct Strategy {
    void* state;
    void (*on_trade)(void* state, const Trade* trade, const SymbolState* symbol, Orders* orders);
    void (*on_book)(void* state, const BookChange* change, const SymbolState* symbol, Orders* orders);
    void (*on_bbo)(void* state, const Bbo* bbo, const SymbolState* symbol, Orders* orders);
    void (*on_status)(void* state, const BookStatus* status, const SymbolState* symbol, Orders* orders);
    void (*on_feed)(void* state, const FeedStatus* status, Orders* orders);
    void (*on_order)(void* state, const OrderUpdate* update, Orders* orders);
};

// The sample strategy: when the spread of a symbol narrows to at most
// `max_spread` (Price(4) units), buy `shares` at the offer; once per
// narrowing -- it trades again only after the spread has widened. The risk
// gate's position limit ends its buying. It exists to exercise the path
// from market data to an order, not to make money.
struct SpreadTakerState {
    Price max_spread;
    Shares shares;
    u8 done[1 << 16];  // per stock locate: traded since the spread last narrowed
};
void spread_taker_on_bbo(void* state, const Bbo* bbo, const SymbolState* symbol, Orders* orders);
// `state` cleared and set up, and the Strategy that runs it.
Strategy spread_taker(SpreadTakerState* state, Price max_spread, Shares shares);

}  // namespace tk::trade
