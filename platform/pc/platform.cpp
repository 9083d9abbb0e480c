// The platform interface (include/tk/platform.h) on bare metal.

#include "tk/platform.h"

#include "arch/x86_64/cpu.h"
#include "drivers/qemu_debug_exit.h"
#include "drivers/uart16550.h"

namespace tk::platform {

void console_write(const char* bytes, usize length) { drivers::uart_write(bytes, length); }

void exit(ExitStatus status) {
    drivers::qemu_debug_exit(u32(status));
    // Not under QEMU (or without isa-debug-exit): stop here.
    arch::halt_forever();
    __builtin_unreachable();
}

const char* name() { return "pc"; }

}  // namespace tk::platform
