// itch_decode_book: one ITCH 5.0 message checked (type, length) and applied
// to the order books, on the hosted build, with the tables at the size the
// kernel ships (book::kMarketDayCapacity). Messages come from a market-day
// session file (2-byte length prefix, Nasdaq's format) written by
// tradekernel/feed/market_day.py. Each message is timed on its own: a TSC
// pair around it, less the median cost of an empty pair.

#include "bench/book_bench.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench/decode_book_loop.h"
#include "bench/measure.h"
#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/net/wire.h"
#include "platform/hosted/startup_memory.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

u64 empty_pair_ticks() {
    std::vector<u64> ticks(10'000);
    for (u64& t : ticks) {
        u64 t0 = tsc_begin();
        t = tsc_end() - t0;
    }
    std::nth_element(ticks.begin(), ticks.begin() + ticks.size() / 2, ticks.end());
    return ticks[ticks.size() / 2];
}

}  // namespace

std::vector<double> itch_decode_book(double ticks_per_ns, const char* path) {
    std::vector<double> samples;
    FILE* f = std::fopen(path, "rb");
    if (!f) return samples;
    std::vector<u8> data;
    u8 chunk[65536];
    for (usize n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) data.insert(data.end(), chunk, chunk + n);
    std::fclose(f);
    std::vector<usize> offsets;  // of each message (after its length prefix)
    for (usize at = 0; at + 2 <= data.size();) {
        usize n = usize(data[at]) << 8 | data[at + 1];
        if (at + 2 + n > data.size()) break;
        offsets.push_back(at + 2);
        at += 2 + n;
    }
    u64 bytes = book::Books::memory_bytes(book::kMarketDayCapacity);
    void* memory = hosted::map_startup_memory(bytes);
    if (!memory) return samples;
    static book::Books books;
    books.init(memory, book::kMarketDayCapacity);
    pin_to_cpu(0);
    u64 overhead = empty_pair_ticks();
    samples.reserve(offsets.size());
    u64 rejected = 0;
    for (usize offset : offsets) {
        const u8* m = data.data() + offset;
        usize length = usize(m[-2]) << 8 | m[-1];
        u64 t0 = tsc_begin();
        if (itch::check(m, length) == itch::DecodeStatus::Ok) books.apply(m, length);
        else ++rejected;
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0 > overhead ? t1 - t0 - overhead : 0) / ticks_per_ns);
    }
    const book::BookCounters& c = books.counters();
    if (rejected || c.unknown_order || books.untrusted_books()) samples.clear();  // the session must be clean
    hosted::unmap_startup_memory(memory, bytes);
    return samples;
}

std::vector<double> itch_top_of_book(double ticks_per_ns, unsigned depth) {
    std::vector<double> samples;
    u64 bytes = book::Books::memory_bytes(book::kMarketDayCapacity);
    void* memory = hosted::map_startup_memory(bytes);
    if (!memory) return samples;
    static book::Books books;
    books.init(memory, book::kMarketDayCapacity);
    constexpr u16 kLocate = 7;
    u8 add[36] = {'A'}, del[19] = {'D'};
    namespace a = itch::at::add_order;
    namespace d = itch::at::cancel;  // Order Delete: the reference, as in Order Cancel
    net::store_be16(add + itch::at::kStockLocate, kLocate);
    net::store_be16(del + itch::at::kStockLocate, kLocate);
    net::store_be32(add + a::kShares, 100);
    auto put = [&](u64 reference, u8 side, u32 price) {
        net::store_be64(add + a::kReference, reference);
        add[a::kSide] = side;
        net::store_be32(add + a::kPrice, price);
        books.apply(add, sizeof add);
    };
    // Levels one cent apart below a bid of $100.00 and above an offer of $100.10.
    for (u32 i = 0; i < depth; ++i) {
        put(1 + 2 * u64(i), 'B', 100'0000 - (depth - 1 - i) * 100);
        put(2 + 2 * u64(i), 'S', 100'1000 + (depth - 1 - i) * 100);
    }
    pin_to_cpu(0);
    u64 overhead = empty_pair_ticks();
    constexpr u32 kSamples = 200'000;
    samples.reserve(kSamples);
    for (u32 s = 0; s < kSamples; ++s) {
        u64 reference = 1'000'000 + s / 2;
        u8 side = s / 2 % 2 ? 'S' : 'B';
        u32 price = side == 'B' ? 100'0100 : 100'0900;
        const u8* m = del;
        usize length = sizeof del;
        if (s % 2 == 0) {
            net::store_be64(add + a::kReference, reference);
            add[a::kSide] = side;
            net::store_be32(add + a::kPrice, price);
            m = add;
            length = sizeof add;
        } else {
            net::store_be64(del + d::kReference, reference);
        }
        u64 t0 = tsc_begin();
        if (itch::check(m, length) == itch::DecodeStatus::Ok) books.apply(m, length);
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0 > overhead ? t1 - t0 - overhead : 0) / ticks_per_ns);
    }
    if (books.counters().unknown_order || books.live_orders() != 2 * depth) samples.clear();
    hosted::unmap_startup_memory(memory, bytes);
    return samples;
}

std::vector<double> itch_decode_book_one_symbol(double ticks_per_ns) {
    constexpr usize kSamples = 2000;  // as mode=bench's
    void* memory = hosted::map_startup_memory(book::Books::memory_bytes(book::kMarketDayCapacity));
    if (!memory) return {};
    static book::Books books;
    books.init(memory, book::kMarketDayCapacity);
    pin_to_cpu(0);
    static u64 ticks[kSamples];
    if (!decode_book_one_symbol(books, ticks, kSamples)) return {};
    std::vector<double> samples;
    for (u64 t : ticks) samples.push_back(double(t) / ticks_per_ns);
    return samples;
}

}  // namespace tk::bench
