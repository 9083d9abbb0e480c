// The modes for development, not for trading: the in-kernel tests
// (mode=test), in-kernel path lengths (mode=bench) and deliberate CPU faults
// (mode=fault). The test kernel (build/kernel.elf) links them from
// tests/kernel/pc/diagnostic_modes.cpp (with bench/pc/ for mode=bench); the
// release kernel (make release) links release/no_diagnostic_modes.cpp
// instead, and refuses them.
#pragma once

#include "kernel/boot/cmdline.h"

namespace tk::pc {

// "test" or "release": which kernel this is.
const char* build_name();

// True for the names of the diagnostic modes, whichever kernel this is.
inline bool is_diagnostic_mode(StringView mode) {
    return mode.equals("test") || mode.equals("bench") || mode.equals("fault");
}

// Runs the diagnostic mode and exits the kernel; returns only in a kernel
// built without them.
void run_diagnostic_mode(StringView mode, const CommandLine& cmdline);

}  // namespace tk::pc
