// Benchmark plumbing for the hosted build: TSC calibration against
// CLOCK_MONOTONIC, CPU pinning, sample statistics, and the result record
//   @tk bench name=<n> platform=<p> unit=ns median=<x> p99=<x> max=<x> samples=<n>
// that tradekernel/bench.py collects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tk::bench {

// TSC ticks per nanosecond, measured over 200 ms.
double tsc_ticks_per_ns();

// False if the thread could not be moved there.
bool pin_to_cpu(unsigned cpu);

// Keeps the compiler from removing an allocation it could prove unused.
inline void escape(void* p) { asm volatile("" : : "r"(p) : "memory"); }

struct Summary {
    double median, p99, max;
    size_t samples;
};

Summary summarize(std::vector<double>& samples_ns);

// Writes the samples, one per line, to `path`.
void report_samples(const std::vector<double>& samples, const std::string& path);

// Prints the record, and writes the raw samples (one per line, ns) to
// `samples_path` when it is not empty, for the report's plots. `batch`: how
// many operations one sample is the mean of (shared BENCHMARKS.md: such a
// name ends in "_batched"); 0 when each operation is timed alone.
void report(const std::string& name, const std::string& platform, std::vector<double>& samples_ns,
            const std::string& samples_path, unsigned batch = 0);

}  // namespace tk::bench
