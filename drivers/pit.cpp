#include "drivers/pit.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {
namespace {

// 8254 datasheet; channel 2's gate and output are wired to port 0x61
// (bit 0 gate, bit 1 speaker enable, bit 5 channel-2 output).
constexpr u16 kChannel2Data = 0x42;
constexpr u16 kCommand = 0x43;
constexpr u16 kSystemControlB = 0x61;
constexpr u8 kChannel2LoHiMode0 = 0xB0;  // channel 2, lobyte/hibyte, mode 0, binary

}  // namespace

void pit_start_countdown(u16 ticks) {
    u8 control = arch::inb(kSystemControlB);
    arch::outb(kSystemControlB, u8((control & ~0x02) & ~0x01));  // speaker off, gate low
    arch::outb(kCommand, kChannel2LoHiMode0);
    arch::outb(kChannel2Data, u8(ticks));
    arch::outb(kChannel2Data, u8(ticks >> 8));
    // In mode 0 counting starts on the gate's rising edge.
    arch::outb(kSystemControlB, u8((control & ~0x02) | 0x01));
}

bool pit_countdown_done() { return arch::inb(kSystemControlB) & 0x20; }

}  // namespace tk::drivers
