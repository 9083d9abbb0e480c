// C ABI over the order books for Python tests (tests/python/test_order_book.py)
// and the differential tests: books of any capacity, their levels, trust
// state, figures and counters.

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>
#include <new>

#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
#include "platform/hosted/startup_memory.h"

using namespace tk;

namespace {

struct HostedBooks {
    book::Books books;
    void* memory;
    u64 bytes;
};

}  // namespace

extern "C" {

// (orders, levels) of the capacity the kernel ships with.
void tk_book_market_day_capacity(u32* out) {
    out[0] = book::kMarketDayCapacity.orders;
    out[1] = book::kMarketDayCapacity.levels;
}

// `locates`: books for locates 0 .. locates-1 (65,536: every locate).
void* tk_book_create(u32 orders, u32 levels, u32 locates) {
    book::Capacity capacity{orders, levels, locates};
    if (!capacity.valid()) return nullptr;
    auto* h = new (std::nothrow) HostedBooks;
    if (!h) return nullptr;
    h->bytes = book::Books::memory_bytes(capacity);
    h->memory = hosted::map_startup_memory(h->bytes);
    if (!h->memory) {
        delete h;
        return nullptr;
    }
    h->books.init(h->memory, capacity);
    return h;
}

void tk_book_destroy(void* p) {
    auto* h = static_cast<HostedBooks*>(p);
    hosted::unmap_startup_memory(h->memory, h->bytes);
    delete h;
}

// ITCH message in; -2 if the ITCH layer rejects it, else the locate whose book
// changed (or -1 when the message changed none).
int tk_book_apply(void* h, const u8* message, usize length) {
    if (itch::check(message, length) != itch::DecodeStatus::Ok) return -2;
    return static_cast<HostedBooks*>(h)->books.apply(message, length);
}

// Up to `max` levels of one side, best first, as (price, shares, orders).
u32 tk_book_depth(void* h, u16 locate, u32 side, u64* out, u32 max) {
    if (side > book::kSell) return 0;
    auto* levels = new (std::nothrow) book::Level[max ? max : 1];
    if (!levels) return 0;
    u32 n = static_cast<HostedBooks*>(h)->books.depth(Locate{locate}, book::Side(side), levels, max);
    for (u32 i = 0; i < n; ++i) {
        out[3 * i] = levels[i].price.value;
        out[3 * i + 1] = levels[i].shares.value;
        out[3 * i + 2] = levels[i].orders;
    }
    delete[] levels;
    return n;
}

// (trusted, orphans, lost) of one book.
void tk_book_state(void* p, u16 locate, u32* out) {
    const book::Books& b = static_cast<HostedBooks*>(p)->books;
    out[0] = b.trusted(Locate{locate}), out[1] = b.orphans(Locate{locate}), out[2] = b.lost(Locate{locate});
}

// (live orders, peak orders, live levels, peak levels, untrusted books).
void tk_book_figures(void* p, u32* out) {
    const book::Books& b = static_cast<HostedBooks*>(p)->books;
    out[0] = b.live_orders(), out[1] = b.peak_orders(), out[2] = b.live_levels(), out[3] = b.peak_levels();
    out[4] = b.untrusted_books();
}

// What the last apply() changed: returns the number of levels (0-2) written
// to `levels` as (side, price, shares, orders); `status` gets the count of
// trust changes, then per change its locate and the trust after it.
u32 tk_book_last_change(void* p, u64* levels, u32* status) {
    const book::Change& c = static_cast<HostedBooks*>(p)->books.last_change();
    for (u32 i = 0; i < c.levels; ++i) {
        levels[4 * i] = c.level[i].side;
        levels[4 * i + 1] = c.level[i].price.value;
        levels[4 * i + 2] = c.level[i].shares.value;
        levels[4 * i + 3] = c.level[i].orders;
    }
    status[0] = c.status_changes;
    for (u32 i = 0; i < c.status_changes; ++i) {
        status[1 + 2 * i] = c.status_locate[i].value;
        status[2 + 2 * i] = c.status_trusted[i];
    }
    return c.levels;
}

u64 tk_book_checksum(void* h) { return static_cast<HostedBooks*>(h)->books.checksum(); }

// BookCounters in declaration order (tradekernel/hosted_books.py names them).
u32 tk_book_counters(void* h, u64* out) {
    book::BookCounters c = static_cast<HostedBooks*>(h)->books.counters();
    std::memcpy(out, &c, sizeof c);
    return u32(sizeof c / sizeof(u64));
}

}  // extern "C"
