#include "bench/measure.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <thread>

#include "kernel/prof/stats.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

double monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

}  // namespace

double tsc_ticks_per_ns() {
    // Given rather than measured: 1 in the Linux guest under QEMU -icount
    // shift=0, whose TSC counts instructions, so that its figures are
    // instructions exactly (tradekernel/guest_bench.py).
    if (const char* given = std::getenv("TK_BENCH_TICKS_PER_NS"))
        if (double rate = std::atof(given); rate > 0) return rate;
    double t0 = monotonic_ns();
    u64 c0 = rdtsc();
    while (monotonic_ns() - t0 < 200e6) {
    }
    double t1 = monotonic_ns();
    u64 c1 = rdtsc();
    return double(c1 - c0) / (t1 - t0);
}

bool pin_to_cpu(unsigned cpu) {
    // TK_BENCH_CPU_OFFSET: the benchmark's CPUs moved up by that many (the
    // Linux guest runs it on its isolated CPU 1; tradekernel/linux_guest.py).
    if (const char* offset = std::getenv("TK_BENCH_CPU_OFFSET")) cpu += unsigned(std::atoi(offset));
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % std::thread::hardware_concurrency(), &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

Summary summarize(std::vector<double>& samples) {
    std::sort(samples.begin(), samples.end());
    size_t n = samples.size();
    if (n == 0) return {0, 0, 0, 0};
    return {samples[prof::percentile_index(n, 500)], samples[prof::percentile_index(n, 990)], samples.back(), n};
}

void report_samples(const std::vector<double>& samples, const std::string& path) {
    if (FILE* f = std::fopen(path.c_str(), "w")) {
        for (double s : samples) std::fprintf(f, "%.3f\n", s);
        std::fclose(f);
    }
}

void report(const std::string& name, const std::string& platform, std::vector<double>& samples,
            const std::string& samples_path, unsigned batch) {
    if (!samples_path.empty()) report_samples(samples, samples_path);
    Summary s = summarize(samples);
    std::printf("@tk bench name=%s platform=%s unit=ns median=%.3f p99=%.3f max=%.3f samples=%zu batch=%u\n",
                name.c_str(), platform.c_str(), s.median, s.p99, s.max, s.samples, batch);
    std::fflush(stdout);
}

}  // namespace tk::bench
