// What the pipeline knows of the market: per stock locate the symbol's name,
// best bid and offer, volume and book trust, whether the feed is behind, and
// which feed message is being handled. Only the pipeline writes it;
// strategies and order entry read it. Order entry's own state (risk,
// positions, tokens) is kernel/trade/order_entry.h.
#pragma once

#include "kernel/book/order_book.h"
#include "kernel/trade/strategy.h"

namespace tk::trade {

struct MarketState {
    const book::Books* books;  // for the price collar's reference
    SymbolState* symbols;      // `locates` of them
    u32 locates;               // the books' locates (book::Capacity)
    bool feed_stale;           // FeedStatus: every book lags the market
    Sequence trigger_sequence; // of the message being handled
};

// Remembers the 8-character ITCH Stock field of a locate (Stock Directory).
inline void set_symbol(MarketState* m, Locate locate, const u8* stock) {
    if (locate.value >= m->locates) return;  // no book for it: never traded
    for (int i = 0; i < 8; ++i) m->symbols[locate.value].stock[i] = char(stock[i]);
}

}  // namespace tk::trade
