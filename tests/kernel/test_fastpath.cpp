// kernel/trade/fastpath: the preconditions the general path would judge
// otherwise. The fast path takes a frame only for the stack its engine's
// feed port is bound to, and never takes a group address for ours.
// (tests/python/test_fastpath.py compares both paths frame by frame.)

#include "bench/frames.h"
#include "kernel/net/stack.h"
#include "kernel/net/wire.h"
#include "kernel/test/ktest.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"

using namespace tk;

namespace {

constexpr book::Capacity kCapacity{64, 32, 16};
alignas(64) u8 g_memory[1 << 20];
trade::Engine g_engine;
net::NetStack g_bound, g_other;
u8 g_sent[net::kMaxEthernetFrame];

net::TxPort tx() {
    return net::TxPort{nullptr, [](void*) { return g_sent; }, [](void*, u8*, usize) {}};
}

net::NetConfig host(net::Ipv4Address ip) {
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 0x10}};
    c.ip = ip;
    c.netmask = 0xFFFFFF00;
    return c;
}

// An in-order MoldUDP64 packet of one Order Delete, as a peer on the link
// sends it to `to`; returns the frame's length.
usize delete_frame(const net::NetConfig& to, u8* frame) {
    u8 payload[20 + 2 + 19] = {'T', 'K', 'S', 'E', 'S', 'S', 'I', 'O', 'N', '1'};
    net::store_be64(payload + 10, 1);
    net::store_be16(payload + 18, 1);
    net::store_be16(payload + 20, 19);
    payload[22] = 'D';
    return bench::peer_udp_frame(to, net::port::kFeed, payload, sizeof payload, frame);
}

bool start(const net::NetConfig& us) {
    g_bound.init(us, tx());
    g_other.init(us, tx());
    trade::EngineConfig config;
    config.gateway = (us.ip & 0xFFFFFF00) | 0x20;
    config.capacity = kCapacity;
    config.limits.max_open_orders = 64;
    if (trade::Engine::memory_bytes(config) > sizeof g_memory) return false;
    g_engine.init(&g_bound, config, g_memory);
    g_engine.pipeline.receiver().expect_session("TKSESSION1");  // as mode=trade's session=
    return g_engine.bind_ports(g_bound);
}

}  // namespace

TK_TEST(fastpath, takes_frames_only_for_the_stack_the_feed_is_bound_to) {
    net::NetConfig us = host(0x0A000010);
    TK_EXPECT(start(us));
    TK_EXPECT(!g_engine.bind_ports(g_bound));  // the port is taken now
    static u8 frame[net::kMaxEthernetFrame];
    usize n = delete_frame(us, frame);
    TK_EXPECT(n > 0);
    TK_EXPECT(!trade::fastpath_receive(g_engine, g_other, frame, n));
    TK_EXPECT_EQ(g_engine.pipeline.receiver().next_sequence().value, 1);  // nothing changed
    TK_EXPECT(trade::fastpath_receive(g_engine, g_bound, frame, n));
    TK_EXPECT_EQ(g_engine.pipeline.receiver().next_sequence().value, 2);
    TK_EXPECT_EQ(g_bound.counters().rx_delivered, 1u);
    TK_EXPECT_EQ(g_bound.counters().rx_frames, 1u);
}

TK_TEST(fastpath, never_takes_a_group_for_our_address) {
    // Our address configured as a group, not joined: the general path drops
    // such a datagram (multicast_not_joined); the fast path must decline it.
    net::NetConfig us = host(0xEF010101);  // 239.1.1.1
    TK_EXPECT(start(us));
    static u8 frame[net::kMaxEthernetFrame];
    usize n = delete_frame(us, frame);
    TK_EXPECT(!trade::fastpath_receive(g_engine, g_bound, frame, n));
    g_bound.receive(frame, n);  // what the trading task does next
    TK_EXPECT_EQ(g_bound.counters().multicast_not_joined, 1);
    TK_EXPECT_EQ(g_engine.pipeline.receiver().next_sequence().value, 1);
}
