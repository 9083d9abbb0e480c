// Order-book benchmark (bench/book_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> itch_decode_book(double ticks_per_ns, const char* session_path);
// The pc-icount loop of one symbol's Adds and Deletes (bench/decode_book_loop.h),
// for the RT guest beside it.
std::vector<double> itch_decode_book_one_symbol(double ticks_per_ns);

// The top of one book whose sides hold `depth` levels: each sample one
// message, alternately an Add one tick better than the best (a new level) and
// its Delete. The same work at any depth: the figure should not move with it.
std::vector<double> itch_top_of_book(double ticks_per_ns, unsigned depth);

}  // namespace tk::bench
