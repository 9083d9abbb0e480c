#include "kernel/trade/engine.h"

#include "kernel/book/book_records.h"
#include "kernel/lib/format.h"
#include "kernel/log/log.h"

namespace tk::trade {

namespace {

u64 symbols_bytes(u32 locates) { return u64(locates) * (sizeof(SymbolState) + sizeof(Position)); }

// Where the order table starts in the engine's memory: on a cache line, one
// slot to a line (order_table.h).
u64 order_table_offset(const EngineConfig& config) {
    u64 end = book::Books::memory_bytes(config.capacity) + symbols_bytes(book::Books::bounded(config.capacity).locates);
    return (end + 63) & ~u64(63);
}

}  // namespace

u64 Engine::memory_bytes(const EngineConfig& config) {
    return order_table_offset(config) + OrderTable::memory_bytes(config.limits.max_open_orders);
}

bool Engine::bind_ports(net::NetStack& stack) {
    auto feed = [](void* engine, const net::UdpDatagram& d) { static_cast<Engine*>(engine)->on_feed_udp(d); };
    auto answers = [](void* engine, const net::UdpDatagram& d) { static_cast<Engine*>(engine)->answers.on_udp(d); };
    if (feed_port == entry.local_port || stack.bound(feed_port) || stack.bound(entry.local_port) ||
        !stack.bind_udp(feed_port, feed, this) || !stack.bind_udp(entry.local_port, answers, this))
        return false;
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
    __builtin_memset(after_books, 0, symbols_bytes(locates));
    market = MarketState{&books, symbols, locates, false, Sequence{0}};
    // Cleared in place: `entry = Orders{}` may build it on the stack first, and
    // kernel stacks are 16-32 KiB. All-zero is its empty state (plain data)
    // but for what is set up below: the risk gate, the table and the order
    // encoding (init_order_encoding).
    __builtin_memset(static_cast<void*>(&entry), 0, sizeof entry);
    entry.market = &market;
    entry.positions = positions;
    entry.open.init(static_cast<u8*>(memory) + order_table_offset(config), config.limits.max_open_orders);
    entry.net = net;
    entry.gateway = config.gateway;
    entry.gateway_port = config.gateway_port;
    entry.local_port = config.local_port;
    entry.to_gateway = net::NetStack::flow_to(config.gateway, config.gateway_port, config.local_port);
    entry.risk.init(config.limits, config.tsc_hz);
    init_order_encoding(&entry);
    entry.resend_after = Ticks{config.resend_after.value * (config.tsc_hz / 1'000'000) / 1'000};
    pipeline.init(&books, config.strategy, &market, &entry, net, config.rewinder, config.feed_sources);
    entry.strategy = &pipeline.strategy();
    answers.init(&entry, net, config.gateway, config.gateway_rewinder_port, config.local_port);
}

const char* trade_counter_names() {
#define TK_TRADE_COUNTER_NAME(name) #name ","
    return TK_PIPELINE_COUNTERS(TK_TRADE_COUNTER_NAME) TK_ORDER_ENTRY_COUNTERS(TK_TRADE_COUNTER_NAME)
        TK_ORDER_SESSION_COUNTERS(TK_TRADE_COUNTER_NAME);
#undef TK_TRADE_COUNTER_NAME
}

void Engine::trade_counters(u64 (&out)[kTradeCounters]) const {
    __builtin_memcpy(out, &pipeline.counters(), sizeof(PipelineCounters));
    u64* at = out + sizeof(PipelineCounters) / sizeof(u64);
    __builtin_memcpy(at, &entry.counters, sizeof(OrderEntryCounters));
    __builtin_memcpy(at + sizeof(OrderEntryCounters) / sizeof(u64), &answers.counters(), sizeof(OrderSessionCounters));
}

void Engine::log_orders() const {
    u32 symbols = 0;
    for (u32 l = 0; l < market.locates; ++l) {
        const Position& p = entry.positions[l];
        if (p.bought.value == 0 && p.sold.value == 0 && p.open_buy.value == 0 && p.open_sell.value == 0) continue;
        ++symbols;
        const char* stock = market.symbols[l].stock;
        int length = 8;
        while (length > 0 && (stock[length - 1] == ' ' || stock[length - 1] == 0)) --length;
        log::record("position", "locate=%u stock=%.*s net=%ld bought=%lu sold=%lu open-buy=%lu open-sell=%lu", l,
                    length, stock, (long)p.net, (unsigned long)p.bought.value, (unsigned long)p.sold.value,
                    (unsigned long)p.open_buy.value, (unsigned long)p.open_sell.value);
    }
    u32 shown = 0;
    entry.open.for_each([&](const OpenOrder& o) {
        if (shown == kShownOpenOrders) return;
        ++shown;
        log::record("open-order", "id=%lu locate=%u side=%c state=%u price=%u shares=%lu open=%lu filled=%lu",
                    (unsigned long)o.id.value, o.locate.value, o.side, unsigned(o.state), o.price.value,
                    (unsigned long)o.shares.value, (unsigned long)o.open.value, (unsigned long)o.filled.value);
    });
    log::record("orders-summary", "positions=%u open-orders=%u shown=%u open-notional=%lu", symbols, entry.open.size(),
                shown, (unsigned long)entry.risk.open_notional());
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
    log_orders();
    book::log_records(books);
    pipeline.log_status_changes();
    pipeline.log_stale_periods();
}

}  // namespace tk::trade
