// libFuzzer: frames through the whole trading path -- network stack,
// MoldUDP64, ITCH, books, the sample strategy, the risk gate and the OUCH
// encoder, and the venue's answers to the orders -- as mode=trade wires
// them. A record's first byte chooses: even, the rest is wrapped in a valid
// Ethernet/IPv4/UDP frame from the gateway to the feed port (the fuzzer
// cannot be expected to compute header checksums); 3 mod 4, the same to the
// port of the venue's answers; 1 mod 4, a raw frame. Every frame the kernel
// sends must be an ARP or IGMP frame, an OUCH 4.2 Enter Order the risk
// limits allow, sent while the receiver is not behind (this checks the
// wiring from the receiver to order entry; the rule for "behind" is checked
// against an independent model in test_feed_staleness.py), a Cancel Order
// (the strategy here cancels each order the venue accepts), or a MoldUDP64
// retransmission request for the feed or the answers. After each frame the
// open orders hold together: no order has more open and filled than it was
// sent with, each side's open shares are the position's, the risk gate's
// open count is the table's; and both engines journalled the same records.
//
// Two engines take every frame: one through the trading fast path first
// (kernel/trade/fastpath.h), one through the network stack alone. After each
// frame both must have sent the same bytes, made the same strategy callbacks
// (folded into a hash) and hold the same counters; at the end, the same
// books. An input of odd length configures the session, as mode=trade does.

#include <cstdio>
#include <initializer_list>

#include "kernel/net/wire.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "tests/fuzz/fuzz_input.h"
#include "kernel/net/ports.h"

using namespace tk;

namespace {

constexpr net::Ipv4Address kOurs = 0x0A000010, kGateway = 0x0A000020, kPublisher = 0x0A000030;
constexpr u16 kFeedPort = net::port::kFeed, kRewinderPort = net::port::kRewinder;
constexpr u32 kMaxShares = 1000;
constexpr book::Capacity kCapacity{64, 32, 16};  // books for locates 0-15 only

struct Harness {
    net::NetStack net;
    trade::Engine engine;
    journal::Ring journal;
    trade::SpreadTakerState strategy;
    u8 frame[net::kMaxEthernetFrame];
    u8* memory = nullptr;
    bool fast = false;
    u64 callbacks = 0, callback_hash = 0;
    // What it sent since the frame before, for comparing the two engines.
    u8 sent[8][net::kMaxEthernetFrame];
    usize sent_length[8];
    u32 sent_count = 0;
};

u8* acquire(void* c) { return static_cast<Harness*>(c)->frame; }

// True if `f` is an order.
bool check_sent(const u8* f, usize length) {
    TK_FUZZ_ASSERT(length >= net::kMinEthernetFrame && length <= net::kMaxEthernetFrame);
    u16 type = net::load_be16(f + 12);
    if (type == net::kEtherTypeArp) return false;
    TK_FUZZ_ASSERT(type == net::kEtherTypeIpv4);
    const u8* ip = f + net::kEthernetHeader;
    if (ip[9] == net::kProtoIgmp) return false;
    TK_FUZZ_ASSERT(ip[9] == net::kProtoUdp && net::load_be32(ip + 16) == kGateway);
    const u8* udp = ip + (ip[0] & 0xF) * 4;
    u16 port = net::load_be16(udp + 2);
    usize payload = net::load_be16(udp + 4) - net::kUdpHeader;
    const u8* p = udp + net::kUdpHeader;
    if (port == kRewinderPort || port == net::port::kOrderRewinder) {  // MoldUDP64 request: header, count >= 1
        TK_FUZZ_ASSERT(payload == mold::kHeader && net::load_be16(p + 18) >= 1);
        return false;
    }
    if (port == net::port::kOrderGateway && payload == ouch::kCancelOrderLength) {
        TK_FUZZ_ASSERT(p[0] == 'X' && net::load_be32(p + 15) == 0);
        for (int i = 1; i <= 14; ++i) TK_FUZZ_ASSERT(p[i] >= '0' && p[i] <= '9');
        return false;
    }
    TK_FUZZ_ASSERT(port == net::port::kOrderGateway && payload == ouch::kEnterOrderLength && p[0] == 'O');
    for (int i = 1; i <= 14; ++i) TK_FUZZ_ASSERT(p[i] >= '0' && p[i] <= '9');  // the token
    TK_FUZZ_ASSERT(ouch::valid_side(char(p[15])));
    u32 shares = net::load_be32(p + 16);
    TK_FUZZ_ASSERT(shares > 0 && shares <= kMaxShares);
    return true;
}

void send(void* c, u8* frame, usize length) {
    auto* h = static_cast<Harness*>(c);
    const trade::Engine& engine = h->engine;
    if (check_sent(frame, length)) TK_FUZZ_ASSERT(!engine.market.feed_stale && !engine.pipeline.receiver().behind());
    // A frame yields at most one request and a few orders (the sample
    // strategy's, one per narrowing); beyond kept ones only the count is compared.
    if (h->sent_count < 8) {
        std::memcpy(h->sent[h->sent_count], frame, length);
        h->sent_length[h->sent_count] = length;
    }
    ++h->sent_count;
}

// Every callback, its kind and fields, folded into the harness's hash; the
// sample strategy still runs behind on_bbo.
void fold(Harness* h, std::initializer_list<u64> values) {
    ++h->callbacks;
    for (u64 v : values) h->callback_hash = (h->callback_hash ^ v) * 0x100000001B3ull;
}
void on_trade(void* s, const trade::Trade* t, const trade::SymbolState*, trade::Orders*) {
    fold(static_cast<Harness*>(s), {'t', t->locate.value, u8(t->side), t->price.value, t->shares.value,
                                    t->match_number, t->feed_sequence.value});
}
void on_book(void* s, const trade::BookChange* c, const trade::SymbolState*, trade::Orders*) {
    fold(static_cast<Harness*>(s), {'k', c->locate.value, u8(c->side), c->price.value, c->shares.value, c->orders,
                                    c->feed_sequence.value});
}
void on_bbo(void* s, const trade::Bbo* b, const trade::SymbolState* symbol, trade::Orders* orders) {
    auto* h = static_cast<Harness*>(s);
    fold(h, {'b', b->locate.value, b->bid_price.value, b->bid_shares.value, b->ask_price.value, b->ask_shares.value,
             b->feed_sequence.value});
    trade::spread_taker_on_bbo(&h->strategy, b, symbol, orders);
}
void on_status(void* s, const trade::BookStatus* b, const trade::SymbolState*, trade::Orders*) {
    fold(static_cast<Harness*>(s), {'s', b->locate.value, b->trusted, b->orphans, b->lost, b->feed_sequence.value});
}
void on_feed_status(void* s, const trade::FeedStatus* f, trade::Orders*) {
    fold(static_cast<Harness*>(s), {'f', f->stale, f->next_sequence.value, f->known_end.value});
}
void on_order(void* s, const trade::OrderUpdate* u, trade::Orders* orders) {
    fold(static_cast<Harness*>(s), {'o', u->id.value, u8(u->event), u8(u->state), u->shares.value, u->price.value,
                                    u->open.value, u->filled.value, u8(u->reason)});
    if (u->event == trade::OrderEvent::Accepted && u->open.value) trade::cancel_order(orders, u->id);
}

// Both engines journalled the same records (types, payloads) for the frame;
// the rings are emptied, as the writer's CPU would.
void check_journal(Harness& fast, Harness& general) {
    for (;;) {
        const journal::Slot* a = fast.journal.peek();
        const journal::Slot* b = general.journal.peek();
        TK_FUZZ_ASSERT((a == nullptr) == (b == nullptr));
        if (!a) break;
        TK_FUZZ_ASSERT(a->type == b->type && a->length == b->length && a->length <= journal::kMaxPayload);
        TK_FUZZ_ASSERT(u8(a->type) >= u8(journal::RecordType::Start) && u8(a->type) <= u8(journal::RecordType::OrderResent));
        TK_FUZZ_ASSERT(std::memcmp(a->payload, b->payload, a->length) == 0);
        fast.journal.pop();
        general.journal.pop();
    }
    TK_FUZZ_ASSERT(fast.journal.lost() == 0 && general.journal.lost() == 0);
}

// The open orders hold together with the positions and the risk gate.
void check_orders(const Harness& h) {
    const trade::Orders& o = h.engine.entry;
    TK_FUZZ_ASSERT(o.open.size() == o.risk.open_orders());
    static u64 open_buy[kCapacity.locates], open_sell[kCapacity.locates];
    std::memset(open_buy, 0, sizeof open_buy);
    std::memset(open_sell, 0, sizeof open_sell);
    u64 notional = 0;
    o.open.for_each([&](const trade::OpenOrder& order) {
        notional += order.open.value * order.price.value;
        TK_FUZZ_ASSERT(order.open.value + order.filled.value <= order.shares.value);
        TK_FUZZ_ASSERT(order.open.value > 0 && !trade::is_done(order.state));
        TK_FUZZ_ASSERT(order.locate.value < kCapacity.locates);
        (ouch::is_buy(order.side) ? open_buy : open_sell)[order.locate.value] += order.open.value;
    });
    TK_FUZZ_ASSERT(o.risk.open_notional() == notional);
    for (u32 l = 0; l < kCapacity.locates; ++l) {
        const trade::Position& p = o.positions[l];
        TK_FUZZ_ASSERT(p.open_buy.value == open_buy[l] && p.open_sell.value == open_sell[l]);
        TK_FUZZ_ASSERT(p.net == i64(p.bought.value) - i64(p.sold.value));
    }
}

void receive(Harness* h, const u8* frame, usize length) {
    h->sent_count = 0;
    if (!h->fast || !trade::fastpath_receive(h->engine, h->net, frame, length)) h->net.receive(frame, length);
}

// The fast and the general engine after the same frame (their journal rings
// are emptied).
void check_same(Harness& fast, Harness& general) {
    TK_FUZZ_ASSERT(fast.sent_count == general.sent_count);
    for (u32 i = 0; i < fast.sent_count && i < 8; ++i) {
        TK_FUZZ_ASSERT(fast.sent_length[i] == general.sent_length[i]);
        TK_FUZZ_ASSERT(std::memcmp(fast.sent[i], general.sent[i], fast.sent_length[i]) == 0);
    }
    check_orders(fast);
    check_orders(general);
    check_journal(fast, general);
    u64 a[trade::kTradeCounters], b[trade::kTradeCounters];
    fast.engine.trade_counters(a);
    general.engine.trade_counters(b);
    TK_FUZZ_ASSERT(std::memcmp(a, b, sizeof a) == 0);
    TK_FUZZ_ASSERT(std::memcmp(&fast.net.counters(), &general.net.counters(), sizeof(net::NetCounters)) == 0);
    const mold::Receiver& x = fast.engine.pipeline.receiver();
    const mold::Receiver& y = general.engine.pipeline.receiver();
    TK_FUZZ_ASSERT(std::memcmp(&x.counters(), &y.counters(), sizeof(mold::Counters)) == 0);
    TK_FUZZ_ASSERT(x.next_sequence() == y.next_sequence() && x.known_end() == y.known_end());
    TK_FUZZ_ASSERT(fast.engine.market.feed_stale == general.engine.market.feed_stale);
    TK_FUZZ_ASSERT(fast.callbacks == general.callbacks && fast.callback_hash == general.callback_hash);
}

// Ethernet + IPv4 (checksummed) + UDP (no checksum) around `payload`, from
// the gateway to `port`.
usize wrap(const u8* payload, usize length, u16 port, u8* out) {
    static const u8 header[] = {0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x20, 0x08, 0x00};
    for (usize i = 0; i < sizeof header; ++i) out[i] = header[i];
    u8* ip = out + net::kEthernetHeader;
    usize total = net::kIpv4Header + net::kUdpHeader + length;
    for (usize i = 0; i < net::kIpv4Header; ++i) ip[i] = 0;
    ip[0] = 0x45;
    net::store_be16(ip + 2, u16(total));
    ip[8] = 64;
    ip[9] = net::kProtoUdp;
    net::store_be32(ip + 12, kGateway);
    net::store_be32(ip + 16, kOurs);
    net::store_be16(ip + 10, net::internet_checksum(ip, net::kIpv4Header));
    u8* udp = ip + net::kIpv4Header;
    net::store_be16(udp, net::port::kVenueFeed);
    net::store_be16(udp + 2, port);
    net::store_be16(udp + 4, u16(net::kUdpHeader + length));
    net::store_be16(udp + 6, 0);
    for (usize i = 0; i < length; ++i) udp[net::kUdpHeader + i] = payload[i];
    return net::kEthernetHeader + total;
}

// Few open orders: a long input reaches the limit.
trade::EngineConfig engine_config() {
    trade::EngineConfig engine{};
    engine.gateway = kGateway;
    engine.rewinder = {kGateway, kRewinderPort, kFeedPort};
    engine.feed_sources = {{kPublisher}, 1};
    engine.limits.max_order_shares = kMaxShares;
    engine.limits.max_open_orders = 256;
    engine.capacity = kCapacity;
    return engine;
}

void start(Harness* h, bool session) {
    net::NetConfig config{};
    config.mac = {{0x02, 0, 0, 0, 0, 0x10}};
    config.ip = kOurs;
    config.netmask = 0xFFFFFF00;
    config.echo_port = 0;
    h->net.init(config, net::TxPort{h, acquire, send});
    h->net.add_neighbor(kGateway, net::MacAddress{{2, 0, 0, 0, 0, 0x20}});
    trade::EngineConfig engine = engine_config();
    trade::spread_taker(&h->strategy, Price{100}, Shares{100});
    engine.strategy = trade::Strategy{h, on_trade, on_book, on_bbo, on_status, on_feed_status, on_order};
    h->engine.init(&h->net, engine, h->memory);
    h->journal.init();
    h->engine.entry.journal = &h->journal;
    if (session) h->engine.pipeline.receiver().expect_session("TKFUZZ0001");
    h->callbacks = h->callback_hash = 0;
    TK_FUZZ_ASSERT(h->engine.bind_ports(h->net));
}

Harness* make_harness(bool fast) {
    auto* made = new Harness;
    u64 bytes = trade::Engine::memory_bytes(engine_config());
    made->memory = static_cast<u8*>(std::aligned_alloc(64, (bytes + 63) & ~u64(63)));
    made->fast = fast;
    return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Harness* fast = make_harness(true);
    static Harness* general = make_harness(false);
    start(fast, size % 2);
    start(general, size % 2);
    fuzz::Records records(data, size);
    std::unique_ptr<uint8_t[]> record;
    size_t length = 0;
    static u8 wrapped[net::kMaxEthernetFrame];
    while (records.next(record, length, 1600)) {
        if (length == 0) continue;
        const u8* frame = record.get() + 1;
        usize n = length - 1;
        std::unique_ptr<uint8_t[]> exact;
        if ((record[0] & 3) != 1) {
            usize payload = n < net::kMaxEthernetFrame - 42 ? n : net::kMaxEthernetFrame - 42;
            n = wrap(record.get() + 1, payload, record[0] & 1 ? net::port::kOrderLocal : kFeedPort, wrapped);
            exact.reset(new uint8_t[n]);
            std::memcpy(exact.get(), wrapped, n);
            frame = exact.get();
        }
        receive(fast, frame, n);
        receive(general, frame, n);
        check_same(*fast, *general);
    }
    TK_FUZZ_ASSERT(fast->engine.books.checksum() == general->engine.books.checksum());
    TK_FUZZ_ASSERT(fast->engine.entry.counters.orders == fast->engine.entry.risk.counters().accepted);
    return 0;
}
