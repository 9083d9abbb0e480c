#include "kernel/feed/moldudp64.h"

#include "kernel/net/wire.h"
#include "tk/bytes.h"

namespace tk::mold {

const char* counter_names() {
#define TK_MOLD_COUNTER_NAME(name) #name ","
    return TK_MOLD_COUNTERS(TK_MOLD_COUNTER_NAME);
#undef TK_MOLD_COUNTER_NAME
}

void encode_request(const char* session, Sequence first, u16 count, u8 out[kHeader]) {
    for (int i = 0; i < 10; ++i) out[i] = u8(session[i]);
    net::store_be64(out + kSequenceAt, first.value);
    net::store_be16(out + kCountAt, count);
}

void Receiver::init(Sequence first_sequence, MessageHandler deliver, RequestHandler request, void* context) {
    // Field by field: a temporary Receiver (with its hold) is too big for a
    // kernel stack.
    next_ = known_end_ = first_sequence.value;
    delivering_end_ = 0;
    requested_up_to_ = stalled_at_ = 0;
    beyond_gap_ = 0;
    for (char& c : session_) c = 0;
    have_session_ = session_locked_ = ended_ = false;
    counters_ = {};
    held_count_ = 0;
    for (HeldPacket& h : held_) h.length = 0;
    deliver_ = deliver;
    request_ = request;
    context_ = context;
}

void Receiver::expect_session(const char* session) {
    for (int i = 0; i < 10; ++i) session_[i] = session[i];
    have_session_ = session_locked_ = true;
}

// Drops what was learnt about gaps, held packets and the end (of a session that turned
// out not to be the feed's).
void Receiver::forget_gaps() {
    ended_ = false;
    known_end_ = next_;
    requested_up_to_ = stalled_at_ = 0;
    beyond_gap_ = 0;
    held_count_ = 0;
    for (HeldPacket& h : held_) h.length = 0;
}

// True if the packet is of the session being received. An unlocked session
// gives way to another session's messages (never to a heartbeat or an end of
// session, which carry none).
bool Receiver::accept_session(const u8* packet, bool carries_messages) {
    bool same = have_session_;
    for (int i = 0; same && i < 10; ++i) same = session_[i] == char(packet[i]);
    if (same) return true;
    if (have_session_ && (session_locked_ || !carries_messages)) {
        ++counters_.wrong_session;
        return false;
    }
    if (!carries_messages) {  // nothing learnt from it; the next packet may say more
        ++counters_.before_session;
        return false;
    }
    if (have_session_) {
        ++counters_.session_changes;
        forget_gaps();
    }
    for (int i = 0; i < 10; ++i) session_[i] = char(packet[i]);
    have_session_ = true;
    return true;
}

// True if `count` message blocks, each a non-zero length and that many
// bytes, fit in the packet.
bool Receiver::blocks_fit(const u8* packet, usize length, u16 count) {
    usize at = kHeader;
    for (u16 i = 0; i < count; ++i) {
        u16 n = at + 2 <= length ? net::load_be16(packet + at) : 0;
        if (n == 0 || at + 2 + n > length) return false;
        at += 2 + usize(n);
    }
    return true;
}

// Hands the messages at or after next_ of a packet whose blocks fit to the
// application.
void Receiver::walk(const u8* packet, usize length, u16 count, u64 first) {
    (void)length;  // blocks_fit() has checked every block against it
    usize at = kHeader;
    delivering_end_ = first + count;
    for (u16 i = 0; i < count; ++i) {
        u16 n = net::load_be16(packet + at);
        if (first + i >= next_) {
            deliver_(context_, Sequence{first + i}, packet + at + 2, n);
            ++counters_.messages_delivered;
            next_ = first + i + 1;
            session_locked_ = true;
        }
        at += 2 + usize(n);
    }
    delivering_end_ = 0;
}

bool Receiver::in_order(const u8* packet, usize length) const {
    if (length < kHeader || !session_locked_ || held_count_ || known_end_ > next_) return false;
    if (!same_bytes<10>(reinterpret_cast<const u8*>(session_), packet)) return false;
    u16 count = net::load_be16(packet + kCountAt);
    if (net::load_be64(packet + kSequenceAt) != next_ || count == 0 || count == kEndOfSession) return false;
    return next_ <= ~u64(0) - count && blocks_fit(packet, length, count);
}

// Asks for what is missing before `first` and not asked for yet. When 128
// packets have shown a gap without the next expected message moving, the
// answer (or the request) was lost: everything from there is asked for again.
// Only a request that starts at the next expected message restarts that
// count: requests further ahead (batches, a gap's tail) leave the first gap
// open, so they must not postpone asking for it again.
void Receiver::gap_seen(u64 first) {
    if (next_ != stalled_at_) stalled_at_ = next_, beyond_gap_ = 0;
    bool stuck = ++beyond_gap_ >= kStuckPackets;
    u64 from = requested_up_to_ >= next_ && !stuck ? requested_up_to_ + 1 : next_;
    if (from >= first) return;
    if (first - 1 > requested_up_to_) {
        ++counters_.gaps;
        counters_.gap_messages += first - 1 - (requested_up_to_ >= next_ ? requested_up_to_ : next_ - 1);
    }
    ++counters_.retransmission_requests;
    u64 missing = first - from;
    u16 count = u16(missing < 0xFFFE ? missing : 0xFFFE);
    // What was asked for, not the whole gap: a gap wider than one request
    // has its remainder asked for by the next packet that shows it.
    if (from + count - 1 > requested_up_to_) requested_up_to_ = from + count - 1;
    if (from == next_) beyond_gap_ = 0;
    request_(context_, session_, Sequence{from}, count);
}

// Copies a packet beyond a gap; false if it is not kept. When the hold is
// full, the packet farthest ahead makes way for a nearer one: its messages
// are asked for again when the gap before them is.
bool Receiver::hold(const u8* packet, usize length, u64 first, u16 count) {
    if (length > kMaxPacket) return false;
    HeldPacket* slot = nullptr;
    if (held_count_ < kHeldPackets) {
        for (HeldPacket& h : held_)
            if (!h.length) {
                slot = &h;
                break;
            }
        ++held_count_;
    } else {
        for (HeldPacket& h : held_)
            if (!slot || h.first > slot->first) slot = &h;
        if (slot->first <= first) return false;
        ++counters_.future_dropped;
        if (requested_up_to_ >= slot->first) requested_up_to_ = slot->first - 1;
    }
    for (usize i = 0; i < length; ++i) slot->bytes[i] = packet[i];
    slot->first = first, slot->count = count, slot->length = u16(length);
    return true;
}

// Delivers held packets that now start at or before the next expected
// message, lowest first, until none does.
void Receiver::deliver_held() {
    while (held_count_) {
        HeldPacket* next = nullptr;
        for (HeldPacket& h : held_)
            if (h.length && h.first <= next_ && (!next || h.first < next->first)) next = &h;
        if (!next) return;
        if (next->first + next->count > next_) walk(next->bytes, next->length, next->count, next->first);
        next->length = 0;
        --held_count_;
    }
}

void Receiver::receive(const u8* packet, usize length) {
    ++counters_.packets;
    if (length < kHeader) {
        ++counters_.malformed;
        return;
    }
    u64 first = net::load_be64(packet + kSequenceAt);
    u16 count = net::load_be16(packet + kCountAt);
    bool carries_messages = count != 0 && count != kEndOfSession;
    if (carries_messages && (first > ~u64(0) - count || !blocks_fit(packet, length, count))) {
        ++counters_.malformed;
        return;
    }
    // Everything below may add to `first`: a sequence this far ahead is not
    // believed, and so cannot overflow either. Checked before the session, so
    // a packet that is not believed cannot change the session either.
    if (first > next_ && first - next_ > kWindow) {
        ++counters_.beyond_window;
        return;
    }
    if (!accept_session(packet, carries_messages)) return;
    // A heartbeat's and an end of session's sequence is the next message to
    // be sent: all before it exist.
    u64 shown_end = carries_messages ? first + count : first;
    if (shown_end > known_end_) known_end_ = shown_end;
    if (count == kEndOfSession) {  // its sequence is one past the last message
        ++counters_.end_of_session;
        ended_ = true;
        if (first > next_) gap_seen(first);
        return;
    }
    if (count == 0) {  // heartbeat: its sequence is the next one to be sent
        ++counters_.heartbeats;
        if (first > next_) gap_seen(first);
        return;
    }
    u64 end = first + count;  // one past the last message in the packet
    if (end <= next_) {
        ++counters_.duplicate_packets;
        return;
    }
    if (first > next_) {
        // A gap: ask for what is missing before this packet, and keep the
        // packet for when it is filled -- or, with no room, ask for it too.
        ++counters_.future_packets;
        if (hold(packet, length, first, count)) {
            gap_seen(first);
            // The held messages need no request, unless part of the gap before
            // them is still unasked (one request holds at most 65,534): then
            // the next packet must still see that part as unasked.
            if (requested_up_to_ + 1 >= first && end - 1 > requested_up_to_) requested_up_to_ = end - 1;
        } else {
            ++counters_.future_dropped;
            bool batch_ready = requested_up_to_ < next_ || end - 1 >= requested_up_to_ + kRequestBatch;
            gap_seen(batch_ready ? end : requested_up_to_ + 1);  // the latter only counts toward a stall
        }
        return;
    }
    if (first < next_) ++counters_.partial_duplicates;
    walk(packet, length, count, first);
    if (held_count_) deliver_held();
}

}  // namespace tk::mold
