// The feed side of the Linux packet-ring peers: a packet socket that only
// sends, bound to one end of a veth pair (tradekernel/bench.py makes it), so
// each frame it sends arrives at the other end, where the peer's
// hosted::PacketRingNic takes it from its mapped ring. veth hands the frame
// to the receive path within send(), on the sender's CPU, and the packet
// socket copies it into the ring there, so the frame is usually in the ring
// once send() has returned; but Linux may put that receive off to
// ksoftirqd on the same CPU, or steer it to another (RPS), and then it
// lands later. The peers wait for each frame, outside their spans, and
// count those that landed late.
#pragma once

#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include <cstdio>

#include "platform/hosted/packet_ring_nic.h"
#include "tk/tsc.h"
#include "tk/types.h"

namespace tk::bench {

// -1 if the interface or the socket is unavailable.
inline int open_feed_socket(const char* interface) {
    int fd = ::socket(AF_PACKET, SOCK_RAW, 0);  // protocol 0: sends only
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_ifindex = int(if_nametoindex(interface));
    if (fd < 0 || !a.sll_ifindex || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
    return fd;
}

// Every frame a run sent (the untimed ones too), and of those, how many
// were not in the ring when send() returned.
struct FeedCounts {
    u64 sent = 0, landed_after_send = 0;
};

inline void report_feed(const char* name, const FeedCounts& counts) {
    std::printf("@tk bench-note name=%s frames-sent=%llu frames-landed-after-send=%llu\n", name,
                static_cast<unsigned long long>(counts.sent), static_cast<unsigned long long>(counts.landed_after_send));
}

// Whether a frame sent is there once its slot is stamped, or once it is
// also handed over to the ring's reader.
enum class Landing : u8 {
    // A reader on another CPU may take the frame, and hand its slot back,
    // before the sender looks: only the stamp stays.
    Stamped,
    // The sender's thread is the ring's only reader: the frame is there when
    // the reader would find it. The kernel stamps the slot before it hands
    // it over, and when it copies the frame on another CPU (RPS) a sender
    // that waited only for the stamp could find the frame not yet there.
    HandedOver,
};

// Sends `frame` and waits until it is in `slot`, the receiving ring's slot
// it will take, as `landing` says. A frame is stamped once the slot's stamp
// (PacketRingNic::realtime_ns_of: set after the copy, before the status)
// has changed from what it read before the send and reads the same twice. The wait yields the CPU after its
// first look: ksoftirqd may be the one to copy it, on this CPU, and with
// the same (normal) priority would otherwise wait for the scheduler to take
// the CPU from this spin (under SCHED_FIFO it would not; these peers do not run
// so). False if the send failed, or the frame is not there a second later,
// or a frame of another length is (said on stderr). `stamped`: the frame's
// stamp.
inline bool send_until_landed(int fd, const u8* frame, u32 length, const u8* slot, Landing landing,
                              double ticks_per_ns, FeedCounts& counts, u64& stamped) {
    u64 previous_stamp = hosted::PacketRingNic::realtime_ns_of(slot);
    if (::send(fd, frame, length, 0) != ssize_t(length)) return false;
    ++counts.sent;
    auto there = [&] {
        stamped = hosted::PacketRingNic::realtime_ns_of(slot);
        return stamped != previous_stamp && hosted::PacketRingNic::realtime_ns_of(slot) == stamped &&
               (landing == Landing::Stamped || hosted::PacketRingNic::handed_over(slot));
    };
    bool landed = there();
    if (!landed) {
        ++counts.landed_after_send;
        // Given up only on a look taken after the deadline: this thread may
        // be preempted anywhere in here, for milliseconds on a busy machine.
        for (u64 until = tsc_begin() + u64(1e9 * ticks_per_ns);;) {
            sched_yield();
            bool past = tsc_begin() >= until;
            if ((landed = there()) || past) break;
        }
    }
    if (!landed) {
        std::fprintf(stderr, "packet-ring feed: a frame sent was not in the ring a second later\n");
        return false;
    }
    // A frame of another sender in its place would be taken for it.
    if (hosted::PacketRingNic::length_of(slot) != length) {
        std::fprintf(stderr, "packet-ring feed: the ring slot's frame is %u bytes, not the %u sent\n",
                     hosted::PacketRingNic::length_of(slot), length);
        return false;
    }
    return true;
}

}  // namespace tk::bench
