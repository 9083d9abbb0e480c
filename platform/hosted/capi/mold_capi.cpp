// C ABI over the MoldUDP64 receiver for Python tests (test_moldudp64.py):
// delivered messages and retransmission requests are recorded for Python.

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>
#include <new>

#include "kernel/feed/moldudp64.h"

using namespace tk;

namespace {

struct HostedMold {
    static constexpr u32 kMax = 1 << 16;
    mold::Receiver receiver;
    u64 sequences[kMax];
    u32 offsets[kMax + 1];
    u8 bytes[kMax * 64];
    u32 delivered = 0;
    u64 request_sequence[4096];
    u16 request_count[4096];
    u32 requests = 0;
};

void deliver(void* c, Sequence sequence, const u8* message, u16 length) {
    auto* h = static_cast<HostedMold*>(c);
    if (h->delivered == HostedMold::kMax || h->offsets[h->delivered] + length > sizeof h->bytes) return;
    h->sequences[h->delivered] = sequence.value;
    std::memcpy(h->bytes + h->offsets[h->delivered], message, length);
    h->offsets[h->delivered + 1] = h->offsets[h->delivered] + length;
    ++h->delivered;
}

void request(void* c, const char*, Sequence first, u16 count) {
    auto* h = static_cast<HostedMold*>(c);
    if (h->requests == 4096) return;
    h->request_sequence[h->requests] = first.value;
    h->request_count[h->requests] = count;
    ++h->requests;
}

}  // namespace

extern "C" {

void* tk_mold_create(u64 first_sequence) {
    auto* h = new (std::nothrow) HostedMold;
    if (h) {
        h->offsets[0] = 0;
        h->receiver.init(Sequence{first_sequence}, deliver, request, h);
    }
    return h;
}

void tk_mold_destroy(void* h) { delete static_cast<HostedMold*>(h); }
void tk_mold_receive(void* h, const u8* p, usize n) { static_cast<HostedMold*>(h)->receiver.receive(p, n); }
u32 tk_mold_delivered(void* h) { return static_cast<HostedMold*>(h)->delivered; }

// Sequence of delivered message i; its bytes go to out (returns the length).
u32 tk_mold_message(void* c, u32 i, u64* sequence, u8* out, u32 capacity) {
    auto* h = static_cast<HostedMold*>(c);
    if (i >= h->delivered) return 0;
    u32 n = h->offsets[i + 1] - h->offsets[i];
    if (n > capacity) n = capacity;
    *sequence = h->sequences[i];
    std::memcpy(out, h->bytes + h->offsets[i], n);
    return n;
}

// Takes the oldest unread retransmission request; false when none.
int tk_mold_take_request(void* c, u64* sequence, u16* count) {
    auto* h = static_cast<HostedMold*>(c);
    if (h->requests == 0) return 0;
    *sequence = h->request_sequence[0];
    *count = h->request_count[0];
    --h->requests;
    std::memmove(h->request_sequence, h->request_sequence + 1, h->requests * sizeof(u64));
    std::memmove(h->request_count, h->request_count + 1, h->requests * sizeof(u16));
    return 1;
}

u64 tk_mold_next(void* h) { return static_cast<HostedMold*>(h)->receiver.next_sequence().value; }
int tk_mold_ended(void* h) { return static_cast<HostedMold*>(h)->receiver.session_ended(); }

const char* tk_mold_counter_names() { return mold::counter_names(); }
void tk_mold_expect_session(void* h, const char* session) {
    static_cast<HostedMold*>(h)->receiver.expect_session(session);
}
int tk_mold_session_locked(void* h) { return static_cast<HostedMold*>(h)->receiver.session_locked(); }

void tk_mold_counters(void* h, u64* out) {
    mold::Counters c = static_cast<HostedMold*>(h)->receiver.counters();
    std::memcpy(out, &c, sizeof c);
}

}  // extern "C"
