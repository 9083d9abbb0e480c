// The UDP ports of the kernel's services and of the venue it talks to: one
// list for the kernel, the hosted tools, the benchmarks and the harnesses.
// tradekernel/ports.py holds the same numbers for the host, and
// tests/python/test_ports.py checks that the two agree.
#pragma once

#include "tk/types.h"

namespace tk::net::port {

inline constexpr u16 kEcho = 7;             // RFC 862 echo (mode=net)
inline constexpr u16 kControl = 9;          // "tk-status|tk-kill|tk-exit <secret>" (kernel/net/control.h)
inline constexpr u16 kVenueFeed = 26400;    // the venue sends the feed from it; mode=net acknowledges on it
inline constexpr u16 kFeed = 26500;         // MoldUDP64 in (mode=trade); retransmissions come back to it
inline constexpr u16 kRewinder = 26501;     // MoldUDP64 retransmission requests, at the rewinder
inline constexpr u16 kOrderGateway = 15000; // OUCH 4.2 orders, at the gateway
inline constexpr u16 kOrderLocal = 15001;   // ... sent from this port; the venue's answers come to it
inline constexpr u16 kOrderRewinder = 15002;  // retransmission requests for answers, at the gateway

}  // namespace tk::net::port
