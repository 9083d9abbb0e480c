#include "kernel/feed/moldudp64.h"

#include "kernel/net/wire.h"

namespace tk::mold {
namespace {

u64 load_be64(const u8* p) { return u64(net::load_be32(p)) << 32 | net::load_be32(p + 4); }

}  // namespace

void Receiver::init(u64 first_sequence, MessageHandler deliver, RequestHandler request, void* context) {
    *this = Receiver{};
    next_ = first_sequence;
    deliver_ = deliver;
    request_ = request;
    context_ = context;
}

// Checks that `count` message blocks fit in the packet; with `deliver`, hands
// those at or after next_ to the application.
bool Receiver::walk(const u8* packet, usize length, u16 count, u64 first, bool deliver) {
    usize at = kHeader;
    for (u16 i = 0; i < count; ++i) {
        if (at + 2 > length) return false;
        u16 n = net::load_be16(packet + at);
        if (n == 0 || at + 2 + n > length) return false;
        if (deliver && first + i >= next_) {
            deliver_(context_, first + i, packet + at + 2, n);
            ++counters_.messages_delivered;
            next_ = first + i + 1;
        }
        at += 2 + usize(n);
    }
    return true;
}

// Asks for what is missing before `first` and not asked for yet; asks again
// for all of it when the gap has not moved for 64 packets.
void Receiver::gap_seen(u64 first) {
    bool stuck = requested_from_ == next_ && ++beyond_gap_ >= 64;
    u64 from = requested_up_to_ >= next_ && !stuck ? requested_up_to_ + 1 : next_;
    if (from >= first) return;
    if (first - 1 > requested_up_to_) {
        ++counters_.gaps;
        counters_.gap_messages += first - 1 - (requested_up_to_ >= next_ ? requested_up_to_ : next_ - 1);
    }
    ++counters_.retransmission_requests;
    requested_up_to_ = first - 1;
    requested_from_ = next_;
    beyond_gap_ = 0;
    u64 missing = first - from;
    request_(context_, session_, from, u16(missing < 0xFFFE ? missing : 0xFFFE));
}

void Receiver::receive(const u8* packet, usize length) {
    ++counters_.packets;
    if (length < kHeader) {
        ++counters_.malformed;
        return;
    }
    if (!have_session_) {
        for (int i = 0; i < 10; ++i) session_[i] = char(packet[i]);
        have_session_ = true;
    } else {
        for (int i = 0; i < 10; ++i) {
            if (session_[i] != char(packet[i])) {
                ++counters_.wrong_session;
                return;
            }
        }
    }
    u64 first = load_be64(packet + 10);
    u16 count = net::load_be16(packet + 18);
    if (count == kEndOfSession) {
        ++counters_.end_of_session;
        ended_ = true;
        return;
    }
    if (count == 0) {  // heartbeat: its sequence is the next one to be sent
        ++counters_.heartbeats;
        if (first > next_) gap_seen(first);
        return;
    }
    if (!walk(packet, length, count, first, false)) {
        ++counters_.malformed;
        return;
    }
    u64 end = first + count;  // one past the last message in the packet
    if (end <= next_) {
        ++counters_.duplicate_packets;
        return;
    }
    if (first > next_) {
        // A gap: drop this packet (its messages come again after the
        // retransmission) and ask for what is missing.
        ++counters_.future_packets;
        gap_seen(first);
        return;
    }
    if (first < next_) ++counters_.partial_duplicates;
    walk(packet, length, count, first, true);
}

}  // namespace tk::mold
