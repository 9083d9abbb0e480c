// The polled receive loop, for any NIC with the virtio-net driver's
// interface (drivers::VirtioNet, net::ReplayNic, the hosted UdpSocketNic):
// each frame is handed to the stack in place, then its buffer goes back.
#pragma once

#include "kernel/net/packet.h"
#include "kernel/net/stack.h"

namespace tk::net {

template <typename Nic>
void poll_until(Nic& nic, NetStack& stack, const volatile bool& stop) {
    NetworkPacket packet;
    while (!stop) {
        if (!nic.receive_packet(packet)) {
            __builtin_ia32_pause();
            continue;
        }
        stack.receive(packet.data, packet.length);
        nic.release(packet);
    }
}

}  // namespace tk::net
