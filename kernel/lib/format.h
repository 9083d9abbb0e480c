// printf-style formatting into a caller's buffer; no allocation, no libc.
//
// Supported: %d %i %u %x %X %p %s %c %%, the length modifiers l, ll, z, the
// flags '0', '-' and '#', a field width, and a precision for %s (".N", ".*").
// Unknown conversions are printed literally so a bad format string is visible
// instead of silently eaten.
#pragma once

#include <stdarg.h>

#include "tk/types.h"

namespace tk {

// Writes at most `capacity - 1` characters and a NUL. Returns the number of
// characters written (excluding the NUL); output that did not fit is dropped.
usize format(char* out, usize capacity, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
usize format_v(char* out, usize capacity, const char* fmt, va_list args);

}  // namespace tk
