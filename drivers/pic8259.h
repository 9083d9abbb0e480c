// The legacy 8259 interrupt controllers. The BIOS leaves them delivering the
// PIT's IRQ 0 at vector 8, which is the double-fault vector in long mode; the
// kernel uses the local APIC instead, so the PICs are moved to vectors
// 0xE0-0xEF and every line is masked.
#pragma once

#include "tk/types.h"

namespace tk::drivers {

inline constexpr u8 kLegacyPicBase = 0xE0;  // 16 vectors: 0xE0-0xEF

void pic_disable();

}  // namespace tk::drivers
