// How a kernel run ends. On `pc` the value is written to QEMU's isa-debug-exit
// port, and QEMU exits with status (value << 1) | 1; tradekernel/exit_codes.py
// mirrors these numbers. On `hosted` the value is the process exit status.
#pragma once

#include "tk/types.h"

namespace tk {

enum class ExitStatus : u32 {
    Success = 0x10,      // QEMU exit status 33
    TestFailure = 0x11,  // QEMU exit status 35
    Panic = 0x12,        // QEMU exit status 37: CPU exception or tk::panic()
    UnsupportedCpu = 0x13,  // QEMU exit status 39: a required CPU feature is missing
    UnknownMode = 0x14,     // QEMU exit status 41: a mode this kernel was built without
};

}  // namespace tk
