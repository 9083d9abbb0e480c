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

}  // namespace tk
