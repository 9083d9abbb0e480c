#include "kernel/log/log.h"

#include "kernel/lib/format.h"
#include "tk/platform.h"

namespace tk::log {
namespace {

TscClock g_clock;
u64 g_boot_tsc = 0;
u64 g_truncated = 0;

void write_line(char* line, usize n, usize capacity) {
    // A line that hit the buffer limit still ends with a newline, so the
    // host parser never joins it with the next line.
    if (n >= capacity - 1) n = capacity - 2;
    line[n++] = '\n';
    platform::console_write(line, n);
}

// A record that filled its buffer may have lost its end: say so, once per
// record, so the host never mistakes a cut record for a whole one.
void finish_record(char* line, usize n, const char* kind) {
    write_line(line, n, kMaxRecord);
    if (n < kMaxRecord - 2) return;
    ++g_truncated;
    char note[kMaxLine];
    usize m = format(note, sizeof note, "@tk log-truncated kind=%s limit=%zu", kind, kMaxRecord - 1);
    write_line(note, m, sizeof note);
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
        u64 us = g_clock.to_ns(Ticks{rdtsc() - g_boot_tsc}).value / 1000;
        n = format(line, sizeof line, "[%5lu.%06lu] ", (unsigned long)(us / 1000000),
                   (unsigned long)(us % 1000000));
    }
    va_list args;
    va_start(args, fmt);
    n += format_v(line + n, sizeof line - n, fmt, args);
    va_end(args);
    write_line(line, n, sizeof line);
}

void record(const char* kind, const char* fields_fmt, ...) {
    char line[kMaxRecord];
    usize n = format(line, sizeof line, "@tk %s ", kind);
    va_list args;
    va_start(args, fields_fmt);
    n += format_v(line + n, sizeof line - n, fields_fmt, args);
    va_end(args);
    finish_record(line, n, kind);
}

void counters(const char* kind, const char* names, const u64* values, usize count, const char* prefix) {
    char line[kMaxRecord];
    usize n = format(line, sizeof line, "@tk %s%s%s", kind, prefix[0] ? " " : "", prefix);
    const char* name = names;
    for (usize i = 0; i < count && *name && n < sizeof line - 1; ++i) {
        line[n++] = ' ';
        for (; *name && *name != ',' && n < sizeof line - 1; ++name) line[n++] = *name == '_' ? '-' : *name;
        if (*name == ',') ++name;
        n += format(line + n, sizeof line - n, "=%lu", (unsigned long)values[i]);
    }
    line[n < sizeof line ? n : sizeof line - 1] = '\0';
    finish_record(line, n, kind);
}

u64 truncated_records() { return g_truncated; }

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
