// MoldUDP64 receiver (NASDAQ MoldUDP64 Protocol Specification 1.00): a
// downstream packet is a 20-byte header -- Session (10, Alpha), Sequence
// Number (8: of the first message), Message Count (2) -- then Message Count
// blocks of Message Length (2) + message. A count of 0 is a heartbeat; 0xFFFF
// marks the end of the session.
//
// The receiver hands messages to the application strictly in sequence, once
// each: duplicates and stale packets are dropped, a gap is reported through
// `request` (the caller sends a retransmission request -- the same 20-byte
// header, asking for `count` messages from `sequence` -- to the rewinder).
// Packets beyond the gap are copied into a small hold (kHeldPackets) and
// delivered once the retransmission fills the gap, so only what was lost is
// asked for; when the hold is full they are dropped and asked for too. If 128
// packets show a gap while the next expected message has not moved, the
// request is repeated from there (the request or its answer was lost). A
// publisher's heartbeats keep this going when the feed is quiet. Every case
// has a counter.
#pragma once

#include "tk/types.h"

namespace tk::mold {

inline constexpr usize kHeader = 20;
inline constexpr u16 kEndOfSession = 0xFFFF;
// The largest packet one Ethernet frame carries: 1500 - 20 (IPv4) - 8 (UDP).
inline constexpr usize kMaxPacket = 1472;
inline constexpr u32 kHeldPackets = 64;
inline constexpr u32 kStuckPackets = 128;  // more than the hold: held packets are not a stall

struct Counters {
    u64 packets, heartbeats, messages_delivered;
    u64 duplicate_packets;   // entirely before the next expected message: dropped
    u64 partial_duplicates;  // started before it: the old messages skipped
    u64 gaps, gap_messages, retransmission_requests;
    u64 future_packets;   // beyond a gap: held, or dropped if the hold is full
    u64 future_dropped;
    u64 malformed;        // lengths that do not fit, bad message blocks
    u64 wrong_session;
    u64 end_of_session;
};

using MessageHandler = void (*)(void* context, u64 sequence, const u8* message, u16 length);
using RequestHandler = void (*)(void* context, const char* session, u64 sequence, u16 count);

class Receiver {
public:
    // `first_sequence` is the next message wanted (1 at the start of a day).
    void init(u64 first_sequence, MessageHandler deliver, RequestHandler request, void* context);

    void receive(const u8* packet, usize length);

    u64 next_sequence() const { return next_; }
    bool session_ended() const { return ended_; }
    const Counters& counters() const { return counters_; }
    const char* session() const { return session_; }

private:
    struct HeldPacket {
        u64 first;
        u16 count;
        u16 length;  // 0: free
        u8 bytes[kMaxPacket];
    };

    bool walk(const u8* packet, usize length, u16 count, u64 first, bool deliver);
    void gap_seen(u64 first);
    bool hold(const u8* packet, usize length, u64 first, u16 count);
    void deliver_held();

    MessageHandler deliver_ = nullptr;
    RequestHandler request_ = nullptr;
    void* context_ = nullptr;
    u64 next_ = 1;
    u64 requested_up_to_ = 0;  // highest sequence already asked for
    u64 stalled_at_ = 0;       // next_ when beyond_gap_ started counting
    u32 beyond_gap_ = 0;       // packets showing a gap since
    char session_[11] = {};
    bool have_session_ = false;
    bool ended_ = false;
    Counters counters_{};
    u32 held_count_ = 0;
    HeldPacket held_[kHeldPackets];
};

}  // namespace tk::mold
