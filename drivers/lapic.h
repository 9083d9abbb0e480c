// The local APIC of the running CPU (Intel SDM Vol. 3A, chapter 12), in
// x2APIC mode (MSRs) when the CPU has it, else xAPIC mode (MMIO at the
// address in IA32_APIC_BASE, reached through the uncached part of the direct
// map). Timer: TSC-deadline mode when CPUID says so, else one-shot mode
// counted in APIC ticks calibrated against the TSC.
#pragma once

#include "tk/types.h"

namespace tk::drivers {

struct LapicInfo {
    bool x2apic;
    bool tsc_deadline;
    u32 id;
    u64 timer_hz;  // APIC timer ticks per second (one-shot mode); 0 in deadline mode
};

// Enables this CPU's APIC with `spurious_vector`; the timer interrupt will use
// `timer_vector`. Calibrates the one-shot timer against the TSC (tsc_hz).
LapicInfo lapic_init(u8 spurious_vector, u8 timer_vector, u64 tsc_hz);

u32 lapic_id();
void lapic_eoi();

// Fires the timer interrupt once, at (or just after) TSC value `deadline`;
// ~0 disarms it.
void lapic_arm_timer(u64 deadline);

// Sends `vector` to the CPU with APIC ID `apic_id` (fixed delivery).
void lapic_send_ipi(u32 apic_id, u8 vector);
// INIT and STARTUP IPIs for bringing up an application processor (SDM 3A, 9.4.4).
void lapic_send_init(u32 apic_id);
void lapic_send_startup(u32 apic_id, u8 page);

}  // namespace tk::drivers
