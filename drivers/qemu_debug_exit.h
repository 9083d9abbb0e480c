// QEMU's isa-debug-exit device: a write of V makes QEMU exit with status
// (V << 1) | 1. Present only when QEMU is started with
// -device isa-debug-exit,iobase=0xf4,iosize=0x04 (tradekernel/qemu.py does).
#pragma once

#include "tk/types.h"

namespace tk::drivers {

void qemu_debug_exit(u32 value);

}  // namespace tk::drivers
