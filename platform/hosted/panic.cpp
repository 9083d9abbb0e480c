// tk::panic in a Linux process: the message, then ExitStatus::Panic.

#include "tk/panic.h"

#include <stdarg.h>

#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "tk/platform.h"

namespace tk {

void panic(const char* fmt, ...) {
    char message[192];
    va_list args;
    va_start(args, fmt);
    format_v(message, sizeof message, fmt, args);
    va_end(args);
    log::raw("\n================ PANIC (hosted) ================\n%s\n", message);
    log::record("panic", "kind=software");
    platform::exit(ExitStatus::Panic);
}

}  // namespace tk
