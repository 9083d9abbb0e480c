// Frames for the benchmarks, hosted (bench/) and pc-icount
// (bench/pc/bench_mode.cpp): UDP datagrams written by a peer stack as a
// host on the link would send them (valid checksums), and for tick to trade
// the engine and MoldUDP64 packets of one ITCH 5.0 message for stock locate 5.
// Freestanding: no libc, so the kernel build can include it too.
#pragma once

#include "kernel/feed/itch_offsets.h"
#include "kernel/feed/moldudp64.h"
#include "kernel/net/stack.h"
#include "kernel/net/wire.h"
#include "kernel/trade/engine.h"

namespace tk::bench {

inline constexpr u16 kLocate = 5;

inline void copy_bytes(u8* to, const void* from, usize n) {
    for (usize i = 0; i < n; ++i) to[i] = static_cast<const u8*>(from)[i];
}

// The frame of a UDP datagram from a peer on the link to `to`'s `port`;
// returns its length. `frame` holds at least a full Ethernet frame.
inline u32 peer_udp_frame(const net::NetConfig& to, u16 port, const u8* payload, usize length, u8* frame) {
    net::NetStack peer;
    net::NetConfig pc = to;
    pc.ip = (to.ip & 0xFFFFFF00) | 0x99;
    pc.mac.bytes[5] = 0x99;
    struct Capture { u8* frame; u32 length; } capture{frame, 0};
    peer.init(pc, net::TxPort{&capture, [](void* c) { return static_cast<Capture*>(c)->frame; },
                              [](void* c, u8*, usize n) { static_cast<Capture*>(c)->length = u32(n); }});
    peer.reply_udp(net::UdpDatagram{to.mac, to.ip, pc.ip, port, 4000, {}}, payload, length);
    return capture.length;
}

// The frame to `to` (its UDP `port`) of a MoldUDP64 packet of one message.
inline u32 md_frame(const net::NetConfig& to, u16 port, u8* frame, u64 sequence, const u8* m, u16 length) {
    u8 payload[20 + 2 + 64];
    copy_bytes(payload, "TKSESSION1", 10);
    net::store_be64(payload + mold::kSequenceAt, sequence);
    net::store_be16(payload + mold::kCountAt, 1);
    net::store_be16(payload + 20, length);
    copy_bytes(payload + 22, m, length);
    return peer_udp_frame(to, port, payload, 22u + length, frame);
}

// Add Order (ITCH 5.0 section 4.3.1) for `side` at `price`, 100 shares; with
// side 0, Order Delete (4.4.4) of `reference`.
inline u32 order_frame(const net::NetConfig& to, u16 port, u8* frame, u64 sequence, u64 reference,
                       u8 side, u32 price) {
    namespace a = itch::at::add_order;
    static_assert(a::kReference == itch::at::cancel::kReference);
    u8 m[36] = {u8(side ? 'A' : 'D'), 0, kLocate};
    net::store_be64(m + a::kReference, reference);
    if (side) {
        m[a::kSide] = side;
        net::store_be32(m + a::kShares, 100);
        copy_bytes(m + a::kStock, "TK      ", 8);
        net::store_be32(m + a::kPrice, price);
    }
    return md_frame(to, port, frame, sequence, m, side ? 36 : 19);
}

// Stock Directory (4.2.1): order entry learns the locate's symbol from it.
inline u32 directory_frame(const net::NetConfig& to, u16 port, u8* frame, u64 sequence) {
    u8 m[39] = {'R', 0, kLocate};
    copy_bytes(m + itch::at::stock_directory::kStock, "TK      ", 8);
    return md_frame(to, port, frame, sequence, m, sizeof m);
}

// The engine as both benchmarks run it: market data on `feed_port` from any
// source goes to the engine (bound as mode=trade binds it), the gateway
// (10.0.0.32) is already resolved, as after ARP at the start of the day, and
// the position limit never binds. The books have the market-day capacity,
// the size the kernel ships.
inline trade::EngineConfig engine_config(u16 feed_port, trade::SpreadTakerState& strategy) {
    trade::EngineConfig config;
    config.feed_port = feed_port;
    config.gateway = 0x0A000020;
    config.limits = {1000, i64(1) << 40, 100};
    config.strategy = trade::spread_taker(&strategy, Price{100}, Shares{100});
    return config;
}

// The venue's answer to the order the strategy sent on message `trigger`
// (the first on it): accepted and cancelled at once (OUCH 4.2 Accepted with
// Order State 'D'), so the order leaves the table of open orders as it
// would in a session. The benchmarks apply it outside the timed span.
inline void answer_order(trade::Engine& engine, u64 trigger) {
    ouch::Response r{};
    r.kind = ouch::ResponseKind::Accepted;
    r.order_state = 'D';
    trade::make_token(Sequence{trigger}, 0, r.token);
    trade::apply_response(&engine.entry, r);
}

// `memory`: trade::Engine::memory_bytes(config) bytes.
inline void start_engine(net::NetStack& net, trade::Engine& engine, const trade::EngineConfig& config, void* memory) {
    net.add_neighbor(0x0A000020, net::MacAddress{{2, 0, 0, 0, 0, 0x20}});
    engine.init(&net, config, memory);
    engine.bind_ports(net);
}

}  // namespace tk::bench
