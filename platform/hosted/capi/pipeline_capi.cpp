// C ABI over the tick-to-trade pipeline for Python tests (test_pipeline.py):
// MoldUDP64 datagrams in, the frames the pipeline sends captured.

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>
#include <new>

#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "tk/tsc.h"
#include "platform/hosted/startup_memory.h"
#include "kernel/net/ports.h"

using namespace tk;

namespace {

// A strategy that records every callback, for tests of the strategy API:
// (kind 't'/'k'/'b'/'s', locate, then per kind: side, price, shares, orders or
// match number; bid price, bid shares, ask price, ask shares; trusted,
// orphans, lost; and last the feed sequence) per event; for on_feed
// ('f', 0, stale, known end, 0, 0, next sequence); for on_order ('o',
// locate, event << 8 | state, price, shares, reason << 32 | open, order id).
// The sample strategy still runs behind it, so its orders can be checked
// beside the events.
struct Recorder {
    static constexpr u32 kEvents = 1 << 18;
    u64 events[kEvents][7];
    u32 count = 0;
    trade::SpreadTakerState* sample = nullptr;
    void add(u64 kind, u64 locate, u64 side, u64 price, u64 shares, u64 extra, u64 sequence) {
        if (count == kEvents) return;
        u64* e = events[count++];
        e[0] = kind, e[1] = locate, e[2] = side, e[3] = price, e[4] = shares, e[5] = extra, e[6] = sequence;
    }
};

void record_trade(void* r, const trade::Trade* t, const trade::SymbolState*, trade::Orders*) {
    static_cast<Recorder*>(r)->add('t', t->locate.value, u8(t->side), t->price.value, t->shares.value, t->match_number,
                                   t->feed_sequence.value);
}
void record_book(void* r, const trade::BookChange* c, const trade::SymbolState*, trade::Orders*) {
    static_cast<Recorder*>(r)->add('k', c->locate.value, u8(c->side), c->price.value, c->shares.value, c->orders,
                                   c->feed_sequence.value);
}
void record_bbo(void* r, const trade::Bbo* b, const trade::SymbolState* symbol, trade::Orders* orders) {
    auto* recorder = static_cast<Recorder*>(r);
    recorder->add('b', b->locate.value, b->bid_price.value, b->bid_shares.value, b->ask_price.value,
                  b->ask_shares.value, b->feed_sequence.value);
    trade::spread_taker_on_bbo(recorder->sample, b, symbol, orders);
}

void record_status(void* r, const trade::BookStatus* s, const trade::SymbolState*, trade::Orders*) {
    static_cast<Recorder*>(r)->add('s', s->locate.value, s->trusted, s->orphans, s->lost, 0, s->feed_sequence.value);
}

void record_feed(void* r, const trade::FeedStatus* f, trade::Orders*) {
    static_cast<Recorder*>(r)->add('f', 0, f->stale, f->known_end.value, 0, 0, f->next_sequence.value);
}

void record_order(void* r, const trade::OrderUpdate* u, trade::Orders*) {
    static_cast<Recorder*>(r)->add('o', u->locate.value, u64(u->event) << 8 | u64(u->state), u->price.value,
                                   u->shares.value, u64(u->reason) << 32 | u->open.value, u->id.value);
}

struct HostedPipeline {
    static constexpr u32 kFrames = 1024;
    Recorder recorder;
    trade::SpreadTakerState strategy;
    net::NetStack net;
    trade::Engine engine;
    u8 frames[kFrames][2048];
    usize lengths[kFrames];
    u32 sent = 0;
    void* memory = nullptr;
    u64 bytes = 0;
};

u8* acquire(void* c) {
    auto* h = static_cast<HostedPipeline*>(c);
    return h->sent < HostedPipeline::kFrames ? h->frames[h->sent] : nullptr;
}
void send(void* c, u8*, usize n) {
    auto* h = static_cast<HostedPipeline*>(c);
    h->lengths[h->sent++] = n;
}

// A datagram to the pipeline's address (10.0.0.16), as the stack delivers it.
net::UdpDatagram to_us(net::Ipv4Address source, u16 source_port, u16 port, const u8* payload, usize length) {
    net::UdpDatagram d{};
    d.source = source;
    d.destination = 0x0A000010;
    d.source_port = source_port;
    d.destination_port = port;
    d.payload = {payload, length};
    return d;
}

}  // namespace

namespace tk::hosted {
// The engine of a pipeline made by tk_pipeline_create (journal_capi.cpp attaches a journal).
trade::Engine& pipeline_engine(void* pipeline) { return static_cast<HostedPipeline*>(pipeline)->engine; }
}  // namespace tk::hosted

extern "C" {

// `orders`, `levels`: the books' capacity (0, 0: the market-day capacity).
void* tk_pipeline_create(u32 max_spread, u32 shares, u32 max_order, i64 max_position, u32 collar_bps, u32 orders,
                         u32 levels) {
    auto* h = new (std::nothrow) HostedPipeline;
    if (!h) return nullptr;
    book::Capacity capacity = orders ? book::Capacity{orders, levels} : book::kMarketDayCapacity;
    if (!capacity.valid()) {
        delete h;
        return nullptr;
    }
    trade::EngineConfig config;
    config.gateway = 0x0A000020;
    config.rewinder = {0x0A000020, net::port::kRewinder, net::port::kFeed};
    config.feed_sources = {{0x0A000030}, 1};  // a publisher beside the rewinder
    config.limits = {max_order, max_position, collar_bps};
    config.strategy = trade::spread_taker(&h->strategy, Price{max_spread}, Shares{shares});
    config.capacity = capacity;
    h->bytes = trade::Engine::memory_bytes(config);
    h->memory = hosted::map_startup_memory(h->bytes);
    if (!h->memory) {
        delete h;
        return nullptr;
    }
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 0x10}};
    c.ip = 0x0A000010;
    c.netmask = 0xFFFFFF00;
    h->net.init(c, net::TxPort{h, acquire, send});
    // The gateway is on the link with a known MAC: no ARP round trip first.
    h->net.add_neighbor(0x0A000020, net::MacAddress{{2, 0, 0, 0, 0, 0x20}});
    h->engine.init(&h->net, config, h->memory);
    h->engine.answers.receiver().expect_session("TKORDERS01");  // the venue's order session
    if (!h->engine.bind_ports(h->net)) {
        tk_pipeline_destroy(h);
        return nullptr;
    }
    return h;
}

void tk_pipeline_destroy(void* p) {
    auto* h = static_cast<HostedPipeline*>(p);
    hosted::unmap_startup_memory(h->memory, h->bytes);
    delete h;
}

// An Ethernet frame into the stack, as mode=trade receives it: through the
// fast path first when `fast`, else (or when it declines) the general path.
// 1 if the fast path took it.
int tk_pipeline_receive_frame(void* p, const u8* frame, usize length, int fast) {
    auto* h = static_cast<HostedPipeline*>(p);
    if (fast && trade::fastpath_receive(h->engine, h->net, frame, length)) return 1;
    h->net.receive(frame, length);
    return 0;
}

// The network stack's counters (net_counter_names()) and the MoldUDP64
// receiver's (mold::counter_names()).
void tk_pipeline_net_counters(void* p, u64* out) {
    net::NetCounters c = static_cast<HostedPipeline*>(p)->net.counters();
    std::memcpy(out, &c, sizeof c);
}

void tk_pipeline_feed_counters(void* p, u64* out) {
    mold::Counters c = static_cast<HostedPipeline*>(p)->engine.pipeline.receiver().counters();
    std::memcpy(out, &c, sizeof c);
}

void tk_pipeline_feed(void* h, const u8* datagram, usize length) {
    static_cast<HostedPipeline*>(h)->engine.on_feed_datagram(datagram, length);
}

// A datagram to the feed port from `source`: dropped unless it is the
// publisher (10.0.0.48) or the rewinder (10.0.0.32).
void tk_pipeline_feed_from(void* h, u32 source, const u8* datagram, usize length) {
    static_cast<HostedPipeline*>(h)->engine.on_feed_udp(
        to_us(source, net::port::kVenueFeed, net::port::kFeed, datagram, length));
}

// An order as a strategy would ask for it, outside any callback (the token
// names the last message handled): its OrderId, 0 if not sent.
u64 tk_pipeline_send_order(void* h, u16 locate, char side, u32 shares, u32 price, u32 time_in_force) {
    return trade::send_order(&static_cast<HostedPipeline*>(h)->engine.entry, Locate{locate}, side, Shares{shares},
                             Price{price}, trade::TimeInForce(time_in_force))
        .value;
}

int tk_pipeline_cancel_order(void* h, u64 order) {
    return trade::cancel_order(&static_cast<HostedPipeline*>(h)->engine.entry, trade::OrderId{order});
}

// A datagram to the port of the venue's answers from `source`: dropped
// unless it is the gateway (10.0.0.32).
void tk_pipeline_answers_from(void* h, u32 source, const u8* datagram, usize length) {
    static_cast<HostedPipeline*>(h)->engine.answers.on_udp(
        to_us(source, net::port::kOrderGateway, net::port::kOrderLocal, datagram, length));
}

namespace {
void put_order(const trade::OpenOrder& o, i64* out) {
    out[0] = i64(o.id.value), out[1] = o.locate.value, out[2] = o.side, out[3] = i64(o.state);
    out[4] = o.price.value, out[5] = i64(o.shares.value), out[6] = i64(o.open.value), out[7] = i64(o.filled.value);
    out[8] = o.cancel_sent, out[9] = i64(o.reference);
}
}  // namespace

// An open order: (id, locate, side, state, price, shares, open, filled,
// cancel sent, the venue's reference) into out[10]; 0 if it is not open.
int tk_pipeline_order(void* h, u64 order, i64* out) {
    const trade::OpenOrder* o = static_cast<HostedPipeline*>(h)->engine.entry.open.find(trade::OrderId{order});
    if (!o) return 0;
    put_order(*o, out);
    return 1;
}

// Every open order, 10 values each (as tk_pipeline_order), up to `max`.
u32 tk_pipeline_open_orders(void* h, i64* out, u32 max) {
    u32 n = 0;
    static_cast<HostedPipeline*>(h)->engine.entry.open.for_each([&](const trade::OpenOrder& o) {
        if (n < max) put_order(o, out + 10 * n++);
    });
    return n;
}

// (net, bought, sold, open buy, open sell) of one locate.
void tk_pipeline_position(void* h, u16 locate, i64* out) {
    const trade::Position* p = trade::position(&static_cast<HostedPipeline*>(h)->engine.entry, Locate{locate});
    if (!p) {
        for (int i = 0; i < 5; ++i) out[i] = 0;
        return;
    }
    out[0] = p->net, out[1] = i64(p->bought.value), out[2] = i64(p->sold.value);
    out[3] = i64(p->open_buy.value), out[4] = i64(p->open_sell.value);
}

// The next answer the order session waits for.
u64 tk_pipeline_answers_next(void* h) {
    return static_cast<HostedPipeline*>(h)->engine.answers.receiver().next_sequence().value;
}

// Orders unanswered for `after_ticks` are sent again, as if the TSC were
// `ahead_ticks` past now: one whole walk of the table, as the trading task
// makes it a few slots at a time.
void tk_pipeline_resend(void* h, u64 after_ticks, u64 ahead_ticks) {
    trade::Orders& o = static_cast<HostedPipeline*>(h)->engine.entry;
    o.resend_after = Ticks{after_ticks};
    Ticks now{rdtsc() + ahead_ticks};
    for (u32 i = 0; i < o.open.slots(); i += trade::kResendSlotsPerCall) trade::resend_unanswered(&o, now);
}

// Forgets the frames captured so far (tk_pipeline_sent counts from 0 again).
void tk_pipeline_clear_frames(void* h) { static_cast<HostedPipeline*>(h)->sent = 0; }

u64 tk_pipeline_open_notional(void* h) { return static_cast<HostedPipeline*>(h)->engine.entry.risk.open_notional(); }

u32 tk_pipeline_sent(void* h) { return static_cast<HostedPipeline*>(h)->sent; }

usize tk_pipeline_frame(void* c, u32 i, u8* out, usize capacity) {
    auto* h = static_cast<HostedPipeline*>(c);
    if (i >= h->sent) return 0;
    usize n = h->lengths[i] < capacity ? h->lengths[i] : capacity;
    std::memcpy(out, h->frames[i], n);
    return n;
}

// The trade counters then the risk gate's, named by tk_pipeline_counter_names():
// "messages,...,rejected_open_orders," (the kernel's X-macro lists).
const char* tk_pipeline_counter_names() {
    static char names[1024];
    if (!names[0]) {
        std::strcat(names, trade::trade_counter_names());
        std::strcat(names, ouch::risk_counter_names());
    }
    return names;
}

u32 tk_pipeline_counter_count() { return u32(trade::kTradeCounters + sizeof(ouch::RiskCounters) / sizeof(u64)); }

void tk_pipeline_counters(void* c, u64* out) {
    auto* h = static_cast<HostedPipeline*>(c);
    u64 trade_values[trade::kTradeCounters];
    h->engine.trade_counters(trade_values);
    std::memcpy(out, trade_values, sizeof trade_values);
    ouch::RiskCounters r = h->engine.entry.risk.counters();
    std::memcpy(out + trade::kTradeCounters, &r, sizeof r);
}

// Puts the recorder in front of the sample strategy.
void tk_pipeline_record_events(void* c) {
    auto* h = static_cast<HostedPipeline*>(c);
    h->recorder.sample = &h->strategy;
    h->engine.pipeline.set_strategy(trade::Strategy{&h->recorder, record_trade, record_book, record_bbo, record_status, record_feed, record_order});
}

u32 tk_pipeline_event_count(void* c) { return static_cast<HostedPipeline*>(c)->recorder.count; }

u32 tk_pipeline_events(void* c, u64* out, u32 max) {
    auto* h = static_cast<HostedPipeline*>(c);
    u32 n = h->recorder.count < max ? h->recorder.count : max;
    std::memcpy(out, h->recorder.events, n * sizeof h->recorder.events[0]);
    return n;
}

// (position, volume, last price, book untrusted) of one locate.
void tk_pipeline_symbol(void* c, u16 locate, i64* out) {
    const trade::Engine& engine = static_cast<HostedPipeline*>(c)->engine;
    const trade::SymbolState& s = engine.market.symbols[locate];
    out[0] = trade::position(&engine.entry, Locate{locate})->net;
    out[1] = i64(s.volume.value), out[2] = s.last_price.value, out[3] = s.book_untrusted;
}

// The records mode=trade prints at its end (trade-counters, the books', the
// changes of trust), on stdout.
void tk_pipeline_log_records(void* h) { static_cast<HostedPipeline*>(h)->engine.log_records(); }

u64 tk_pipeline_checksum(void* h) { return static_cast<HostedPipeline*>(h)->engine.books.checksum(); }

}  // extern "C"
