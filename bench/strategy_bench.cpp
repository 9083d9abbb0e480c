// strategy_on_bbo_batched: the strategy compiled from Python
// (strategies/spread_taker.py, linked as tk_py_strategy) called on each of
// the strategy events; cpp_strategy_on_bbo_batched: the hand-written C++
// spread taker on the same events, in the same run. Both reach order entry's
// send_order, which refuses (no Stock Directory for those locates) the same
// way. A callback is a few nanoseconds, below the TSC's 10 ns steps here,
// so a sample is the mean of a batch of 32.

#include "bench/strategy_bench.h"

#include <cstdio>
#include <cstdlib>

#include "bench/frames.h"
#include "bench/measure.h"
#include "bench/strategy_events.h"
#include "kernel/net/ports.h"
#include "kernel/trade/engine.h"
#include "platform/hosted/startup_memory.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

constexpr u32 kSamples = 20000;

net::NetStack g_net;
trade::Engine g_engine;
trade::SpreadTakerState g_unused;  // engine_config's own strategy, never called here
trade::SpreadTakerState g_cpp;
trade::Bbo g_events[kStrategyEvents];
trade::SymbolState g_symbols[kStrategySymbols];

trade::Orders* orders() {
    static bool started = false;
    if (!started) {
        net::NetConfig c{};
        c.mac = {{0x02, 0, 0, 0, 0, 0x10}};
        c.ip = 0x0A000010;
        c.netmask = 0xFFFFFF00;
        // Nothing is sent (every order is refused), so no frame is ever needed.
        g_net.init(c, net::TxPort{nullptr, [](void*) -> u8* { return nullptr; }, [](void*, u8*, usize) {}});
        trade::EngineConfig config = engine_config(net::port::kVenueFeed, g_unused);
        void* memory = hosted::map_startup_memory(trade::Engine::memory_bytes(config));
        if (!memory) {
            std::fprintf(stderr, "strategy_on_bbo: no memory for the order books\n");
            std::exit(1);
        }
        start_engine(g_net, g_engine, config, memory);
        make_strategy_events(g_events, kStrategyEvents);
        started = true;
    }
    return &g_engine.entry;
}

}  // namespace

trade::Strategy cpp_spread_taker() { return trade::spread_taker(&g_cpp, Price{100}, Shares{100}); }

std::vector<double> strategy_on_bbo(double tpn, const trade::Strategy& s) {
    trade::Orders* o = orders();
    auto call = [&](u32 i) {
        const trade::Bbo& e = g_events[i % kStrategyEvents];
        s.on_bbo(s.state, &e, &g_symbols[e.locate.value - kStrategyFirstLocate], o);
    };
    for (u32 i = 0; i < kStrategyEvents; ++i) call(i);  // warm
    std::vector<double> samples;
    samples.reserve(kSamples);
    u32 at = 0;
    for (u32 n = 0; n < kSamples; ++n) {
        u64 t0 = tsc_begin();
        for (u32 k = 0; k < kStrategyBatch; ++k) call(at++);
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0) / tpn / kStrategyBatch);
    }
    return samples;
}

void print_strategy_events() {
    trade::Bbo events[kStrategyEvents];
    make_strategy_events(events, kStrategyEvents);
    for (const trade::Bbo& e : events)
        std::printf("%u %u %lu %u %lu %lu\n", e.locate.value, e.bid_price.value, (unsigned long)e.bid_shares.value,
                    e.ask_price.value, (unsigned long)e.ask_shares.value, (unsigned long)e.feed_sequence.value);
}

}  // namespace tk::bench
