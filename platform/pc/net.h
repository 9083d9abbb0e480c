// The network interface on bare metal: the first virtio-net PCI device, the
// protocol stack on top, and cmdline "mode=net", a polled loop that answers
// ARP and UDP echo (port 7), acknowledges datagrams on port 26400 with
// "got:" + payload (multicast ones only for the group joined with
// join=<group>), and ends when a datagram "tk-exit" arrives on UDP port 9.
#pragma once

#include "drivers/virtio_net.h"
#include "kernel/boot/cmdline.h"
#include "kernel/net/stack.h"

namespace tk::pc {

// False when there is no usable NIC (logged).
bool net_init(const CommandLine& cmdline);
[[noreturn]] void net_run();

// For the modes built on the NIC (mode=trade: platform/pc/trading.h).
drivers::VirtioNet& nic();
net::NetStack& stack();
const volatile bool& exit_requested();  // "tk-exit" arrived on port 9
// Called for a "tk-status" datagram on port 9 (the mode answers it).
using StatusHandler = void (*)(const net::UdpDatagram& request);
void set_status_handler(StatusHandler handler);
void log_net_counters();
net::Ipv4Address parse_ip(StringView text);  // "10.0.2.15" -> 0x0A00020F; 0 if malformed

}  // namespace tk::pc
