// Vector-register state for tasks that use it (kTaskUsesFpu). XSAVE covers
// x87, SSE and, where present, AVX (SDM Vol. 1, chapter 13); without XSAVE,
// FXSAVE covers x87 and SSE.
#pragma once

#include "tk/types.h"

namespace tk::arch {

// On each CPU: enables XSAVE (CR4.OSXSAVE, XCR0) when the CPU has it.
// Returns the XCR0 components in use (0 when falling back to FXSAVE).
u64 fpu_init_cpu();

void fpu_init_area(u8* area);  // the state a fresh task starts with
void fpu_save(u8* area);       // 64-byte aligned, 1024 bytes
void fpu_restore(const u8* area);

}  // namespace tk::arch
