// Finding the TSC frequency at boot.
#pragma once

#include "tk/types.h"

namespace tk::arch {

struct TscInfo {
    u64 hz;
    const char* source;    // "cpuid-15h" or "pit"
    bool invariant;        // CPUID 80000007h EDX[8]: constant rate in all P/C-states
    bool rdtscp;           // CPUID 80000001h EDX[27]
    u32 cpuid_base_mhz;    // CPUID 16h EAX, informational (0 if absent)
};

TscInfo calibrate_tsc();

}  // namespace tk::arch
