// A NIC for the hosted build: Ethernet frames carried one per UDP datagram
// over loopback, the framing of QEMU's -netdev dgram, so the same Python
// tools (tradekernel/guest_link.py) talk to the kernel in QEMU and to the
// hosted stack. Same interface as drivers::VirtioNet. Each receive is a
// recv() system call: this is the Linux path, not a kernel-bypass one.
#pragma once

#include "kernel/net/packet.h"

namespace tk::hosted {

class UdpSocketNic {
public:
    static constexpr u32 kBuffers = 64;
    static constexpr u32 kBufferSize = 2048;

    // Receives on 127.0.0.1:`local_port`, sends to 127.0.0.1:`remote_port`.
    bool open(u16 local_port, u16 remote_port);
    void close();

    bool receive_packet(net::NetworkPacket& packet);
    void release(const net::NetworkPacket& packet);
    u8* tx_acquire() { return tx_; }
    void tx_send(u8* frame, usize length);
    void tx_reclaim() {}  // send() copies the frame: its buffer is free at once

private:
    int fd_ = -1;
    u16 remote_port_ = 0;
    u8 rx_[kBuffers][kBufferSize];
    bool held_[kBuffers] = {};
    u8 tx_[kBufferSize];
};

}  // namespace tk::hosted
