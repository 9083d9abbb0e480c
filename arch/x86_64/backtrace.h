// Frame-pointer backtraces. The kernel is built with -fno-omit-frame-pointer,
// so each frame starts with [saved RBP][return address]. The walk only follows
// frame pointers that lie inside a registered kernel stack, so a corrupted
// chain ends the trace instead of faulting inside the panic handler.
#pragma once

#include "tk/types.h"

namespace tk::arch {

// Prints "  #n  <address>  <function>+<offset>" lines, starting with `pc`.
void print_backtrace(u64 pc, u64 frame_pointer);

// Prints "<address> <function+offset>" into `out` (used by panic reports).
void describe_address(u64 address, char* out, usize capacity);

}  // namespace tk::arch
