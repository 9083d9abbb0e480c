// The trading fast path: one received frame, in the common case, from the
// Ethernet header to the order books, the strategy and the order encoder in
// one function (kernel/trade/fastpath.cpp), in the manner of seL4's IPC
// fastpath: every precondition of the common case is checked first, reading
// only; if any fails nothing has changed and the caller hands the frame to
// the general path (NetStack::receive, which reaches the engine through the
// UDP binding and the MoldUDP64 receiver). Both paths leave the same books,
// orders, state and counters (tests/python/test_fastpath.py and the pipeline
// fuzz harness check it frame by frame).
#pragma once

#include "kernel/net/stack.h"
#include "kernel/trade/engine.h"

namespace tk::trade {

// True if the frame was handled here. Declines every frame unless `stack`
// is the one the engine's feed port is bound to (Engine::bind_ports), so
// that the general path would have delivered the same datagram to it.
bool fastpath_receive(Engine& engine, net::NetStack& stack, const u8* frame, usize length);

}  // namespace tk::trade
