// nic_rx_to_app, each frame timed alone: a 64-byte datagram's frame put in
// the replay ring, then the span: receive_packet, the stack's Ethernet, IPv4
// and UDP checks, the handler given the payload, the buffer released. The
// kernel's mode=bench (pc-icount) and tk_bench (in the Linux RT guest,
// beside it) run this one loop; the hosted nic_rx_to_app_batched is a mean
// over 64 frames.
#pragma once

#include "bench/frames.h"
#include "kernel/net/ports.h"
#include "kernel/net/replay_nic.h"
#include "kernel/net/stack.h"
#include "tk/tsc.h"

namespace tk::bench {

inline net::NetConfig rx_to_app_config() {
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 1}};
    c.ip = 0x0A000002;
    c.netmask = 0xFFFFFF00;
    return c;
}

// `stack`: init'ed with rx_to_app_config() on `nic`, a handler bound to
// net::port::kVenueFeed. TSC ticks of each frame into `samples[0..count)`.
inline void rx_to_app_each(net::ReplayNic& nic, net::NetStack& stack, u64* samples, usize count) {
    u8 payload[64] = {};
    static u8 frame[2048];
    u32 length = peer_udp_frame(stack.config(), net::port::kVenueFeed, payload, sizeof payload, frame);
    for (usize s = 0; s < count; ++s) {
        nic.inject(frame, length);
        u64 t0 = tsc_begin();
        net::NetworkPacket p;
        if (nic.receive_packet(p)) {
            stack.receive(p.data, p.length);
            nic.release(p);
        }
        samples[s] = tsc_end() - t0;
    }
}

}  // namespace tk::bench
