// The platform interface (include/tk/platform.h) for a Linux process.

#include "tk/platform.h"

#include <unistd.h>

#include <cstdlib>

#include "kernel/prof/symbols.h"

namespace tk {

namespace platform {

void console_write(const char* bytes, usize length) {
    while (length) {
        ssize_t n = ::write(STDOUT_FILENO, bytes, length);
        if (n <= 0) return;
        bytes += n;
        length -= usize(n);
    }
}

// Success is status 0 for the shell; other statuses keep the kernel's values.
void exit(ExitStatus status) { ::_exit(status == ExitStatus::Success ? 0 : int(status)); }

const char* name() { return "hosted"; }

}  // namespace platform

// A Linux process has no kernel symbol table of ours; panics there are
// debugged with the usual host tools.
SymbolTable& kernel_symbols() {
    static SymbolTable empty;
    return empty;
}

}  // namespace tk
