#include "kernel/log/log.h"

#include "kernel/lib/format.h"
#include "tk/platform.h"

namespace tk::log {
namespace {

TscClock g_clock;
u64 g_boot_tsc = 0;

void write_line(char* line, usize n) {
    // A line that hit the buffer limit still ends with a newline, so the
    // host parser never joins it with the next line.
    if (n >= kMaxLine - 1) n = kMaxLine - 2;
    line[n++] = '\n';
    platform::console_write(line, n);
}

}  // namespace

void set_clock(TscClock clock, u64 boot_tsc) {
    g_clock = clock;
    g_boot_tsc = boot_tsc;
}

void info(const char* fmt, ...) {
    char line[kMaxLine];
    usize n = 0;
    if (g_clock.known()) {
        u64 us = g_clock.ticks_to_ns(rdtsc() - g_boot_tsc) / 1000;
        n = format(line, sizeof line, "[%5lu.%06lu] ", (unsigned long)(us / 1000000),
                   (unsigned long)(us % 1000000));
    }
    va_list args;
    va_start(args, fmt);
    n += format_v(line + n, sizeof line - n, fmt, args);
    va_end(args);
    write_line(line, n);
}

void record(const char* kind, const char* fields_fmt, ...) {
    char line[kMaxLine];
    usize n = format(line, sizeof line, "@tk %s ", kind);
    va_list args;
    va_start(args, fields_fmt);
    n += format_v(line + n, sizeof line - n, fields_fmt, args);
    va_end(args);
    write_line(line, n);
}

void raw_v(const char* fmt, va_list args) {
    char line[kMaxLine];
    usize n = format_v(line, sizeof line, fmt, args);
    platform::console_write(line, n);
}

void raw(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    raw_v(fmt, args);
    va_end(args);
}

}  // namespace tk::log
