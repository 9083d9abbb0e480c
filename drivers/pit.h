// Intel 8254 programmable interval timer, channel 2, used once at boot as a
// known-frequency reference for TSC calibration. Polled; no interrupt.
#pragma once

#include "tk/types.h"

namespace tk::drivers {

inline constexpr u32 kPitHz = 1193182;

// Starts a one-shot countdown of `ticks` PIT ticks on channel 2.
void pit_start_countdown(u16 ticks);
// True once the countdown has reached zero.
bool pit_countdown_done();

}  // namespace tk::drivers
