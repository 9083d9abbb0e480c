// include/tk/tsc.h: counter reads and tick <-> ns conversion.

#include "kernel/test/ktest.h"
#include "tk/tsc.h"

using namespace tk;

TK_TEST(tsc, conversions) {
    TscClock clock(2'500'000'000ull);  // 2.5 GHz
    TK_EXPECT_EQ(clock.to_ns(Ticks{2'500'000'000ull}).value, 1'000'000'000ull);
    TK_EXPECT_EQ(clock.to_ns(Ticks{5}).value, 2);
    TK_EXPECT_EQ(clock.to_ticks(Nanos{1000}).value, 2500);
    // A day of ticks: the 64-bit product would overflow, the result does not.
    TK_EXPECT_EQ(clock.to_ns(Ticks{2'500'000'000ull * 86400}).value, 86'400'000'000'000ull);
    TK_EXPECT_EQ(TscClock().to_ns(Ticks{12345}).value, 0);  // unknown frequency
}

TK_TEST(tsc, mul_div_saturates) {
    TK_EXPECT_EQ(mul_div_u64(~0ull, ~0ull, 1), ~0ull);
    TK_EXPECT_EQ(mul_div_u64(10, 10, 0), ~0ull);
    TK_EXPECT_EQ(mul_div_u64(1ull << 63, 4, 8), 1ull << 62);
}

TK_TEST(tsc, counter_moves_forward) {
    u64 a = tsc_begin();
    u64 b = tsc_end();
    u64 c = rdtsc();
    TK_EXPECT(b >= a);
    TK_EXPECT(c >= b);
}
