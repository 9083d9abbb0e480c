// Interrupt descriptor table: all 256 vectors. 0-31 (CPU exceptions) go to
// exception_dispatch(), 32-255 to interrupt_dispatch() (arch/x86_64/interrupts.h),
// each through a stub in isr.asm.
#pragma once

namespace tk::arch {

// Builds the IDT and loads it (boot CPU).
void idt_init();
// Loads the already built IDT (application processors).
void idt_load();

}  // namespace tk::arch
