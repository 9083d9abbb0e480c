// libFuzzer: MoldUDP64 packets into the receiver (kernel/feed/moldudp64.cpp):
// gaps, duplicates, session changes, end of session, the hold. Messages must
// come out strictly in sequence, once each, from inside the packet they were
// in; retransmission requests must ask only for what has not been delivered.
// Where in_order() (the trading fast path's precondition) says yes, receive()
// must deliver the packet whole and change no other counter and no request:
// what the fast path does in its place.

#include <cstdio>

#include "kernel/feed/moldudp64.h"
#include "tests/fuzz/fuzz_input.h"

using namespace tk;

namespace {

struct State {
    mold::Receiver receiver;
    u64 next = 1;
    u64 requests = 0;  // retransmission requests made
    const u8* packet = nullptr;
    usize packet_length = 0;
};

void deliver(void* c, Sequence sequence, const u8* message, u16 length) {
    auto* s = static_cast<State*>(c);
    TK_FUZZ_ASSERT(sequence.value == s->next);
    TK_FUZZ_ASSERT(length > 0);
    ++s->next;
    volatile u8 sum = 0;  // every byte readable (ASan: a held copy or the packet)
    for (u16 i = 0; i < length; ++i) sum = u8(sum + message[i]);
}

void request(void* c, const char*, Sequence first, u16 count) {
    auto* s = static_cast<State*>(c);
    u64 sequence = first.value;
    ++s->requests;
    TK_FUZZ_ASSERT(count > 0);
    TK_FUZZ_ASSERT(sequence >= s->next);
    TK_FUZZ_ASSERT(sequence - s->next <= mold::kWindow);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static State* state = new State;  // holds 64 packets: too big for the stack
    State& s = *state;
    s.next = 1;
    s.requests = 0;
    s.receiver.init(Sequence{1}, deliver, request, &s);
    if (size && (data[0] & 1)) s.receiver.expect_session("TKFUZZ0001");
    fuzz::Records records(size ? data + 1 : data, size ? size - 1 : 0);
    std::unique_ptr<uint8_t[]> packet;
    size_t length = 0;
    u64 packets = 0;
    while (records.next(packet, length, 2048)) {
        bool in_order = s.receiver.in_order(packet.get(), length);
        mold::Counters before = s.receiver.counters();
        u64 next_before = s.next, requests_before = s.requests;
        s.receiver.receive(packet.get(), length);
        ++packets;
        if (in_order) {
            u16 count = u16(packet[mold::kCountAt] << 8 | packet[mold::kCountAt + 1]);
            mold::Counters expected = before;
            ++expected.packets;
            expected.messages_delivered += count;
            TK_FUZZ_ASSERT(std::memcmp(&expected, &s.receiver.counters(), sizeof expected) == 0);
            TK_FUZZ_ASSERT(s.next == next_before + count && s.requests == requests_before);
            TK_FUZZ_ASSERT(!s.receiver.behind());
        }
    }
    const mold::Counters& c = s.receiver.counters();
    TK_FUZZ_ASSERT(c.packets == packets);
    TK_FUZZ_ASSERT(c.messages_delivered == s.next - 1);
    TK_FUZZ_ASSERT(s.receiver.next_sequence().value == s.next);
    return 0;
}
