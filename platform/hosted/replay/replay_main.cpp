// tk_replay: a recorded or generated ITCH 5.0 day through the hosted engine
// (ITCH checks, order books, the sample strategy, the risk gate and the OUCH
// encoder; orders go to a transmit port that only counts them) at full speed.
// Each message is timed on its own (a TSC pair around it); the latencies go
// into a log-linear histogram, so a day of any length needs no sample store.
//
//   tk_replay [--orders N] [--levels N] [--progress N] FILE|-
//
// FILE is in Nasdaq's format (each message after a 2-byte big-endian length);
// "-" reads standard input (tradekernel replay decompresses .gz files into
// it). Records on stdout, read by tradekernel/replay.py:
//   @tk replay-progress messages=.. bytes=.. seconds=..
//   @tk replay-summary  messages=.. bytes=.. seconds=.. messages-per-second=.. timer-overhead-ticks=..
//   @tk replay-latency  unit=ns p50=.. p90=.. p99=.. p99.9=.. p99.99=.. max=.. samples=..
//   @tk replay-memory   engine-bytes=.. capacity-orders=.. capacity-levels=.. peak-rss-kib=..
//   then trade-counters, book-summary, book-counters and book-trust.

#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernel/trade/engine.h"
#include "platform/hosted/startup_memory.h"
#include "tk/tsc.h"

using namespace tk;

namespace {

// Log-linear buckets over TSC ticks: exact below 256, then 32 per power of
// two (at most about 3% wide).
struct Histogram {
    static constexpr u32 kExact = 256, kSub = 32, kBuckets = kExact + 56 * kSub;
    u64 counts[kBuckets] = {};
    u64 total = 0, max = 0;

    static u32 bucket(u64 v) {
        if (v < kExact) return u32(v);
        u32 e = 63 - u32(__builtin_clzll(v));  // 8..63
        return kExact + (e - 8) * kSub + u32(v >> (e - 5) & (kSub - 1));
    }
    static u64 lower_bound(u32 b) {
        if (b < kExact) return b;
        u32 e = (b - kExact) / kSub + 8, sub = (b - kExact) % kSub;
        return (u64(kSub) + sub) << (e - 5);
    }
    void add(u64 v) {
        ++counts[bucket(v)];
        ++total;
        if (v > max) max = v;
    }
    u64 quantile(double q) const {
        if (total == 0) return 0;
        u64 rank = u64(q * double(total - 1)), seen = 0;
        for (u32 b = 0; b < kBuckets; ++b)
            if ((seen += counts[b]) > rank) return lower_bound(b);
        return max;
    }
};

double seconds_now() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double tsc_ticks_per_ns() {
    double t0 = seconds_now();
    u64 c0 = rdtsc();
    while (seconds_now() - t0 < 0.2) {
    }
    return double(rdtsc() - c0) / ((seconds_now() - t0) * 1e9);
}

// The median cost of an empty TSC pair, taken off every sample.
u64 timer_overhead() {
    static u64 samples[4096];
    for (u64& s : samples) {
        u64 t0 = tsc_begin();
        s = tsc_end() - t0;
    }
    u64 counts[1024] = {};
    for (u64 s : samples) ++counts[s < 1023 ? s : 1023];
    u64 seen = 0;
    for (u32 v = 0; v < 1024; ++v)
        if ((seen += counts[v]) > 2048) return v;
    return 0;
}

u8 g_frame[2048];
u8* acquire(void*) { return g_frame; }
void discard(void*, u8*, usize) {}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "tk_replay: %s\nusage: tk_replay [--orders N] [--levels N] [--progress N] FILE|-\n", why);
    std::exit(2);
}

u32 count_argument(const char* text) {
    char* end = nullptr;
    unsigned long v = std::strtoul(text, &end, 10);
    if (!*text || *end || v == 0 || v >= (1ul << 30)) usage("a count must be a whole number from 1 to 2^30-1");
    return u32(v);
}

}  // namespace

int main(int argc, char** argv) {
    book::Capacity capacity = book::kMarketDayCapacity;
    u64 progress_every = 1'000'000;
    const char* path = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--orders") && i + 1 < argc) capacity.orders = count_argument(argv[++i]);
        else if (!std::strcmp(argv[i], "--levels") && i + 1 < argc) capacity.levels = count_argument(argv[++i]);
        else if (!std::strcmp(argv[i], "--progress") && i + 1 < argc) progress_every = count_argument(argv[++i]);
        else if (argv[i][0] == '-' && argv[i][1]) usage("unknown option");
        else path = argv[i];
    }
    if (!path) usage("no file named");
    FILE* in = std::strcmp(path, "-") ? std::fopen(path, "rb") : stdin;
    if (!in) {
        std::fprintf(stderr, "tk_replay: cannot open %s\n", path);
        return 2;
    }

    static net::NetStack net;
    net::NetConfig c{};
    c.mac = {{0x02, 0, 0, 0, 0, 0x10}};
    c.ip = 0x0A000010;
    c.netmask = 0xFFFFFF00;
    net.init(c, net::TxPort{nullptr, acquire, discard});
    net.add_neighbor(0x0A000020, net::MacAddress{{2, 0, 0, 0, 0, 0x20}});
    trade::EngineConfig config;
    config.gateway = 0x0A000020;
    config.capacity = capacity;
    u64 engine_bytes = trade::Engine::memory_bytes(config);
    void* memory = hosted::map_startup_memory(engine_bytes);
    if (!memory) {
        std::fprintf(stderr, "tk_replay: no %lu MiB for the order books\n", (unsigned long)(engine_bytes >> 20));
        return 2;
    }
    static trade::Engine engine;
    static trade::SpreadTakerState strategy;
    config.strategy = trade::spread_taker(&strategy, Price{100}, Shares{100});
    engine.init(&net, config, memory);

    double ticks_per_ns = tsc_ticks_per_ns();
    u64 overhead = timer_overhead();
    static Histogram latency;
    static u8 buffer[1 << 22];
    usize have = 0, at = 0;
    u64 messages = 0, bytes = 0;
    double start = seconds_now();
    for (bool eof = false; !eof || at < have;) {
        if (have - at < 2 + 65535 && !eof) {  // room for the longest message: refill
            std::memmove(buffer, buffer + at, have - at);
            have -= at;
            at = 0;
            usize n = std::fread(buffer + have, 1, sizeof buffer - have, in);
            have += n;
            eof = n == 0;
            continue;
        }
        if (have - at < 2) break;
        u16 length = u16(buffer[at] << 8 | buffer[at + 1]);
        if (have - at < 2u + length) break;  // the file ends inside a message
        const u8* m = buffer + at + 2;
        u64 sent = engine.entry.counters.orders;
        u64 t0 = tsc_begin();
        engine.pipeline.on_itch_message(Sequence{messages + 1}, m, length);
        u64 t1 = tsc_end();
        latency.add(t1 - t0 > overhead ? t1 - t0 - overhead : 0);
        // No venue here: each order is answered at once, untimed, as accepted
        // and cancelled (an IOC order with nothing taken), so it leaves the
        // table of open orders as it would in a session.
        for (u32 i = 0; i < engine.entry.counters.orders - sent; ++i) {
            ouch::Response answer{};
            answer.kind = ouch::ResponseKind::Accepted;
            answer.order_state = 'D';
            trade::make_token(Sequence{messages + 1}, i, answer.token);
            trade::apply_response(&engine.entry, answer);
        }
        ++messages;
        at += 2u + length;
        bytes += 2u + length;
        if (messages % progress_every == 0)
            std::printf("@tk replay-progress messages=%lu bytes=%lu seconds=%.3f\n", (unsigned long)messages,
                        (unsigned long)bytes, seconds_now() - start), std::fflush(stdout);
    }
    double elapsed = seconds_now() - start;
    if (have - at) std::fprintf(stderr, "tk_replay: %lu bytes at the end are not a whole message\n",
                                (unsigned long)(have - at));

    auto ns = [&](u64 ticks) { return double(ticks) / ticks_per_ns; };
    std::printf("@tk replay-summary messages=%lu bytes=%lu seconds=%.3f messages-per-second=%.0f "
                "timer-overhead-ticks=%lu ticks-per-ns=%.4f\n",
                (unsigned long)messages, (unsigned long)bytes, elapsed, double(messages) / elapsed,
                (unsigned long)overhead, ticks_per_ns);
    std::printf("@tk replay-latency unit=ns p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f p99.99=%.1f max=%.1f samples=%lu\n",
                    ns(latency.quantile(0.5)), ns(latency.quantile(0.9)), ns(latency.quantile(0.99)),
                    ns(latency.quantile(0.999)), ns(latency.quantile(0.9999)), ns(latency.max),
                    (unsigned long)latency.total);
    rusage usage_now;
    getrusage(RUSAGE_SELF, &usage_now);
    std::printf("@tk replay-memory engine-bytes=%lu capacity-orders=%u capacity-levels=%u peak-rss-kib=%ld\n",
                (unsigned long)engine_bytes, capacity.orders, capacity.levels, usage_now.ru_maxrss);
    std::fflush(stdout);
    engine.log_records();
    return 0;
}
