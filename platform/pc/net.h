// The network interface on bare metal: the first virtio-net PCI device, the
// protocol stack on top, and cmdline "mode=net", a polled loop that answers
// ARP and UDP echo (port 7), acknowledges datagrams on port 26400 with
// "got:" + payload (multicast ones only for the group joined with
// join=<group>), and ends when a datagram "tk-exit" arrives on UDP port 9.
#pragma once

#include "kernel/boot/cmdline.h"

namespace tk::pc {

// False when there is no usable NIC (logged).
bool net_init(const CommandLine& cmdline);
[[noreturn]] void net_run();

// cmdline "mode=trade": after net_init, starts the tick-to-trade pipeline
// (MoldUDP64 on UDP port 26500 -> books -> the sample strategy -> OUCH 4.2 to
// gateway=<ip>:15000) as a Critical task pinned to `core`, which then polls
// the NIC itself. Ends like mode=net on "tk-exit" to port 9.
bool trade_init(const CommandLine& cmdline, u32 core);

}  // namespace tk::pc
