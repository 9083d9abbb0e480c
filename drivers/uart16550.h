// 16550 UART on COM1, polled. The kernel log goes here; QEMU connects it to
// the host (tradekernel/qemu.py reads it from QEMU's stdout).
#pragma once

#include "tk/types.h"

namespace tk::drivers {

void uart_init();
void uart_write(const char* bytes, usize length);

}  // namespace tk::drivers
