// Fatal errors. A panic prints a report with a backtrace and ends the run with
// ExitStatus::Panic; it never returns.
#pragma once

namespace tk {

[[noreturn]] void panic(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tk

#define TK_ASSERT(cond)                                                          \
    do {                                                                         \
        if (!(cond)) ::tk::panic("assertion failed: %s (%s:%d)", #cond, __FILE__, \
                                 __LINE__);                                      \
    } while (0)
