// QEMU firmware configuration device (fw_cfg), legacy I/O-port interface.
// The host passes the kernel command line as the file
// "opt/tradekernel/cmdline", which works the same for every boot path.
#pragma once

#include "tk/types.h"

namespace tk::drivers {

bool fw_cfg_present();
// Copies the named file into `out` (NUL-terminated); returns its length, or 0
// when the device or the file is absent. Longer files are truncated.
usize fw_cfg_read_file(const char* name, char* out, usize capacity);

}  // namespace tk::drivers
