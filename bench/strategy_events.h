// The events the strategy benchmarks feed a strategy's on_bbo, hosted
// (bench/strategy_bench.cpp), pc-icount (bench/pc/bench_mode.cpp) and
// CPython (tradekernel/bench.py reads them from `tk_bench strategy_events`):
// 64 symbols at stock locates no Stock Directory named, so order entry
// refuses each order the same cheap way for every strategy, and the figure is
// the strategy's own code. Each event moves one symbol's book; about one in
// four narrows the spread to one tick, where the spread taker tries to buy.
// Freestanding: no libc, so the kernel build can include it too.
#pragma once

#include "kernel/trade/strategy.h"

namespace tk::bench {

inline constexpr u32 kStrategyEvents = 4096;
inline constexpr u16 kStrategyFirstLocate = 1000;
inline constexpr u16 kStrategySymbols = 64;

inline void make_strategy_events(trade::Bbo* out, u32 n) {
    u64 x = 0x9E3779B97F4A7C15ull;  // xorshift64
    for (u32 i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        u16 symbol = u16(x % kStrategySymbols);
        u32 bid = 100'0000 + u32(x >> 8) % 50 * 100;
        u32 ticks = (x >> 20) % 4 == 0 ? 1 : 2 + u32(x >> 24) % 3;
        out[i] = trade::Bbo{Locate{u16(kStrategyFirstLocate + symbol)}, Price{bid}, Shares{100 + (x >> 30) % 900},
                            Price{bid + ticks * 100}, Shares{100 + (x >> 40) % 900}, Sequence{i + 1}};
    }
}

}  // namespace tk::bench
