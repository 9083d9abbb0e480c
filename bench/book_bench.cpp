// itch_decode_book: one ITCH 5.0 message checked (type, length) and applied
// to the order books, on the hosted build. Messages come from a session file
// (2-byte length prefix, Nasdaq's sample-file format) written by
// tradekernel/feed/generator.py; a sample is the mean over 100 messages.

#include "bench/book_bench.h"

#include <cstdio>
#include <vector>

#include "bench/measure.h"
#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

constexpr u32 kPerSample = 100;
constexpr u32 kOrders = 1 << 16;  // sized to the live orders: the table stays in cache
constexpr u32 kBooks = 64;

book::Order g_orders[kOrders];
book::Books::Book g_books[kBooks];
book::Books g_set;

}  // namespace

std::vector<double> itch_decode_book(double ticks_per_ns, const char* path) {
    std::vector<double> samples;
    FILE* f = std::fopen(path, "rb");
    if (!f) return samples;
    std::vector<u8> data;
    u8 chunk[65536];
    for (usize n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) data.insert(data.end(), chunk, chunk + n);
    std::fclose(f);
    std::vector<u32> offsets;  // of each message (after its length prefix)
    for (usize at = 0; at + 2 <= data.size();) {
        u32 n = u32(data[at]) << 8 | data[at + 1];
        if (at + 2 + n > data.size()) break;
        offsets.push_back(u32(at + 2));
        at += 2 + n;
    }
    pin_to_cpu(0);
    g_set.init(g_orders, kOrders, g_books, kBooks);
    u64 rejected = 0;
    for (usize first = 0; first + kPerSample <= offsets.size(); first += kPerSample) {
        u64 t0 = tsc_begin();
        for (usize i = first; i < first + kPerSample; ++i) {
            const u8* m = data.data() + offsets[i];
            usize length = usize(m[-2]) << 8 | m[-1];
            if (itch::check(m, length) == itch::DecodeStatus::Ok) g_set.apply(m, length);
            else ++rejected;
        }
        u64 t1 = tsc_end();
        samples.push_back(double(t1 - t0) / ticks_per_ns / kPerSample);
    }
    if (rejected || g_set.counters().unknown_order) samples.clear();  // the session must be clean
    return samples;
}

}  // namespace tk::bench
