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

#include "bench/measure.h"
#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
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

}  // namespace tk::bench
