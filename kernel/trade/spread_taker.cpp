// The sample strategy (declared in strategy.h).
#include "kernel/trade/strategy.h"

namespace tk::trade {

void spread_taker_on_bbo(void* state, const Bbo* bbo, const SymbolState*, Orders* orders) {
    auto* s = static_cast<SpreadTakerState*>(state);
    if (bbo->bid_shares == Shares{0} || bbo->ask_shares == Shares{0}) return;
    // Unsigned: a crossed book (offer below bid) is never a narrow spread.
    u8& done = s->done[bbo->locate.value];
    if (bbo->ask_price - bbo->bid_price > s->max_spread) {
        done = 0;  // wide again: the next narrowing trades
        return;
    }
    if (done) return;
    if (send_order(orders, bbo->locate, 'B', s->shares, bbo->ask_price)) done = 1;
}

Strategy spread_taker(SpreadTakerState* state, Price max_spread, Shares shares) {
    __builtin_memset(static_cast<void*>(state), 0, sizeof *state);
    state->max_spread = max_spread;
    state->shares = shares;
    return Strategy{state, nullptr, nullptr, spread_taker_on_bbo, nullptr, nullptr, nullptr};
}

}  // namespace tk::trade
