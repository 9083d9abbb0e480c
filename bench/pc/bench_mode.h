// cmdline "mode=bench": in-kernel path lengths, meant for QEMU with
// -icount shift=0,sleep=off, where the TSC counts instructions.
#pragma once

namespace tk::pc {

void run_benchmarks();

}  // namespace tk::pc
