// Latency summaries for in-kernel measurements: median, p99, max.
#pragma once

#include "tk/types.h"

namespace tk::prof {

struct Summary {
    u64 median;
    u64 p99;
    u64 max;
    usize samples;
};

// Sorts `samples` in place (insertion sort: for the few thousand samples of
// an in-kernel benchmark, outside any measured span).
Summary summarize(u64* samples, usize count);

// "@tk bench name=<name> platform=<platform> unit=<unit> median=.. p99=.. max=.. samples=.."
void report(const char* name, const char* platform, const char* unit, const Summary& s);

}  // namespace tk::prof
