// A strategy's on_bbo callback alone (bench/strategy_bench.cpp).
#pragma once

#include <vector>

#include "kernel/trade/strategy.h"

namespace tk::bench {

// Batches of kStrategyBatch callbacks over the strategy events; each sample
// is a batch's mean, ns.
inline constexpr unsigned kStrategyBatch = 32;
std::vector<double> strategy_on_bbo(double ticks_per_ns, const trade::Strategy& strategy);
// The hand-written C++ spread taker (kernel/trade/spread_taker.cpp), set up
// as the Python one is (100, 100).
trade::Strategy cpp_spread_taker();
// One line per event: locate bid_price bid_shares ask_price ask_shares feed_sequence.
void print_strategy_events();

}  // namespace tk::bench
