// The small interface the portable core needs from the platform it runs on.
// Implemented by platform/pc (bare metal) and platform/hosted (Linux process).
#pragma once

#include "tk/exit_status.h"
#include "tk/types.h"

namespace tk::platform {

// Writes bytes to the kernel log: the 16550 serial port on pc, stdout on hosted.
void console_write(const char* bytes, usize length);

// Ends the run: isa-debug-exit on pc, process exit on hosted.
[[noreturn]] void exit(ExitStatus status);

// Name of the platform, printed in banners and records ("pc" or "hosted").
const char* name();

}  // namespace tk::platform
