#include "bench/pc/bench_mode.h"

#include "bench/decode_book_loop.h"
#include "bench/frames.h"
#include "bench/rx_to_app_loop.h"
#include "bench/strategy_events.h"
#include "kernel/feed/itch.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/log/log.h"
#include "kernel/net/replay_nic.h"
#include "kernel/net/stack.h"
#include "kernel/prof/stats.h"
#include "kernel/sched/scheduler.h"
#include "kernel/journal/ring.h"
#include "kernel/trade/compiled_strategy.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "kernel/trade/trading_mode.h"
#include "platform/pc/clock.h"
#include "platform/pc/memory.h"
#include "tk/tsc.h"
#include "kernel/net/ports.h"

namespace tk::pc {
namespace {

constexpr usize kSamples = 2000;
constexpr u32 kSwitchesPerSample = 100;
u64 g_samples[kSamples];

void start_scheduler() {
    sched::Config c;
    c.cores = 1;
    c.clock = tsc_clock();
    c.return_when_idle = true;
    sched::init(c);
}

// Two tasks yield to each other; a sample is the mean over 100 switches.
void switching_task(void*) {
    for (usize s = 0; s < kSamples; ++s) {
        u64 t0 = tsc_begin();
        for (u32 i = 0; i < kSwitchesPerSample / 2; ++i) sched::yield();
        g_samples[s] = (tsc_end() - t0) / kSwitchesPerSample;
    }
}

void partner_task(void*) {
    for (u32 i = 0; i < kSamples * kSwitchesPerSample / 2 + 1; ++i) sched::yield();
}

// From the sleeper's deadline to the sleeper running again: the timer
// interrupt, the handler, waking it and switching to it.
void sleeping_task(void*) {
    for (usize s = 0; s < kSamples; ++s) {
        u64 deadline = rdtsc() + tsc_clock().to_ticks(Nanos{50'000}).value;
        sched::sleep_until(Ticks{deadline});
        g_samples[s] = tsc_end() - deadline;
    }
}

// Receive path in instructions (bench/rx_to_app_loop.h). The in-memory NIC stands in for virtio-net,
// whose ring access (two loads, a store) it shares; QEMU's device emulation
// would otherwise be counted too.
net::ReplayNic g_nic;
net::NetStack g_stack;
u64 g_delivered;

u8* acquire(void*) { return g_nic.tx_acquire(); }
void send(void*, u8* frame, usize length) { g_nic.tx_send(frame, u32(length)); }
void consume(void*, const net::UdpDatagram&) { ++g_delivered; }

void measure_rx_to_app() {
    g_stack.init(bench::rx_to_app_config(), net::TxPort{nullptr, acquire, send});
    g_stack.bind_udp(net::port::kVenueFeed, consume, nullptr);
    bench::rx_to_app_each(g_nic, g_stack, g_samples, kSamples);
    if (g_delivered == kSamples)
        prof::report("nic_rx_to_app", "pc-icount", "instructions", prof::summarize(g_samples, kSamples));
}

// Tick to trade in instructions: the same path and frames as the hosted
// tick_to_trade benchmark (bench/ttt_bench.cpp) -- a one-message MoldUDP64
// frame in the receive ring, through the UDP stack, MoldUDP64, ITCH, the
// book, the strategy, the risk gate and OUCH, to the order frame handed to
// the transmit ring.
trade::Engine g_engine;
trade::SpreadTakerState g_strategy;
journal::Ring g_journal_ring;
constexpr u16 kFeedPort = net::port::kFeed;


void take_one() {
    net::NetworkPacket p;
    if (g_nic.receive_packet(p)) {
        // As the trading task: the fast path, else the stack.
        if (!trade::fastpath_receive(g_engine, g_stack, p.data, p.length)) g_stack.receive(p.data, p.length);
        g_nic.release(p);
    }
}

// kSamples spans of tick to trade, each a frame whose offer narrows the
// spread and makes the sample strategy send an order; true if every frame did.
bool sample_tick_to_trade(u64& sequence, journal::Ring* ring) {
    const net::NetConfig& us = g_stack.config();
    static u8 frame[2048];
    g_engine.entry.journal = ring;
    usize taken = 0;
    for (usize s = 0; s < kSamples; ++s) {
        u64 reference = 1000 + sequence;
        u64 trigger = sequence;
        // The trading loop's, while it waited for the frame: as the hosted
        // and the Linux guest's run of this loop (bench/ttt_bench.cpp).
        trade::idle_turn(g_nic, g_engine);
        g_nic.inject(frame, bench::order_frame(us, kFeedPort, frame, sequence++, reference, 'S', 100'0100));
        u64 sent = g_engine.entry.counters.orders;
        u64 t0 = tsc_begin();
        take_one();
        u64 t1 = tsc_end();
        if (g_engine.entry.counters.orders == sent + 1) g_samples[taken++] = t1 - t0;
        bench::answer_order(g_engine, trigger);
        g_nic.inject(frame, bench::order_frame(us, kFeedPort, frame, sequence++, reference, 0, 0));
        take_one();
        g_strategy.done[bench::kLocate] = 0;
        if (ring)
            while (ring->peek()) ring->pop();
    }
    g_engine.entry.journal = nullptr;
    return taken == kSamples && (!ring || ring->lost() == 0);
}

void measure_tick_to_trade() {
    trade::EngineConfig config = bench::engine_config(kFeedPort, g_strategy);
    void* memory = alloc_startup_memory(0, trade::Engine::memory_bytes(config));
    if (!memory) {
        log::info("bench: no memory for the market-day order books");
        return;
    }
    bench::start_engine(g_stack, g_engine, config, memory);
    const net::NetConfig& us = g_stack.config();
    static u8 frame[2048];
    u64 sequence = 1;
    g_nic.inject(frame, bench::directory_frame(us, kFeedPort, frame, sequence++));
    take_one();
    g_nic.inject(frame, bench::order_frame(us, kFeedPort, frame, sequence++, 1, 'B', 100'0000));
    take_one();
    if (sample_tick_to_trade(sequence, nullptr))
        prof::report("tick_to_trade_replay", "pc-icount", "instructions", prof::summarize(g_samples, kSamples));
    // The same with the journal: the order's record goes into the ring, which
    // is emptied between samples, outside the span, as the writer's CPU would.
    g_journal_ring.init();
    if (sample_tick_to_trade(sequence, &g_journal_ring))
        prof::report("tick_to_trade_replay_journalled", "pc-icount", "instructions", prof::summarize(g_samples, kSamples));
}

// Decode plus book update per message, in instructions (the loop tk_bench
// runs in the Linux RT guest too: bench/decode_book_loop.h).
void measure_decode_book() {
    if (bench::decode_book_one_symbol(g_engine.books, g_samples, kSamples))
        prof::report("itch_decode_book_one_symbol", "pc-icount", "instructions", prof::summarize(g_samples, kSamples));
}

// Instructions per on_bbo callback over the strategy events: the strategy
// compiled from Python that this kernel links (tk_py_strategy; `make`'s
// default, strategies/spread_taker.py) and the hand-written C++ spread
// taker. Both reach send_order, refused for locates no Stock Directory
// named. Each callback is timed alone: under -icount the TSC counts
// instructions, exactly.
void measure_strategy() {
    if (!g_engine.entry.market) return;  // measure_tick_to_trade found no memory for the engine
    static trade::Bbo events[bench::kStrategyEvents];
    static trade::SymbolState symbols[bench::kStrategySymbols];
    static trade::SpreadTakerState cpp_state;
    bench::make_strategy_events(events, bench::kStrategyEvents);
    trade::Strategy cpp = trade::spread_taker(&cpp_state, Price{100}, Shares{100});
    const trade::Strategy* strategies[] = {&tk_py_strategy.strategy, &cpp};
    const char* names[] = {"strategy_on_bbo", "cpp_strategy_on_bbo"};
    for (u32 k = 0; k < 2; ++k) {
        const trade::Strategy& s = *strategies[k];
        for (usize i = 0; i < kSamples; ++i) {
            const trade::Bbo& e = events[i % bench::kStrategyEvents];
            trade::SymbolState* symbol = &symbols[e.locate.value - bench::kStrategyFirstLocate];
            u64 t0 = tsc_begin();
            s.on_bbo(s.state, &e, symbol, &g_engine.entry);
            g_samples[i] = tsc_end() - t0;
        }
        prof::report(names[k], "pc-icount", "instructions", prof::summarize(g_samples, kSamples));
    }
}

}  // namespace

void run_benchmarks() {
    start_scheduler();
    sched::create_task(sched::Priority::Normal, switching_task, nullptr, 16384);
    sched::create_task(sched::Priority::Normal, partner_task, nullptr, 16384);
    sched::run();
    prof::report("context_switch_batched", "pc-icount", "instructions", prof::summarize(g_samples, kSamples),
                 kSwitchesPerSample);

    start_scheduler();
    sched::create_task(sched::Priority::Critical, sleeping_task, nullptr, 16384);
    sched::run();
    prof::report("timer_wakeup_lateness", "pc-icount", "instructions",
                 prof::summarize(g_samples, kSamples));

    measure_rx_to_app();
    measure_tick_to_trade();
    measure_decode_book();
    measure_strategy();
}

}  // namespace tk::pc
