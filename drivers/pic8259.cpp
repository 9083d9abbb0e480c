#include "drivers/pic8259.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {
namespace {

// 8259A datasheet: ICW1-ICW4 initialisation sequence; OCW1 is the mask.
constexpr u16 kMasterCommand = 0x20, kMasterData = 0x21;
constexpr u16 kSlaveCommand = 0xA0, kSlaveData = 0xA1;
constexpr u8 kIcw1Init = 0x11;  // edge triggered, cascade, ICW4 follows
constexpr u8 kIcw4_8086 = 0x01;

}  // namespace

void pic_disable() {
    arch::outb(kMasterCommand, kIcw1Init);
    arch::outb(kSlaveCommand, kIcw1Init);
    arch::outb(kMasterData, kLegacyPicBase);      // ICW2: vector base
    arch::outb(kSlaveData, kLegacyPicBase + 8);
    arch::outb(kMasterData, 0x04);                // ICW3: slave on IRQ 2
    arch::outb(kSlaveData, 0x02);
    arch::outb(kMasterData, kIcw4_8086);
    arch::outb(kSlaveData, kIcw4_8086);
    arch::outb(kMasterData, 0xFF);                // mask every line
    arch::outb(kSlaveData, 0xFF);
}

}  // namespace tk::drivers
