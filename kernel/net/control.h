// The control port: a few commands an operator sends the running kernel over
// UDP ("tk-status", "tk-kill", "tk-exit"). Anyone who can reach the port can
// send a datagram, so a command is obeyed only when it comes from a
// configured source address and carries the shared secret, as
// "<command> <secret>". Everything else is dropped and counted. With no
// source or no secret configured, nothing is obeyed.
#pragma once

#include "kernel/lib/string.h"
#include "kernel/net/stack.h"
#include "kernel/net/ports.h"

namespace tk::net {

inline constexpr u16 kControlPort = port::kControl;

enum class ControlCommand : u8 {
    None,    // refused: see the counters
    Status,  // "tk-status": answer with a status line
    Kill,    // "tk-kill": stop all order entry at once, for the rest of the session
    Exit,    // "tk-exit": final report, then end the run
};

#define TK_CONTROL_COUNTERS(X) \
    X(accepted) X(refused_not_configured) X(refused_source) X(refused_secret) X(refused_command)

struct ControlCounters {
#define TK_CONTROL_COUNTER_FIELD(name) u64 name;
    TK_CONTROL_COUNTERS(TK_CONTROL_COUNTER_FIELD)
#undef TK_CONTROL_COUNTER_FIELD
};
const char* control_counter_names();

class ControlPlane {
public:
    static constexpr u32 kMaxSources = 4;
    // A secret shorter than this is refused: it could be guessed by trying.
    static constexpr usize kMinSecret = 16;
    static constexpr usize kMaxSecret = 64;

    // Sources "10.0.0.1,10.0.0.9" and the secret. False (and nothing will be
    // obeyed) if any source is malformed, there are none or more than
    // kMaxSources, or the secret's length is out of bounds.
    bool configure(StringView sources, StringView secret);
    bool configured() const { return source_count_ > 0 && secret_length_ > 0; }

    // The command `d` carries if it is to be obeyed; None (counted) if not.
    ControlCommand check(const UdpDatagram& d);
    const ControlCounters& counters() const { return counters_; }

private:
    bool secret_matches(const u8* text, usize length) const;

    Ipv4Address sources_[kMaxSources] = {};
    u32 source_count_ = 0;
    u8 secret_[kMaxSecret] = {};
    usize secret_length_ = 0;
    ControlCounters counters_{};
};

// "10.0.2.15" -> 0x0A00020F; 0 if malformed.
Ipv4Address parse_ipv4(StringView text);

// "10.0.0.1,10.0.0.9" -> the addresses; -1 if any is malformed or there are
// more than `max`. A configured list is all good or refused: an address
// dropped quietly is a host locked out (or let in) without anyone knowing.
i32 parse_ipv4_list(StringView text, Ipv4Address* out, u32 max);

}  // namespace tk::net
