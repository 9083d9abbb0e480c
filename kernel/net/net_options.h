// The network options of the kernel command line, shared by the kernel's
// modes (platform/pc/net.cpp) and the Linux feed handler that runs the same
// core (platform/hosted/trader/):
//
//   ip=<ip>        our address, a /24 (default 10.0.2.15)
//   router=<ip>    where datagrams off our /24 go (default .1 of it)
//   igmp=2         answer IGMPv2 queries as v2 (default: v3)
//   join=<group>   the multicast group of the feed
//   control=<ips> secret=<16-64 characters>   the control port (control.h)
#pragma once

#include "kernel/boot/cmdline.h"
#include "kernel/net/control.h"
#include "kernel/net/stack.h"

namespace tk::net {

// Fills the addresses of `config` (its MAC is the caller's); false (and said
// why in the log) if the router is not another host on our /24.
bool parse_net_options(const CommandLine& cmdline, NetConfig& config);

// Configures `control` from control= and secret= with this run's nonce
// (`nonce_source` names where it came from, for the record) and logs the
// "control" record. False (said in the log) if every command will be refused.
bool configure_control(ControlPlane& control, const CommandLine& cmdline, u64 nonce, bool have_nonce,
                       const char* nonce_source);

}  // namespace tk::net
