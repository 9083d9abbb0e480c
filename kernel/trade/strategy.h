// The strategy API: plain functions and structs (no templates, no virtual
// calls), so that strategies compiled from Python later can target it.
//
//   void on_bbo(void* state, const tk::trade::Bbo* bbo, tk::trade::Orders* orders);
//
// A strategy sees best-bid-and-offer changes of the symbols it trades and
// asks for orders through `orders`, which passes each one through the risk
// gate and hands accepted ones to the OUCH gateway.
#pragma once

#include "tk/types.h"

namespace tk::trade {

struct Bbo {
    u16 locate;
    u32 bid_price, bid_shares;  // 0 shares: no bid
    u32 ask_price, ask_shares;  // 0 shares: no offer
    u64 feed_sequence;          // the MoldUDP64 sequence of the message that changed it
};

struct Orders;  // order entry: risk gate and OUCH gateway (kernel/trade/order_entry.h)

// Returns true if the order passed the risk checks and was sent.
bool send_order(Orders* orders, u16 locate, char side, u32 shares, u32 price);

struct Strategy {
    void* state;
    void (*on_bbo)(void* state, const Bbo* bbo, Orders* orders);
};

// The sample strategy: when the spread of a symbol narrows to at most
// `max_spread` (Price(4) units), buy `shares` at the offer; once per
// narrowing -- it trades again only after the spread has widened. The risk
// gate's position limit ends its buying. It exists to exercise the path
// from market data to an order, not to make money.
struct SpreadTakerState {
    u32 max_spread;
    u32 shares;
    u8 done[1 << 14];  // per locate: traded since the spread last narrowed
};
void spread_taker_on_bbo(void* state, const Bbo* bbo, Orders* orders);

}  // namespace tk::trade
