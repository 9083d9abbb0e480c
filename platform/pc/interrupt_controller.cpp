// The end of an interrupt, for arch's dispatcher (arch/x86_64/interrupts.h):
// the local APIC is the controller on every machine the kernel runs on.
#include "arch/x86_64/interrupts.h"
#include "drivers/lapic.h"

namespace tk::arch {

void end_of_interrupt() { drivers::lapic_eoi(); }

}  // namespace tk::arch
