// The sample strategy (declared in strategy.h).
#include "kernel/trade/strategy.h"

namespace tk::trade {

void spread_taker_on_bbo(void* state, const Bbo* bbo, const SymbolState*, Orders* orders) {
    auto* s = static_cast<SpreadTakerState*>(state);
    if (!bbo->bid_shares || !bbo->ask_shares) return;
    // Unsigned: a crossed book (offer below bid) is never a narrow spread.
    if (bbo->ask_price - bbo->bid_price > s->max_spread) {
        s->done[bbo->locate] = 0;  // wide again: the next narrowing trades
        return;
    }
    if (s->done[bbo->locate]) return;
    if (send_order(orders, bbo->locate, 'B', s->shares, bbo->ask_price)) s->done[bbo->locate] = 1;
}

Strategy spread_taker(SpreadTakerState* state, u32 max_spread, u32 shares) {
    __builtin_memset(static_cast<void*>(state), 0, sizeof *state);
    state->max_spread = max_spread;
    state->shares = shares;
    return Strategy{state, nullptr, nullptr, spread_taker_on_bbo, nullptr, nullptr};
}

}  // namespace tk::trade
