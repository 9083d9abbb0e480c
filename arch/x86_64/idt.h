// Interrupt descriptor table: the 32 architectural exception vectors, each
// routed to a stub in isr.asm and from there to exception_dispatch().
#pragma once

namespace tk::arch {

void idt_init();

}  // namespace tk::arch
