// Latency summaries for in-kernel measurements: median, p99, max.
#pragma once

#include "tk/types.h"

namespace tk::prof {

// The one definition of a percentile, here and in the host's tools
// (tradekernel/stats.py): nearest rank. Of n sorted samples, the q-th
// percentile (q in per mille, 500 = median, 990 = p99) is the sample at
// 1-based rank ceil(q * n / 1000): at least q of the samples are at or below
// it, and it is always a sample, never an interpolation.
inline usize percentile_index(usize n, u64 per_mille) {
    if (n == 0) return 0;
    u64 rank = (u64(n) * per_mille + 999) / 1000;
    return rank == 0 ? 0 : usize(rank - 1);
}

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
// `batch`: how many operations each sample is the mean of (the name then
// ends in "_batched"); 0 when each is measured alone.
void report(const char* name, const char* platform, const char* unit, const Summary& s, u32 batch = 0);

}  // namespace tk::prof
