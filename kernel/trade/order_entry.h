// Order entry: what stands between a strategy and the exchange. Each order a
// strategy asks for passes the risk gate, is encoded as an OUCH 4.2 Enter
// Order and sent over UDP to the order gateway, and is kept in the order
// table until the venue's answers (Accepted, Executed, Canceled, Rejected)
// say it is done. Positions move with executions only; the position limit
// holds the worst case of what is still open on the order's side (every open
// buy filled, or every open sell), so it holds before the venue answers.
#pragma once

#include "kernel/journal/ring.h"
#include "kernel/net/stack.h"
#include "kernel/trade/market_state.h"
#include "kernel/trade/order_table.h"
#include "kernel/trade/ouch.h"
#include "kernel/trade/ouch_outbound.h"
#include "kernel/trade/strategy.h"

namespace tk::trade {


// One list, so the struct, the kernel's record and the host's names agree.
// Sending:
//   orders            sent to the gateway
//   unknown_symbol    no Stock Directory message named the locate yet
//   untrusted_book    the symbol's book could not be trusted
//   stale_feed        the feed was behind: every book lagged the market
//   send_failed       no transmit buffer, or the gateway's MAC unknown
//   token_exhausted   no unique token left for it (see make_token)
//   order_table_full  no slot in the order table (the risk gate's open-order
//                     limit is the table's size, so it takes a bug)
//   cancels           Cancel Orders sent
//   resends           Enter Orders sent again, unanswered (resend_unanswered)
//   resends_given_up  orders still unanswered after kMaxResends: left pending
//   cancel_refused    asked to cancel an order not open, or already being cancelled
// The venue's answers (apply_response):
//   venue_accepted .. venue_rejected   answers of each kind applied
//   orders_filled, orders_cancelled    orders done so (rejected: venue_rejected)
//   broken_trades     Broken Trade: counted, and the kill switch thrown (the
//                     position is no longer known: it is not reversed)
//   orders_unanswered open when the venue ended the day (System Event 'E'):
//                     taken off as cancelled, reason 'E' (an Enter Order lost
//                     on the way, say)
//   unknown_order     an answer naming no open order (late, or not ours)
//   inconsistent      an answer the order cannot take (more shares executed
//                     or cancelled than open, a second Accepted, an
//                     execution before any Accepted): applied up to what was
//                     open, and counted; one of 0 shares is not applied
//   other_answers     System Event, Cancel Pending and Reject, Priority
//                     Update, Modified, Replaced (never asked for): counted
#define TK_ORDER_ENTRY_COUNTERS(X)                                                                   \
    X(orders) X(unknown_symbol) X(untrusted_book) X(stale_feed) X(send_failed) X(token_exhausted)     \
    X(order_table_full) X(cancels) X(resends) X(resends_given_up) X(cancel_refused) X(venue_accepted) X(venue_executions) X(venue_cancels)               \
    X(venue_rejected) X(orders_filled) X(orders_cancelled) X(broken_trades) X(orders_unanswered)      \
    X(unknown_order)                                                                                 \
    X(inconsistent) X(other_answers)

struct OrderEntryCounters {
#define TK_ORDER_ENTRY_COUNTER_FIELD(name) u64 name;
    TK_ORDER_ENTRY_COUNTERS(TK_ORDER_ENTRY_COUNTER_FIELD)
#undef TK_ORDER_ENTRY_COUNTER_FIELD
};

struct Orders {
    const MarketState* market;  // read only: symbols, trust, the feed's state
    Position* positions;        // `market->locates` of them
    OrderTable open;            // sent, not yet done
    const Strategy* strategy;   // told of each answer (on_order)
    // Where orders, answers, rejections and the feed's gaps are journalled
    // (kernel/journal/ring.h); null: not journalled.
    journal::Ring* journal;
    net::NetStack* net;
    net::Ipv4Address gateway;
    u16 gateway_port, local_port;
    net::UdpFlow to_gateway;  // Enter Orders' headers, written once (stack.h)
    ouch::RiskGate risk;
    OrderEntryCounters counters;
    // How many orders the feed message market->trigger_sequence has
    // triggered: the Order Token is made of both (see make_token), so each
    // order names the market-data message that caused it. An order sent
    // between messages (from on_feed, or by a caller outside any callback)
    // names the last message handled; tokens stay unique.
    Sequence token_trigger;
    u32 trigger_orders;
    // The ten digits of a trigger's sequence number in an order's token,
    // and whose they are: written once a message (render_trigger_digits),
    // by the first order it triggers or ahead of it, by warm_next_order.
    Sequence token_digits_of;
    char token_digits[10];
    // Enter Order's fields that are the same for every order, encoded once
    // (init_order_encoding).
    ouch::EnterOrderTemplate enter_order;
    // For in-guest spans (mode=trade): rdtscp once an order is handed to the
    // NIC. Off unless asked for: the read cost the hosted tick_to_trade
    // benchmark 20 ns of its 160 ns median.
    bool stamp_sends;
    Ticks last_sent_tsc;
    // Sending again an order the venue has not answered
    // (resend_unanswered): after how long (0: never), and where the walk
    // through the table is.
    Ticks resend_after;
    u32 resend_cursor;
};

// Order Token (OUCH 4.2 section 2.1, 14 Alpha): the trigger's MoldUDP64
// sequence number in 10 decimal digits, then the order's index among those
// it triggered in 4. Each message is delivered once, so tokens are unique
// for the session as long as both fit: false (no token written) for a
// sequence of 10^10 or more or a 10,001st order on one message, which is
// then not sent.
inline constexpr u64 kTokenSequences = 10'000'000'000ull;
inline constexpr u32 kTokenOrdersPerMessage = 10'000;
bool make_token(Sequence trigger_sequence, u32 index, char token[14]);
// The order's id: its token's value plus one (token_id).
inline OrderId order_id(Sequence trigger_sequence, u32 index) {
    return OrderId{trigger_sequence.value * kTokenOrdersPerMessage + index + 1};
}
// The token read back as an OrderId: its 14 digits as a number, plus one (the
// first order of a session may be triggered by no message, sequence 0);
// 0 unless the token is 14 decimal digits.
OrderId token_id(const char token[14]);

// An order still pending -- no answer at all -- `resend_after` after its
// Enter Order went out is sent again, the same message with the same token:
// OUCH 4.2 (section 2.1) has the venue ignore a token it already has, so a
// resend can only bring an Enter Order lost on the way, never a second
// order. At most kMaxResends times; then it stays pending (counted), until
// the venue's end of day takes it off. Called by the trading task when the
// NIC has nothing: it looks at kResendSlotsPerCall slots of the table each
// time, so a call is short and the table is walked a little at a time.
inline constexpr u8 kMaxResends = 3;
inline constexpr u32 kResendSlotsPerCall = 8;
void resend_unanswered(Orders* orders, Ticks now);

// Once, before the first order: the Enter Order's fields that never change,
// encoded (send_order writes each order over them).
void init_order_encoding(Orders* orders);
// Makes token_digits those of `trigger` (a no-op if they are).
void render_trigger_digits(Orders* orders, Sequence trigger);

// For the trading task when the NIC has nothing: the table slot of the first
// order message `next` (the feed's next in sequence) could trigger, made
// ready to be written, and its token's digits rendered. The table is larger
// than the core's nearer caches and each order's slot is a scattered one
// (order_table.h), so without this the insert waits for a line from memory
// while the order is on its way out.
inline void warm_next_order(Orders* orders, Sequence next) {
    orders->open.warm(order_id(next, 0));
    render_trigger_digits(orders, next);
}

// One answer of the venue, in the order the venue sent it: moves the order's
// state, the position and the risk gate's open figures, then tells the
// strategy (on_order).
void apply_response(Orders* orders, const ouch::Response& response);

}  // namespace tk::trade
