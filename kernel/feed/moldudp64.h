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
// asked for; when the hold is full they are dropped and asked for too, in
// batches (kRequestBatch). If 128
// packets show a gap while the next expected message has not moved, the
// request is repeated from there (the request or its answer was lost). A
// publisher's heartbeats keep this going when the feed is quiet. Every case
// has a counter.
//
// What arrives is not trusted (anyone who can reach the port can send it):
// - A sequence number more than kWindow messages beyond the next expected one
//   is not believed: the packet is dropped and counted, and asks for nothing,
//   so one forged packet cannot send the receiver after 2^62 messages, wrap
//   its arithmetic or pin the hold.
// - The session is the configured one (expect_session), or else the first
//   session whose packet carries messages; it is locked once one of its
//   messages is delivered. Until then another session's messages replace it,
//   so a stranger's heartbeat, or messages ahead of the feed, cannot lock the
//   feed out; a stranger's messages at the very next sequence can, which is
//   why mode=trade takes session= (and MoldUDP64 carries no authentication:
//   whoever can send to the feed port can forge the feed).
// - When the hold is full, a packet nearer the next expected message takes
//   the place of the farthest one held.
//
// Behind the feed: while a gap is open the books lag the market, and so do
// the messages handed over to close it (retransmitted or held). behind() is
// true from the moment a packet (a heartbeat too) shows a message beyond the
// next expected one until the packet that reaches the newest message known
// is being delivered; the pipeline refuses orders meanwhile.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::mold {

inline constexpr usize kHeader = 20;
inline constexpr usize kSequenceAt = 10, kCountAt = 18;  // after the 10-byte Session
inline constexpr u16 kEndOfSession = 0xFFFF;
// The largest packet one Ethernet frame carries: 1500 - 20 (IPv4) - 8 (UDP).
inline constexpr usize kMaxPacket = 1472;
inline constexpr u32 kHeldPackets = 64;
inline constexpr u32 kStuckPackets = 128;  // more than the hold: held packets are not a stall
// With the hold full, the messages of dropped packets are asked for in
// batches of this many, not one request per packet: after a long burst of
// loss a packet-per-message feed would otherwise send a request for every
// packet that follows. A heartbeat, the end of session or the stall check
// asks for the remainder.
inline constexpr u64 kRequestBatch = 1024;
// How far ahead of the next expected message a packet may start. A burst of
// a thousand lost full packets is about 70,000 messages; a day is a few
// hundred million, so a receiver that joins late must be started at the
// feed's sequence (init), not at 1.
inline constexpr u64 kWindow = u64(1) << 20;

// One list, so the struct, the kernel's record and the host's names agree:
//   duplicate_packets   entirely before the next expected message: dropped
//   partial_duplicates  started before it: the old messages skipped
//   future_packets      beyond a gap: held, or dropped if the hold is full
//   future_dropped      not held (or put out of the hold): asked for instead
//   malformed           lengths that do not fit, bad message blocks
//   beyond_window       a sequence more than kWindow ahead: dropped
//   session_changes     an unconfirmed session replaced by another's messages
//   before_session      a heartbeat or end of session before any session was
//                       known (it cannot choose one): dropped
#define TK_MOLD_COUNTERS(X)                                                               \
    X(packets) X(heartbeats) X(messages_delivered) X(duplicate_packets)                    \
    X(partial_duplicates) X(gaps) X(gap_messages) X(retransmission_requests)               \
    X(future_packets) X(future_dropped) X(malformed) X(wrong_session) X(end_of_session)    \
    X(beyond_window) X(session_changes) X(before_session)

struct Counters {
#define TK_MOLD_COUNTER_FIELD(name) u64 name;
    TK_MOLD_COUNTERS(TK_MOLD_COUNTER_FIELD)
#undef TK_MOLD_COUNTER_FIELD
};

// "packets,heartbeats,...": the field names in order.
const char* counter_names();

// A retransmission request: the downstream header, asking for `count`
// messages from `first` of `session` (10 bytes, as on the wire).
void encode_request(const char* session, Sequence first, u16 count, u8 out[kHeader]);

using MessageHandler = void (*)(void* context, Sequence sequence, const u8* message, u16 length);
using RequestHandler = void (*)(void* context, const char* session, Sequence first, u16 count);

class Receiver {
public:
    // `first_sequence` is the next message wanted (1 at the start of a day).
    void init(Sequence first_sequence, MessageHandler deliver, RequestHandler request, void* context);
    // Accept only this session (10 bytes, space-padded as on the wire).
    void expect_session(const char* session);

    void receive(const u8* packet, usize length);

    Sequence next_sequence() const { return Sequence{next_}; }
    // One past the newest message any packet of the session has shown to exist.
    Sequence known_end() const { return Sequence{known_end_}; }
    // Messages known to exist that are not delivered yet, beyond the packet
    // being delivered (during delivery) or beyond next_sequence().
    bool behind() const { return known_end_ > (delivering_end_ > next_ ? delivering_end_ : next_); }
    bool session_ended() const { return ended_; }

    // For the trading fast path (kernel/trade/fastpath.cpp). in_order(): the
    // packet is of the locked session, starts at exactly the next message,
    // carries messages whose blocks all fit, and nothing is held or known
    // beyond the next message -- the case where receive() would deliver it
    // whole and change nothing else. It only reads. The fast path then
    // reports its delivery through the other three, which leave the state
    // and counters receive() would.
    bool in_order(const u8* packet, usize length) const;
    void begin_in_order(u16 count) {
        ++counters_.packets;
        known_end_ = delivering_end_ = next_ + count;
    }
    void delivered_in_order() {
        ++counters_.messages_delivered;
        ++next_;
    }
    void end_in_order() { delivering_end_ = 0; }
    const Counters& counters() const { return counters_; }
    const char* session() const { return session_; }
    bool session_locked() const { return session_locked_; }

private:
    struct HeldPacket {
        u64 first;
        u16 count;
        u16 length;  // 0: free
        u8 bytes[kMaxPacket];
    };

    static bool blocks_fit(const u8* packet, usize length, u16 count);
    void walk(const u8* packet, usize length, u16 count, u64 first);
    bool accept_session(const u8* packet, bool carries_messages);
    void gap_seen(u64 first);
    bool hold(const u8* packet, usize length, u64 first, u16 count);
    void deliver_held();
    void forget_gaps();

    MessageHandler deliver_ = nullptr;
    RequestHandler request_ = nullptr;
    void* context_ = nullptr;
    u64 next_ = 1;
    u64 requested_up_to_ = 0;  // highest sequence already asked for
    u64 known_end_ = 1;        // see known_end()
    u64 delivering_end_ = 0;   // one past the packet being delivered; 0 between packets
    u64 stalled_at_ = 0;       // next_ when beyond_gap_ started counting
    u32 beyond_gap_ = 0;       // packets showing a gap since
    char session_[11] = {};
    bool have_session_ = false;
    bool session_locked_ = false;  // configured, or one of its messages delivered
    bool ended_ = false;
    Counters counters_{};
    u32 held_count_ = 0;
    HeldPacket held_[kHeldPackets];
};

}  // namespace tk::mold
