#include "drivers/pci.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {
namespace {

constexpr u16 kConfigAddress = 0xCF8;
constexpr u16 kConfigData = 0xCFC;

u32 address_of(PciAddress a, u8 offset) {
    return 0x80000000u | u32(a.bus) << 16 | u32(a.device) << 11 | u32(a.function) << 8 | (offset & 0xFC);
}

volatile u8* g_ecam = nullptr;
u8 g_ecam_first_bus = 0, g_ecam_last_bus = 0;

// Bus, device and function select a 4 KiB page of the window (7.2.2, Table 7-1).
volatile u32* ecam_register(PciAddress a, u8 offset) {
    u64 at = u64(a.bus - g_ecam_first_bus) << 20 | u64(a.device & 31) << 15 | u64(a.function & 7) << 12 |
             (offset & 0xFCu);
    return reinterpret_cast<volatile u32*>(g_ecam + at);
}

bool ecam_covers(PciAddress a) { return a.bus >= g_ecam_first_bus && a.bus <= g_ecam_last_bus; }

}  // namespace

void pci_use_ecam(volatile u8* window, u8 start_bus, u8 end_bus) {
    g_ecam = window;
    g_ecam_first_bus = start_bus;
    g_ecam_last_bus = end_bus;
}

const char* pci_config_mechanism() { return g_ecam ? "ecam" : "ports"; }

PciBusRange pci_bus_range() { return g_ecam ? PciBusRange{g_ecam_first_bus, g_ecam_last_bus} : PciBusRange{0, 255}; }

u32 pci_read32(PciAddress a, u8 offset) {
    if (g_ecam) return ecam_covers(a) ? *ecam_register(a, offset) : 0xFFFFFFFFu;  // absent, as on the bus
    arch::outl(kConfigAddress, address_of(a, offset));
    return arch::inl(kConfigData);
}

u16 pci_read16(PciAddress a, u8 offset) { return u16(pci_read32(a, offset) >> ((offset & 2) * 8)); }
u8 pci_read8(PciAddress a, u8 offset) { return u8(pci_read32(a, offset) >> ((offset & 3) * 8)); }

void pci_write16(PciAddress a, u8 offset, u16 value) {
    if (g_ecam) {
        // ECAM takes 16-bit writes, so the status register beside the command
        // register (write 1 to clear) is left alone.
        if (ecam_covers(a))
            *reinterpret_cast<volatile u16*>(reinterpret_cast<volatile u8*>(ecam_register(a, offset)) + (offset & 2)) =
                value;
        return;
    }
    u32 word = pci_read32(a, offset);
    u32 shift = (offset & 2) * 8;
    word = (word & ~(0xFFFFu << shift)) | u32(value) << shift;
    arch::outl(kConfigAddress, address_of(a, offset));
    arch::outl(kConfigData, word);
}

u64 pci_bar_address(PciAddress a, u8 index) {
    u8 offset = u8(0x10 + 4 * index);
    u32 low = pci_read32(a, offset);
    if (low & 1) return 0;  // I/O space
    u64 address = low & ~0xFu;
    if (((low >> 1) & 3) == 2) address |= u64(pci_read32(a, u8(offset + 4))) << 32;  // 64-bit
    return address;
}

void pci_enable(PciAddress a) { pci_write16(a, 0x04, u16(pci_read16(a, 0x04) | 0x6)); }

u8 pci_find_capability(PciAddress a, u8 id, u8 start) {
    if (!(pci_read16(a, 0x06) & (1u << 4))) return 0;  // status: capability list present
    u8 next = start ? pci_read8(a, u8(start + 1)) : pci_read8(a, 0x34);
    for (int guard = 0; next >= 0x40 && guard < 48; ++guard) {  // a looped list ends too
        next &= 0xFC;
        if (pci_read8(a, next) == id) return next;
        next = pci_read8(a, u8(next + 1));
    }
    return 0;
}

}  // namespace tk::drivers
