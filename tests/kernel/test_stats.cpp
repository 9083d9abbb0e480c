// kernel/prof/stats: the one definition of a percentile (nearest rank). The
// same table is checked against tradekernel/stats.py in test_stats.py.

#include "kernel/prof/stats.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::prof;

TK_TEST(stats, percentile_is_the_nearest_rank) {
    // (samples, per mille, index): rank ceil(q * n), 1-based.
    const u64 table[][3] = {{1, 500, 0},    {1, 990, 0},     {2, 500, 0},    {4, 500, 1},    {5, 500, 2},
                            {100, 990, 98}, {100, 10, 0},    {101, 990, 99}, {1000, 990, 989}, {1000, 999, 998},
                            {7, 1000, 6},   {200, 500, 99}, {3, 0, 0}};
    for (const auto& row : table) TK_EXPECT_EQ(percentile_index(usize(row[0]), row[1]), usize(row[2]));
}

TK_TEST(stats, summary_reads_sorted_samples_at_those_ranks) {
    u64 samples[10] = {9, 1, 8, 2, 7, 3, 6, 4, 5, 10};
    Summary s = summarize(samples, 10);
    TK_EXPECT_EQ(s.median, 5u);  // rank 5 of 10
    TK_EXPECT_EQ(s.p99, 10u);    // rank ceil(9.9) = 10
    TK_EXPECT_EQ(s.max, 10u);
    TK_EXPECT_EQ(s.samples, 10u);
}
