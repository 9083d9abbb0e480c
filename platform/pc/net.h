// The network interface on bare metal: the first virtio-net PCI device, the
// protocol stack on top, the control port (kernel/net/control.h: commands
// from control=<addresses> with secret=<secret>), and cmdline "mode=net", a
// polled loop that answers ARP and UDP echo (port 7), acknowledges datagrams
// on port 26400 with "got:" + payload (multicast ones only for the group
// joined with join=<group>), and ends on the control command "tk-exit".
#pragma once

#include "drivers/virtio_net.h"
#include "kernel/boot/cmdline.h"
#include "kernel/net/stack.h"

namespace tk::pc {

// What runs beside the control port: mode=net's test services, or nothing
// (mode=trade: the trading core serves the trading path alone).
enum class NetServices { EchoAndAcknowledge, None };

// False when there is no usable NIC (logged).
bool net_init(const CommandLine& cmdline, NetServices services);
[[noreturn]] void net_run();

// For the modes built on the NIC (mode=trade: platform/pc/trading.h).
drivers::VirtioNet& nic();
net::NetStack& stack();
const volatile bool& exit_requested();  // "tk-exit" was accepted on the control port
// Called for an accepted "tk-status" (the mode answers it).
using StatusHandler = void (*)(const net::UdpDatagram& request);
void set_status_handler(StatusHandler handler);
// Called for an accepted "tk-kill" (the mode stops order entry).
using KillHandler = void (*)();
void set_kill_handler(KillHandler handler);
void log_net_counters();

}  // namespace tk::pc
