#include "kernel/trade/engine.h"

#include "kernel/book/book_records.h"
#include "kernel/lib/format.h"
#include "kernel/log/log.h"

namespace tk::trade {

u64 Engine::memory_bytes(const book::Capacity& capacity) {
    return book::Books::memory_bytes(capacity) +
           u64(book::Books::bounded(capacity).locates) * (sizeof(SymbolState) + sizeof(Position));
}

bool Engine::bind_feed(net::NetStack& stack) {
    auto deliver = [](void* engine, const net::UdpDatagram& d) { static_cast<Engine*>(engine)->on_feed_udp(d); };
    if (!stack.bind_udp(feed_port, deliver, this)) return false;
    feed_stack_ = &stack;
    return true;
}

void Engine::init(net::NetStack* net, const EngineConfig& config, void* memory) {
    feed_port = config.feed_port;
    feed_stack_ = nullptr;
    books.init(memory, config.capacity);
    u32 locates = books.capacity().locates;
    u8* after_books = static_cast<u8*>(memory) + book::Books::memory_bytes(config.capacity);
    auto* symbols = reinterpret_cast<SymbolState*>(after_books);
    auto* positions = reinterpret_cast<Position*>(after_books + u64(locates) * sizeof(SymbolState));
    __builtin_memset(after_books, 0, u64(locates) * (sizeof(SymbolState) + sizeof(Position)));
    market = MarketState{&books, symbols, locates, false, Sequence{0}};
    // Cleared in place: `entry = Orders{}` may build it on the stack first, and
    // kernel stacks are 16-32 KiB. All-zero is its empty state (plain data; the
    // risk gate is set up below).
    __builtin_memset(static_cast<void*>(&entry), 0, sizeof entry);
    entry.market = &market;
    entry.positions = positions;
    entry.net = net;
    entry.gateway = config.gateway;
    entry.gateway_port = config.gateway_port;
    entry.local_port = config.local_port;
    entry.risk.init(config.limits, config.tsc_hz);
    pipeline.init(&books, config.strategy, &market, &entry, net, config.rewinder, config.feed_sources);
}

const char* trade_counter_names() {
#define TK_TRADE_COUNTER_NAME(name) #name ","
    return TK_PIPELINE_COUNTERS(TK_TRADE_COUNTER_NAME) TK_ORDER_ENTRY_COUNTERS(TK_TRADE_COUNTER_NAME);
#undef TK_TRADE_COUNTER_NAME
}

void Engine::trade_counters(u64 (&out)[kTradeCounters]) const {
    __builtin_memcpy(out, &pipeline.counters(), sizeof(PipelineCounters));
    __builtin_memcpy(out + sizeof(PipelineCounters) / sizeof(u64), &entry.counters, sizeof(OrderEntryCounters));
}

void Engine::log_records() const {
    const ouch::RiskCounters& r = entry.risk.counters();
    u64 values[kTradeCounters];
    trade_counters(values);
    char risk[64];
    format(risk, sizeof risk, "risk-rejected=%lu kill-switch=%d", (unsigned long)r.rejected(), entry.risk.killed());
    log::counters("trade-counters", trade_counter_names(), values, kTradeCounters, risk);
    log::counters("risk-counters", ouch::risk_counter_names(), reinterpret_cast<const u64*>(&r),
                  sizeof(ouch::RiskCounters) / sizeof(u64));
    book::log_records(books);
    pipeline.log_status_changes();
    pipeline.log_stale_periods();
}

}  // namespace tk::trade
