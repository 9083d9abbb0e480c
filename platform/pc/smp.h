// Starting the application processors (SDM Vol. 3A, 9.4.4): INIT, then two
// STARTUP IPIs pointing at the trampoline at 0x8000; each AP then joins the
// scheduler and waits for work.
#pragma once

#include "kernel/acpi/madt.h"
#include "kernel/sched/scheduler.h"
#include "tk/types.h"

namespace tk::pc {

inline constexpr u64 kTrampolinePhysical = 0x8000;  // reserved in memory_init

// Starts every enabled processor of `processors` (the boot CPU is cpu 0) and
// returns how many CPUs are online, the boot CPU included.
u32 smp_start(const acpi::Processors& processors);

u32 cpu_count();
// The scheduler configuration made at boot (all CPUs, cmdline isolate=...).
const sched::Config& boot_sched_config();
u32 apic_id_of(u32 cpu);

}  // namespace tk::pc
