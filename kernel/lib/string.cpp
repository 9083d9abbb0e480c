#include "kernel/lib/string.h"

namespace tk {

usize str_length(const char* s) {
    usize n = 0;
    while (s[n]) ++n;
    return n;
}

usize str_length_bounded(const char* s, usize max) {
    usize n = 0;
    while (n < max && s[n]) ++n;
    return n;
}

bool str_equal(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

bool str_starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

bool StringView::equals(const char* s) const {
    for (usize i = 0; i < length; ++i)
        if (s[i] != data[i] || s[i] == '\0') return false;
    return s[length] == '\0';
}

bool parse_u64(StringView text, u64& out) {
    if (text.length == 0) return false;
    u64 v = 0;
    for (usize i = 0; i < text.length; ++i) {
        char c = text.data[i];
        if (c < '0' || c > '9') return false;
        u64 digit = u64(c - '0');
        if (v > (~0ull - digit) / 10) return false;
        v = v * 10 + digit;
    }
    out = v;
    return true;
}

}  // namespace tk
