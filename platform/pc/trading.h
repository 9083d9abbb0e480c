// cmdline "mode=trade": the tick-to-trade engine (kernel/trade/engine.h) as a
// Critical task pinned to an isolated core, which polls virtio-net itself.
//
//   market data   MoldUDP64 on UDP port 26500 (unicast, or the multicast
//                 group joined with join=<group>)
//   rewinder      retransmission requests to rewinder=<ip> (default: the
//                 gateway) port 26501, answers back to port 26500
//   orders        OUCH 4.2 to gateway=<ip> port 15000, from port 15001
//   control       UDP port 9: "tk-status" is answered with a status line,
//                 "tk-exit" ends the run after the final report
#pragma once

#include "kernel/boot/cmdline.h"

namespace tk::pc {

// After net_init. False (logged) if the gateway never answered ARP.
bool trade_init(const CommandLine& cmdline, u32 core);

}  // namespace tk::pc
