// tick_to_trade: a market-data frame (Ethernet/IPv4/UDP, MoldUDP64, one ITCH
// Add Order that narrows the spread) is in the receive ring -> the OUCH Enter
// Order frame it triggers has been handed to the transmit ring. Software path
// only: receive_packet, the UDP stack, MoldUDP64, ITCH check, book, strategy,
// risk gate, OUCH and UDP encoding, tx_send. One sample per frame.
//
// linux_udp_socket_tick_to_trade: the same book, strategy and encoders, but
// the frame arrives through a Linux UDP socket (recv) and the order leaves
// through one (sendto): hosted::UdpSocketNic, the kernel's own UDP stack.

#include "bench/ttt_bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/frames.h"
#include "bench/measure.h"
#include "kernel/net/replay_nic.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "kernel/trade/trading_mode.h"
#include "platform/hosted/startup_memory.h"
#include "platform/hosted/udp_socket_nic.h"
#include "tk/tsc.h"
#include "kernel/net/ports.h"

namespace tk::bench {
namespace {

constexpr u32 kSamples = 20000;
constexpr u16 kFeedPort = net::port::kVenueFeed;

net::NetStack g_net;
trade::Engine g_engine;
trade::SpreadTakerState g_strategy;


void setup(const net::TxPort& tx) {
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 0x10}};
    c.ip = 0x0A000010;
    c.netmask = 0xFFFFFF00;
    g_net.init(c, tx);
    trade::EngineConfig config = bench::engine_config(kFeedPort, g_strategy);
    static void* memory = hosted::map_startup_memory(trade::Engine::memory_bytes(config));
    if (!memory) {
        std::fprintf(stderr, "tick_to_trade: no memory for the market-day order books\n");
        std::exit(1);
    }
    bench::start_engine(g_net, g_engine, config, memory);
}

u32 order_frame(u8* f, u64 sequence, u64 reference, u8 side, u32 price) {
    return bench::order_frame(g_net.config(), kFeedPort, f, sequence, reference, side, price);
}

template <typename Nic>
void take_one(Nic& nic) {
    net::NetworkPacket p;
    while (!nic.receive_packet(p)) {
    }
    // As the kernel's trading task: the fast path, else the stack.
    if (!trade::fastpath_receive(g_engine, g_net, p.data, p.length)) g_net.receive(p.data, p.length);
    nic.release(p);
}

template <typename Nic, typename Deliver>
std::vector<double> run(Nic& nic, Deliver deliver_frame, double ticks_per_ns) {
    std::vector<double> samples;
    u8 frame[2048];
    u64 sequence = 1;
    // The symbol's directory entry and a standing bid.
    u32 n = bench::directory_frame(g_net.config(), kFeedPort, frame, sequence++);
    deliver_frame(frame, n);
    take_one(nic);
    n = order_frame(frame, sequence++, 1, 'B', 100'0000);
    deliver_frame(frame, n);
    take_one(nic);
    for (u32 s = 0; s < kSamples + 100; ++s) {
        // Each sample: a new offer at 100.0100 (spread 0.0100: the trigger),
        // then, untimed, its delete and a fresh strategy so it trades again.
        u64 ref = 1000 + s;
        u64 trigger = sequence;
        n = order_frame(frame, sequence++, ref, 'S', 100'0100);
        trade::idle_turn(nic, g_engine);  // the trading loop's, while it waited for the frame
        deliver_frame(frame, n);
        u64 sent_before = g_engine.entry.counters.orders;
        u64 t0 = tsc_begin();
        take_one(nic);
        u64 t1 = tsc_end();
        if (g_engine.entry.counters.orders != sent_before + 1) {  // no order: the path is broken
            std::fprintf(stderr, "sample %u: messages=%lu bbo=%lu rx=%lu delivered=%lu risk-ok=%lu tx=%lu nobuf=%lu\n", s,
                         (unsigned long)g_engine.pipeline.counters().messages, (unsigned long)g_engine.pipeline.counters().bbo_changes,
                         (unsigned long)g_net.counters().rx_frames, (unsigned long)g_net.counters().rx_delivered,
                         (unsigned long)g_engine.entry.risk.counters().accepted, (unsigned long)g_net.counters().tx_frames,
                         (unsigned long)g_net.counters().tx_no_buffer);
            return {};
        }
        if (s >= 100) samples.push_back(double(t1 - t0) / ticks_per_ns);
        bench::answer_order(g_engine, trigger);
        // Untimed: the offer is deleted through the same path, and the
        // strategy may trade again.
        n = order_frame(frame, sequence++, ref, 0, 0);
        deliver_frame(frame, n);
        take_one(nic);
        g_strategy.done[5] = 0;
    }
    return samples;
}

}  // namespace

std::vector<double> tick_to_trade(double ticks_per_ns) {
    pin_to_cpu(0);
    static net::ReplayNic nic;
    setup(net::TxPort{nullptr, [](void*) { return nic.tx_acquire(); },
                      [](void*, u8* f, usize n) { nic.tx_send(f, u32(n)); }});
    return run(nic, [](const u8* f, u32 n) { nic.inject(f, n); }, ticks_per_ns);
}

std::vector<double> linux_udp_socket_tick_to_trade(double ticks_per_ns) {
    pin_to_cpu(0);
    static hosted::UdpSocketNic nic;
    // Three loopback ports: ours, where orders go, and the feed's sender.
    int feed = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(feed, reinterpret_cast<sockaddr*>(&any), sizeof any);
    int sink = ::socket(AF_INET, SOCK_DGRAM, 0);
    ::bind(sink, reinterpret_cast<sockaddr*>(&any), sizeof any);
    sockaddr_in sink_addr{};
    socklen_t len = sizeof sink_addr;
    ::getsockname(sink, reinterpret_cast<sockaddr*>(&sink_addr), &len);
    u16 port = 0;
    for (u16 candidate = 40123; candidate < 40200 && !port; ++candidate)
        if (nic.open(candidate, ntohs(sink_addr.sin_port))) port = candidate;
    if (!port) return {};
    setup(net::TxPort{nullptr, [](void*) { return nic.tx_acquire(); },
                      [](void*, u8* f, usize n) { nic.tx_send(f, n); }});
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto deliver = [&](const u8* f, u32 n) {
        ::sendto(feed, f, n, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        u8 drain[2048];
        while (::recv(sink, drain, sizeof drain, MSG_DONTWAIT) > 0) {  // orders sent earlier
        }
    };
    std::vector<double> samples = run(nic, deliver, ticks_per_ns);
    nic.close();
    ::close(feed);
    ::close(sink);
    return samples;
}

}  // namespace tk::bench
