#include "drivers/uart16550.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {
namespace {

// Register offsets from the base port (PC16550D datasheet, Table 2).
constexpr u16 kCom1 = 0x3F8;
constexpr u16 kData = 0;            // THR/RBR; divisor low with DLAB=1
constexpr u16 kInterruptEnable = 1; // IER; divisor high with DLAB=1
constexpr u16 kFifoControl = 2;
constexpr u16 kLineControl = 3;
constexpr u16 kModemControl = 4;
constexpr u16 kLineStatus = 5;
constexpr u8 kLineStatusTransmitEmpty = 0x20;  // THRE

}  // namespace

void uart_init() {
    arch::outb(kCom1 + kInterruptEnable, 0x00);  // polled: no interrupts
    arch::outb(kCom1 + kLineControl, 0x80);      // DLAB on
    arch::outb(kCom1 + kData, 0x01);             // divisor 1: 115200 baud
    arch::outb(kCom1 + kInterruptEnable, 0x00);
    arch::outb(kCom1 + kLineControl, 0x03);      // 8N1, DLAB off
    arch::outb(kCom1 + kFifoControl, 0xC7);      // FIFOs on and cleared
    arch::outb(kCom1 + kModemControl, 0x03);     // DTR, RTS
}

void uart_write(const char* bytes, usize length) {
    for (usize i = 0; i < length; ++i) {
        while (!(arch::inb(kCom1 + kLineStatus) & kLineStatusTransmitEmpty)) {
        }
        arch::outb(kCom1 + kData, u8(bytes[i]));
    }
}

}  // namespace tk::drivers
