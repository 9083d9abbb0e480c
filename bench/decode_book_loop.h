// itch_decode_book_one_symbol: one ITCH 5.0 message checked (itch::check) and
// applied to the books (Books::apply), timed alone: an Add Order, then its
// Delete, alternately, on one locate, the bids' prices walking 64 levels.
// The kernel's mode=bench (pc-icount) and tk_bench (in the Linux RT guest,
// beside it) run this one loop on books of the capacity the kernel ships,
// so the two count the same work. It is not itch_decode_book (a market
// day's messages over many symbols), which only the hosted build runs.
#pragma once

#include "bench/frames.h"
#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/net/wire.h"
#include "tk/tsc.h"

namespace tk::bench {

// A book and references no other measurement uses: mode=bench runs this
// after its tick_to_trade on the same books, tk_bench on new ones.
inline constexpr u16 kDecodeLocate = kLocate + 1;
inline constexpr u64 kDecodeFirstReference = u64(1) << 40;

// TSC ticks of each message into `samples[0..count)`; false if a Delete
// found no order (the books did not keep an Add).
inline bool decode_book_one_symbol(book::Books& books, u64* samples, usize count) {
    namespace a = itch::at::add_order;
    u64 unknown_before = books.counters().unknown_order;
    u8 add[36] = {'A', 0, kDecodeLocate}, del[19] = {'D', 0, kDecodeLocate};
    add[a::kSide] = 'B';
    net::store_be32(add + a::kShares, 100);
    for (usize s = 0; s < count; ++s) {
        const u8* m = s % 2 ? del : add;
        usize length = s % 2 ? sizeof del : sizeof add;
        net::store_be64(add + a::kReference, kDecodeFirstReference + s / 2);
        net::store_be64(del + itch::at::cancel::kReference, kDecodeFirstReference + s / 2);
        net::store_be32(add + a::kPrice, 100'0000 - u32(s / 2 % 64) * 100);
        u64 t0 = tsc_begin();
        if (itch::check(m, length) == itch::DecodeStatus::Ok) books.apply(m, length);
        samples[s] = tsc_end() - t0;
    }
    return books.counters().unknown_order == unknown_before;
}

}  // namespace tk::bench
