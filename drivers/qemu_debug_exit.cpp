#include "drivers/qemu_debug_exit.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {

void qemu_debug_exit(u32 value) { arch::outl(0xF4, value); }

}  // namespace tk::drivers
