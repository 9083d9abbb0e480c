// tk::panic on bare metal: the message, a backtrace from the caller, and
// ExitStatus::Panic.

#include "tk/panic.h"

#include <stdarg.h>

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "tk/platform.h"

namespace tk {

void panic(const char* fmt, ...) {
    asm volatile("cli");
    char message[192];
    va_list args;
    va_start(args, fmt);
    format_v(message, sizeof message, fmt, args);
    va_end(args);

    log::raw("\n================ KERNEL PANIC ================\n%s\n", message);
    u64 pc = u64(__builtin_return_address(0));
    // Our own frame holds the caller's saved RBP, where the walk continues.
    u64 caller_fp = *static_cast<u64*>(__builtin_frame_address(0));
    arch::print_backtrace(pc - 1, caller_fp);
    log::record("panic", "kind=software");
    log::raw("==============================================\n");
    platform::exit(ExitStatus::Panic);
}

}  // namespace tk
