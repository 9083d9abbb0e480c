// tick_to_trade, ring to ring: a device model (bench/virtio_net_device.h)
// writes a market-data frame into the receive ring, as the NIC would by DMA,
// and flushes it from the caches; the span runs from there, through the
// kernel's own virtio-net data path (poll of the used ring), the fast path,
// books, strategy, risk gate and OUCH encoding, to the order frame published
// in the transmit ring with its doorbell (Orders::last_sent_tsc, stamped
// once tx_send has returned). One sample per trigger, each timed alone.
//
// The market: 64 symbols, each book 100 price levels deep on both sides
// (two 1,000-share orders a level); before each trigger, untimed, a mix of
// other messages on other symbols (Add Order, Order Replace, Order Executed,
// Order Cancel, Order Delete) at depth. The trigger is an offer one tick
// above the best bid of the next symbol in turn, which the spread taker
// buys; its delete follows, untimed.
//
// linux_packet_ring_tick_to_trade: the same market, strategy and span, the
// same core on the same CPU, but Linux between the wire and the core: the
// frame goes in on one end of a veth pair and is taken from a packet
// socket's mapped receive ring on the other (hosted::PacketRingNic, the
// fastest way Linux offers without a bypass driver), the order leaves by
// send(). The span starts once the frame is in the ring, flushed from the
// caches as the virtio device's is, so Linux's receive path before the ring
// (veth, the packet socket's copy) is outside it, as the NIC's DMA is for
// ours; send() is inside it, as our doorbell is.

#include "bench/ring_bench.h"

#include <cstdio>

#include "bench/frames.h"
#include "bench/measure.h"
#include "bench/veth_feed.h"
#include "bench/virtio_net_device.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/net/ports.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "platform/hosted/packet_ring_nic.h"
#include "platform/hosted/startup_memory.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

constexpr u32 kSymbols = 64, kLevels = 100, kOrdersPerLevel = 2;
constexpr u32 kWarmup = 200, kSamples = 20000;
constexpr u16 kFeedPort = net::port::kVenueFeed;
constexpr u32 kBestBid = 100'0000, kTick = 100;  // $100.0000 and $0.0100 in ITCH's 4 decimals

// The memory virtio-net device (bench/virtio_net_device.h) and the kernel's
// data path on it.
struct VirtioLink {
    MemoryVirtioNet device;
    u8 sent[2048];
    u32 sent_length = 0;
    u64 doorbells_before = 0;

    bool open() { return device.init(); }
    drivers::VirtioNetRings& nic() { return device.driver(); }
    net::MacAddress mac() const { return {{0x02, 0, 0, 0, 0, 0x10}}; }
    bool deliver(const u8* frame, u32 n) {
        doorbells_before = device.driver().stats().tx_notifies;
        return device.deliver(frame, n);
    }
    // After a trigger: exactly one order frame, published with its doorbell.
    bool sent_one() {
        return device.driver().stats().tx_notifies == doorbells_before + 1 && device.transmit(sent, sent_length) == 1 &&
               device.driver_errors() == 0;
    }
    void drain() { device.transmit(sent, sent_length); }
};

// Linux's path to the same core (linux_packet_ring_tick_to_trade): frames
// go in on one end of a veth pair through a packet socket, and arrive
// through the other end's mapped receive ring (hosted::PacketRingNic); the
// order leaves by send() on it. The slot the frame lands in is flushed from
// the caches as the virtio device's frame is.
struct PacketRingLink {
    hosted::PacketRingNic ring;
    int feed_fd = -1;
    const char* rx_interface = nullptr;
    const char* feed_interface = nullptr;
    u64 errors_before = 0;

    bool open() {
        feed_fd = open_feed_socket(feed_interface);
        return ring.open(rx_interface) && feed_fd >= 0;
    }
    hosted::PacketRingNic& nic() { return ring; }
    net::MacAddress mac() const { return ring.mac(); }
    bool deliver(const u8* frame, u32 n) {
        errors_before = ring.tx_errors();
        const u8* slot = ring.next_slot();
        if (!send_frame(feed_fd, frame, n)) return false;  // in the ring now (veth_feed.h)
        for (u32 line = 0; line < 256; line += 64) __builtin_ia32_clflush(slot + line);
        __builtin_ia32_mfence();
        return true;
    }
    bool sent_one() { return ring.tx_errors() == errors_before; }
    void drain() {}
};

template <typename Link>
struct Bench {
    Link link;
    net::NetStack net;
    trade::Engine engine;
    trade::SpreadTakerState strategy;
    u64 sequence = 1;
    u8 frame[2048];

    // One message through the link and the trading loop's body, untimed.
    bool feed(const u8* m, u16 length) {
        u32 n = md_frame(net.config(), kFeedPort, frame, sequence++, m, length);
        if (!link.deliver(frame, n)) return false;
        poll_once();
        link.drain();
        return true;
    }
    void poll_once() {
        net::NetworkPacket p;
        while (!link.nic().receive_packet(p)) {
        }
        if (!trade::fastpath_receive(engine, net, p.data, p.length)) net.receive(p.data, p.length);
        link.nic().release(p);
    }
};

// A message of `type` for `locate`, its other fields zero (tracking
// number, timestamp).
void start(u8* m, char type, u16 locate) {
    for (u32 i = 0; i < 40; ++i) m[i] = 0;
    m[0] = u8(type);
    net::store_be16(m + itch::at::kStockLocate, locate);
}

u16 add(u8* m, u16 locate, u64 reference, u8 side, u32 shares, u32 price) {
    namespace a = itch::at::add_order;
    start(m, 'A', locate);
    net::store_be64(m + a::kReference, reference);
    m[a::kSide] = side;
    net::store_be32(m + a::kShares, shares);
    copy_bytes(m + a::kStock, "TK      ", 8);
    net::store_be32(m + a::kPrice, price);
    return 36;
}

u16 on_order(u8* m, char type, u16 locate, u64 reference, u32 shares) {
    start(m, type, locate);
    net::store_be64(m + itch::at::cancel::kReference, reference);
    if (type == 'D') return 19;
    net::store_be32(m + itch::at::cancel::kShares, shares);
    if (type == 'X') return 23;
    net::store_be64(m + itch::at::executed::kMatch, reference);  // 'E'
    return 31;
}

u16 replace(u8* m, u16 locate, u64 original, u64 replacement, u32 shares, u32 price) {
    namespace r = itch::at::replace;
    start(m, 'U', locate);
    net::store_be64(m + r::kOriginalReference, original);
    net::store_be64(m + r::kNewReference, replacement);
    net::store_be32(m + r::kShares, shares);
    net::store_be32(m + r::kPrice, price);
    return 35;
}

u16 directory(u8* m, u16 locate) {
    start(m, 'R', locate);
    char name[9] = "TK      ";
    name[2] = char('A' + locate / 26 % 26);
    name[3] = char('A' + locate % 26);
    copy_bytes(m + itch::at::stock_directory::kStock, name, 8);
    return 39;
}

// The reference of the resting order at `level` (0: best), `slot` of the
// level, on `side` of symbol `locate`.
u64 resting(u16 locate, u8 side, u32 level, u32 slot) {
    return (u64(locate) << 32) | (u64(side == 'B') << 24) | (level * kOrdersPerLevel + slot);
}

template <typename Link>
bool preload(Bench<Link>& b) {
    u8 m[40];
    for (u16 locate = 1; locate <= kSymbols; ++locate) {
        if (!b.feed(m, directory(m, locate))) return false;
        for (u32 level = 0; level < kLevels; ++level)
            for (u32 slot = 0; slot < kOrdersPerLevel; ++slot) {
                // Bids from $100.00 down, offers from $100.02 up: the spread is
                // two ticks, wider than the strategy's one.
                if (!b.feed(m, add(m, locate, resting(locate, 'B', level, slot), 'B', 1000, kBestBid - level * kTick)) ||
                    !b.feed(m, add(m, locate, resting(locate, 'S', level, slot), 'S', 1000,
                                   kBestBid + 2 * kTick + level * kTick)))
                    return false;
            }
    }
    return true;
}

// Untimed, before sample `s`: five messages on another symbol, at depth.
template <typename Link>
bool churn(Bench<Link>& b, u32 s) {
    u8 m[40];
    u16 locate = u16(1 + (s * 7 + 3) % kSymbols);
    u32 level = 10 + s % (kLevels - 10);
    u64 fresh = (u64(1) << 60) | s, moved = (u64(1) << 61) | s;
    return b.feed(m, add(m, locate, fresh, 'B', 300, kBestBid - level * kTick)) &&
           b.feed(m, replace(m, locate, fresh, moved, 200, kBestBid - (level + 1) * kTick)) &&
           b.feed(m, on_order(m, 'E', locate, resting(locate, 'S', level, s % kOrdersPerLevel), 1)) &&
           b.feed(m, on_order(m, 'X', locate, resting(locate, 'B', level, s % kOrdersPerLevel), 1)) &&
           b.feed(m, on_order(m, 'D', locate, moved, 0));
}

template <typename Link>
std::vector<double> run(Bench<Link>& b, double ticks_per_ns) {
    pin_to_cpu(0);
    if (!b.link.open()) {
        std::perror("tick_to_trade: the link");
        return {};
    }
    net::NetConfig c{};
    c.mac = b.link.mac();
    c.ip = 0x0A000010;
    c.netmask = 0xFFFFFF00;
    b.net.init(c, net::TxPort{&b.link, [](void* l) { return static_cast<Link*>(l)->nic().tx_acquire(); },
                              [](void* l, u8* f, usize n) { static_cast<Link*>(l)->nic().tx_send(f, n); }});
    trade::EngineConfig config = engine_config(kFeedPort, b.strategy);
    void* memory = hosted::map_startup_memory(trade::Engine::memory_bytes(config));
    if (!memory) return {};
    start_engine(b.net, b.engine, config, memory);
    b.engine.entry.stamp_sends = true;
    if (!preload(b)) return {};
    std::vector<double> samples;
    samples.reserve(kSamples);
    u8 m[40];
    for (u32 s = 0; s < kWarmup + kSamples; ++s) {
        if (!churn(b, s)) return {};
        u16 locate = u16(1 + s % kSymbols);
        u64 trigger_reference = (u64(1) << 62) | s;
        u64 trigger = b.sequence;
        u32 n = md_frame(b.net.config(), kFeedPort, b.frame, b.sequence++, m,
                         add(m, locate, trigger_reference, 'S', 100, kBestBid + kTick));
        u64 orders = b.engine.entry.counters.orders;
        if (!b.link.deliver(b.frame, n)) return {};
        u64 t0 = tsc_begin();
        b.poll_once();
        u64 t1 = b.engine.entry.last_sent_tsc.value;
        if (b.engine.entry.counters.orders != orders + 1 || !b.link.sent_one()) {
            std::fprintf(stderr, "tick_to_trade: sample %u sent no order (or rang no doorbell)\n", s);
            return {};
        }
        if (s >= kWarmup) samples.push_back(double(t1 - t0) / ticks_per_ns);
        answer_order(b.engine, trigger);
        if (!b.feed(m, on_order(m, 'D', locate, trigger_reference, 0))) return {};
        b.strategy.done[locate] = 0;
    }
    return samples;
}

}  // namespace

std::vector<double> ring_tick_to_trade(double ticks_per_ns) {
    static Bench<VirtioLink> b;
    return run(b, ticks_per_ns);
}

std::vector<double> linux_packet_ring_tick_to_trade(double ticks_per_ns, const char* rx_interface,
                                                    const char* feed_interface) {
    static Bench<PacketRingLink> b;
    b.link.rx_interface = rx_interface;
    b.link.feed_interface = feed_interface;
    return run(b, ticks_per_ns);
}

}  // namespace tk::bench
