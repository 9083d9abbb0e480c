// The control port: a few commands an operator sends the running kernel over
// UDP ("tk-status", "tk-kill", "tk-exit"). Anyone who can reach the port can
// send a datagram, and anyone on the path can read one, so a command is
// obeyed only when it comes from a configured source address and proves the
// shared secret without revealing it, fresh for this boot and never seen
// before:
//
//     <command> <counter> <mac>
//     mac = hex(HMAC-SHA256(secret, "<nonce> <source> <command> <counter>"))
//
// with <source> the sender's address as dotted decimal. The nonce is drawn
// at boot from the CPU's random number generator and printed (`@tk control
// nonce=`), so a command recorded in an earlier boot is refused; each source
// has its own counter, which must exceed the last one obeyed from it, so a
// command recorded in this boot is refused, from its sender or (the source
// being signed) replayed from another's address. A source that has used
// counter 2^64-1 is obeyed no more until the next boot. Everything else is
// dropped and counted. With no source, no secret or no nonce, nothing is
// obeyed.
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
    X(accepted) X(refused_not_configured) X(refused_source) X(refused_command) X(refused_malformed) \
    X(refused_mac) X(refused_replay)

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

    static constexpr usize kNonceDigits = 16;  // the nonce in lowercase hex
    static constexpr usize kMacDigits = 64;    // the MAC in lowercase hex

    // Sources "10.0.0.1,10.0.0.9", the secret and this boot's nonce. False
    // (and nothing will be obeyed) if any source is malformed, there are none
    // or more than kMaxSources, the secret's length is out of bounds or
    // there is no nonce (a random one could not be drawn).
    bool configure(StringView sources, StringView secret, u64 nonce, bool have_nonce = true);
    bool configured() const { return source_count_ > 0 && secret_length_ > 0; }

    // The command `d` carries if it is to be obeyed; None (counted) if not.
    ControlCommand check(const UdpDatagram& d);
    const ControlCounters& counters() const { return counters_; }
    u64 nonce() const { return nonce_; }

private:
    bool mac_matches(Ipv4Address source, StringView command, StringView counter, const u8* mac_hex) const;

    Ipv4Address sources_[kMaxSources] = {};
    u32 source_count_ = 0;
    u8 secret_[kMaxSecret] = {};
    usize secret_length_ = 0;
    u64 nonce_ = 0;
    u64 last_counter_[kMaxSources] = {};  // of the last command obeyed from each source
    ControlCounters counters_{};
};

// "10.0.2.15" -> 0x0A00020F; 0 if malformed.
Ipv4Address parse_ipv4(StringView text);

// "02:54:00:12:34:56" -> the bytes; false if malformed.
bool parse_mac(StringView text, MacAddress& out);

// "10.0.0.1,10.0.0.9" -> the addresses; -1 if any is malformed or there are
// more than `max`. A configured list is all good or refused: an address
// dropped quietly is a host locked out (or let in) without anyone knowing.
i32 parse_ipv4_list(StringView text, Ipv4Address* out, u32 max);

}  // namespace tk::net
