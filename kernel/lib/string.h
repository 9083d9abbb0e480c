// String helpers for the freestanding kernel (there is no libc).
#pragma once

#include "tk/types.h"

namespace tk {

usize str_length(const char* s);
usize str_length_bounded(const char* s, usize max);
bool str_equal(const char* a, const char* b);
bool str_starts_with(const char* s, const char* prefix);

// A view of characters that need not be NUL-terminated.
struct StringView {
    const char* data = nullptr;
    usize length = 0;

    bool equals(const char* s) const;
    bool empty() const { return length == 0; }
};

// A decimal number that fills `text` and fits in 64 bits; false otherwise
// (empty, another character, or too large), leaving `out` alone.
bool parse_u64(StringView text, u64& out);

}  // namespace tk
