// Order-book benchmark (bench/book_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

std::vector<double> itch_decode_book(double ticks_per_ns, const char* session_path);

}  // namespace tk::bench
