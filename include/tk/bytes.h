// Comparing short byte strings of a fixed size (a MAC address, a
// MoldUDP64 session) a word at a time, where a byte loop took a load, a
// compare and a branch for each byte.
#pragma once

#include "tk/types.h"

namespace tk {

// Whether the N bytes at `a` and `b` (4 <= N <= 16, any alignment) are the
// same: the first and last word of each, overlapping where N is not twice
// the word, two loads a side.
template <usize N>
inline bool same_bytes(const u8* a, const u8* b) {
    static_assert(N >= 4 && N <= 16, "two words a side");
    auto differ = [&](auto word, usize at) {
        decltype(word) x, y;
        __builtin_memcpy(&x, a + at, sizeof x);
        __builtin_memcpy(&y, b + at, sizeof y);
        return x ^ y;
    };
    if constexpr (N > 8)
        return (differ(u64{}, 0) | differ(u64{}, N - 8)) == 0;
    else
        return (differ(u32{}, 0) | differ(u32{}, N - 4)) == 0;
}

}  // namespace tk
