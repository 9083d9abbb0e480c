// C ABI over the order books for Python tests (tests/python/test_order_book.py).

#include <cstring>
#include <new>

#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"

using namespace tk;

namespace {

struct HostedBooks {
    static constexpr u32 kOrders = 1 << 18;
    static constexpr u32 kBooks = 64;
    book::Books books;
    book::Order orders[kOrders];
    book::Books::Book storage[kBooks];
};

}  // namespace

extern "C" {

void* tk_book_create() {
    auto* h = new (std::nothrow) HostedBooks;
    if (h) h->books.init(h->orders, HostedBooks::kOrders, h->storage, HostedBooks::kBooks);
    return h;
}

void tk_book_destroy(void* h) { delete static_cast<HostedBooks*>(h); }

// ITCH message in; -2 if the ITCH layer rejects it, else the locate touched
// (or -1 when the message changes no book).
int tk_book_apply(void* h, const u8* message, usize length) {
    if (itch::check(message, length) != itch::DecodeStatus::Ok) return -2;
    return static_cast<HostedBooks*>(h)->books.apply(message, length);
}

// Up to `max` levels of one side as (price, shares, orders) triples.
u32 tk_book_depth(void* h, u16 locate, u32 side, u64* out, u32 max) {
    book::Level levels[book::Books::kLevelsPerSide];
    u32 n = static_cast<HostedBooks*>(h)->books.depth(locate, book::Side(side), levels,
                                                       max < book::Books::kLevelsPerSide ? max : book::Books::kLevelsPerSide);
    for (u32 i = 0; i < n; ++i) {
        out[3 * i] = levels[i].price;
        out[3 * i + 1] = levels[i].shares;
        out[3 * i + 2] = levels[i].orders;
    }
    return n;
}

u64 tk_book_checksum(void* h) { return static_cast<HostedBooks*>(h)->books.checksum(); }

void tk_book_counters(void* h, u64* out) {
    book::BookCounters c = static_cast<HostedBooks*>(h)->books.counters();
    std::memcpy(out, &c, sizeof c);
}

}  // extern "C"
