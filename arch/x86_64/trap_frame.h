// The register frame built by arch/x86_64/isr.asm on every exception.
#pragma once

#include "tk/types.h"

namespace tk::arch {

struct TrapFrame {
    // Pushed by exception_common, last pushed first.
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    // Pushed by the stub.
    u64 vector;
    u64 error_code;
    // Pushed by the CPU (SDM Vol. 3A, Figure 7-9, 64-bit mode).
    u64 rip, cs, rflags, rsp, ss;
};

static_assert(sizeof(TrapFrame) == 22 * 8);

}  // namespace tk::arch
