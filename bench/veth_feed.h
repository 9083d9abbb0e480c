// The feed side of the Linux packet-ring peers: a packet socket that only
// sends, bound to one end of a veth pair (tradekernel/bench.py makes it), so
// each frame it sends arrives at the other end, where the peer's
// hosted::PacketRingNic takes it from its mapped ring. veth hands the frame
// over within send() (its receive softirq runs before send() returns), so
// once send() has returned the frame is in the ring.
#pragma once

#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

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

inline bool send_frame(int fd, const u8* frame, u32 length) {
    return ::send(fd, frame, length, 0) == ssize_t(length);
}

}  // namespace tk::bench
