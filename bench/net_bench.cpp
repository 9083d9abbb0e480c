// Network benchmarks on the hosted build, with the in-memory ReplayNic:
//   nic_rx_to_app: a frame is in the receive ring -> the application's UDP
//     handler holds its payload (receive_packet, Ethernet/IPv4/UDP checks,
//     dispatch); a sample is the mean over 64 frames.
//   udp_echo_pps: frames through receive -> echo reply built -> transmit,
//     in packets per second (a sample is one batch of 64 frames).
// Their like-for-like peers, linux_packet_ring_*: the same stack, batches
// and frames through Linux instead of the replay ring: the frames go in on
// one end of a veth pair and are taken from a packet socket's mapped
// receive ring on the other (hosted::PacketRingNic, bench/veth_feed.h);
// echo replies leave by send().

#include "bench/net_bench.h"

#include "bench/frames.h"
#include "bench/measure.h"
#include "bench/rx_to_app_loop.h"
#include "bench/veth_feed.h"
#include "kernel/net/replay_nic.h"
#include "kernel/net/stack.h"
#include "platform/hosted/packet_ring_nic.h"
#include "tk/tsc.h"
#include "kernel/net/ports.h"

namespace tk::bench {
namespace {

constexpr u32 kBatch = kNetBatch;
constexpr u32 kSamples = 20000;

net::ReplayNic g_nic;
net::NetStack g_stack;
u64 g_delivered;

u8* acquire(void*) { return g_nic.tx_acquire(); }
void send(void*, u8* frame, usize length) { g_nic.tx_send(frame, u32(length)); }
void consume(void*, const net::UdpDatagram& d) {
    escape(const_cast<u8*>(d.payload.data));
    ++g_delivered;
}

// A 64-byte-payload UDP datagram to port `port`, valid checksums.
u32 build_frame(u8* f, const net::NetConfig& config, u16 port) {
    u8 payload[64] = {};
    return peer_udp_frame(config, port, payload, sizeof payload, f);
}

net::NetConfig config() {
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 1}};
    c.ip = 0x0A000002;
    c.netmask = 0xFFFFFF00;
    c.gateway = 0x0A000001;
    return c;
}

// One sample: kBatch copies of `frame` put in the ring by `inject`, then
// the ticks to take them all through receive_packet -> stack -> release.
// False, untimed, if a frame could not be put in.
template <typename Nic, typename Inject>
bool time_one_batch(Nic& nic, Inject inject, const u8* frame, u32 length, u64& ticks) {
    for (u32 i = 0; i < kBatch; ++i)
        if (!inject(frame, length, i)) return false;  // "DMA" into the ring, the batch's i-th frame
    u64 t0 = tsc_begin();
    net::NetworkPacket p;
    for (u32 taken = 0; taken < kBatch && nic.receive_packet(p); ++taken) {
        g_stack.receive(p.data, p.length);
        nic.release(p);
    }
    ticks = tsc_end() - t0;
    return true;
}

bool replay_inject(const u8* frame, u32 length, u32) { return g_nic.inject(frame, length); }

// The Linux peers' NIC and feed (veth_feed.h).
hosted::PacketRingNic g_ring;
int g_feed = -1;
FeedCounts g_feed_counts;
double g_ticks_per_ns = 1;
// Each frame waited for until it is in the ring (veth_feed.h): the batch
// takes all of its frames, none put off to ksoftirqd inside the timing.
// The batch's frames land in the slots after the one the ring takes next,
// as the last batch took every frame it was given; a frame that is not
// there, or another in its place, ends the run.
bool ring_inject(const u8* frame, u32 length, u32 i) {
    const u8* slot = g_ring.slot_ahead(i);
    u64 stamped;
    return send_until_landed(g_feed, frame, length, slot, Landing::HandedOver, g_ticks_per_ns, g_feed_counts, stamped);
}
u8* ring_acquire(void*) { return g_ring.tx_acquire(); }
void ring_send(void*, u8* frame, usize length) { g_ring.tx_send(frame, length); }

bool open_ring(const char* rx_interface, const char* feed_interface, net::NetConfig& c, double ticks_per_ns) {
    g_ticks_per_ns = ticks_per_ns;
    g_feed = open_feed_socket(feed_interface);
    if (!g_ring.open(rx_interface) || g_feed < 0) return false;
    c.mac = g_ring.mac();
    g_stack.init(c, net::TxPort{nullptr, ring_acquire, ring_send});
    return true;
}

// kSamples (after 100 of warm-up) batches of a 64-byte datagram to `port`
// through `nic`: each sample the mean ns per frame, or with `rate` the
// batch's frames per second. None if a batch could not be put in.
template <typename Nic, typename Inject>
std::vector<double> run_batches(Nic& nic, Inject inject, u16 port, double ticks_per_ns, bool rate) {
    u8 frame[2048];
    u32 length = build_frame(frame, g_stack.config(), port);
    std::vector<double> samples;
    for (u32 s = 0; s < kSamples + 100; ++s) {
        u64 ticks;
        if (!time_one_batch(nic, inject, frame, length, ticks)) return {};
        double ns = double(ticks) / ticks_per_ns;
        if (s >= 100) samples.push_back(rate ? kBatch * 1e9 / ns : ns / kBatch);
    }
    return samples;
}

constexpr u64 kFrames = u64(kSamples + 100) * kBatch;

}  // namespace

std::vector<double> nic_rx_to_app(double ticks_per_ns) {
    pin_to_cpu(0);
    g_stack.init(config(), net::TxPort{nullptr, acquire, send});
    g_stack.bind_udp(net::port::kVenueFeed, consume, nullptr);
    std::vector<double> samples = run_batches(g_nic, replay_inject, net::port::kVenueFeed, ticks_per_ns, false);
    if (g_delivered != kFrames) samples.clear();  // something dropped: no result
    return samples;
}

std::vector<double> linux_packet_ring_rx_to_app(double ticks_per_ns, const char* rx_interface,
                                                const char* feed_interface) {
    pin_to_cpu(0);
    net::NetConfig c = config();
    if (!open_ring(rx_interface, feed_interface, c, ticks_per_ns)) return {};
    g_stack.bind_udp(net::port::kVenueFeed, consume, nullptr);
    std::vector<double> samples = run_batches(g_ring, ring_inject, net::port::kVenueFeed, ticks_per_ns, false);
    if (g_delivered != kFrames) samples.clear();
    return samples;
}

std::vector<double> udp_echo_pps(double ticks_per_ns) {
    pin_to_cpu(0);
    g_stack.init(config(), net::TxPort{nullptr, acquire, send});
    u64 sent_before = g_nic.tx_frames();
    std::vector<double> samples = run_batches(g_nic, replay_inject, 7, ticks_per_ns, true);
    if (g_nic.tx_frames() - sent_before != kFrames) samples.clear();
    return samples;
}

std::vector<double> linux_packet_ring_udp_echo_pps(double ticks_per_ns, const char* rx_interface,
                                                   const char* feed_interface) {
    pin_to_cpu(0);
    net::NetConfig c = config();
    if (!open_ring(rx_interface, feed_interface, c, ticks_per_ns)) return {};  // echo on port 7 (NetConfig's default)
    u64 sent_before = g_stack.counters().tx_frames;
    std::vector<double> samples = run_batches(g_ring, ring_inject, 7, ticks_per_ns, true);
    if (g_ring.tx_errors() || g_stack.counters().tx_frames - sent_before != kFrames)
        samples.clear();
    return samples;
}

std::vector<double> nic_rx_to_app_each(double ticks_per_ns) {
    constexpr usize kEach = 2000;  // as mode=bench's
    pin_to_cpu(0);
    g_stack.init(rx_to_app_config(), net::TxPort{nullptr, acquire, send});
    g_stack.bind_udp(net::port::kVenueFeed, consume, nullptr);
    static u64 ticks[kEach];
    u64 delivered = g_delivered;
    rx_to_app_each(g_nic, g_stack, ticks, kEach);
    if (g_delivered - delivered != kEach) return {};
    std::vector<double> samples;
    for (u64 t : ticks) samples.push_back(double(t) / ticks_per_ns);
    return samples;
}

const FeedCounts& linux_packet_ring_feed_counts() { return g_feed_counts; }

}  // namespace tk::bench
