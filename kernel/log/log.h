// The kernel log. Two kinds of line share the console:
//   - human text:            "[    0.012345] boot: memory map (6 regions)"
//   - structured records:    "@tk <kind> key=value key=value ..."
// Host tooling (tradekernel/records.py) parses records; people read the text.
// Record values never contain spaces: strings are written as they are and must
// be single words.
#pragma once

#include <stdarg.h>

#include "tk/tsc.h"
#include "tk/types.h"

namespace tk::log {

inline constexpr usize kMaxLine = 256;
// Records are longer: a counter record names every counter. One that does
// not fit is never cut silently: it is followed by "@tk log-truncated".
inline constexpr usize kMaxRecord = 1024;

// Sets the clock used for the "[seconds]" prefix of text lines. Until it is
// set, text lines carry no time prefix.
void set_clock(TscClock clock, u64 boot_tsc);

// A text line with a time prefix; a newline is appended.
void info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// A structured record: "@tk <kind> <fields>"; a newline is appended.
void record(const char* kind, const char* fields_fmt, ...) __attribute__((format(printf, 2, 3)));

// "@tk <kind> [<prefix> ]name=value ..." for `count` u64 counters named, in
// order, by `names` ("rx_frames,rx_delivered,...", as the X-macro lists
// give them); underscores become hyphens.
void counters(const char* kind, const char* names, const u64* values, usize count, const char* prefix = "");

// Records cut to kMaxRecord so far (each also reported when it happens).
u64 truncated_records();

// Raw text with no prefix and no newline (banners, panic reports).
void raw(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void raw_v(const char* fmt, va_list args);

}  // namespace tk::log
