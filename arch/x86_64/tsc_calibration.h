// Finding the TSC frequency at boot.
#pragma once

#include "tk/types.h"

namespace tk::arch {

struct TscInfo {
    u64 hz;
    const char* source;    // "cpuid-15h" or the reference timer's name
    bool invariant;        // CPUID 80000007h EDX[8]: constant rate in all P/C-states
    bool rdtscp;           // CPUID 80000001h EDX[27]
    u32 cpuid_base_mhz;    // CPUID 16h EAX, informational (0 if absent)
};

// A timer of known frequency to count TSC ticks against (the PIT on a PC),
// polled: start a countdown of `ticks`, then poll `done`.
struct ReferenceTimer {
    const char* name;  // for the boot log: "pit"
    u64 hz;
    void (*start_countdown)(u16 ticks);
    bool (*countdown_done)();
};

TscInfo calibrate_tsc(const ReferenceTimer& reference);

}  // namespace tk::arch
