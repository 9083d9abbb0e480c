#include "drivers/pci.h"

#include "arch/x86_64/port_io.h"

namespace tk::drivers {
namespace {

constexpr u16 kConfigAddress = 0xCF8;
constexpr u16 kConfigData = 0xCFC;

u32 address_of(PciAddress a, u8 offset) {
    return 0x80000000u | u32(a.bus) << 16 | u32(a.device) << 11 | u32(a.function) << 8 | (offset & 0xFC);
}

struct EcamWindow {
    volatile u8* bus0;
    u8 first_bus, last_bus;
};
EcamWindow g_ecam[kMaxEcamWindows];
u32 g_ecam_count = 0;

// Bus, device and function select a 4 KiB page of the window (7.2.2, Table
// 7-1); nullptr when no window covers the bus.
volatile u32* ecam_register(PciAddress a, u8 offset) {
    for (u32 i = 0; i < g_ecam_count; ++i) {
        const EcamWindow& w = g_ecam[i];
        if (a.bus < w.first_bus || a.bus > w.last_bus) continue;
        u64 at = u64(a.bus) << 20 | u64(a.device & 31) << 15 | u64(a.function & 7) << 12 | (offset & 0xFCu);
        return reinterpret_cast<volatile u32*>(w.bus0 + at);
    }
    return nullptr;
}

}  // namespace

bool pci_add_ecam_window(volatile u8* bus0, u8 start_bus, u8 end_bus) {
    if (g_ecam_count == kMaxEcamWindows || end_bus < start_bus) return false;
    g_ecam[g_ecam_count++] = EcamWindow{bus0, start_bus, end_bus};
    return true;
}

const char* pci_config_mechanism() { return g_ecam_count ? "ecam" : "ports"; }

PciBusRange pci_bus_range() {
    if (!g_ecam_count) return PciBusRange{0, 255};
    PciBusRange r{255, 0};
    for (u32 i = 0; i < g_ecam_count; ++i) {
        if (g_ecam[i].first_bus < r.first) r.first = g_ecam[i].first_bus;
        if (g_ecam[i].last_bus > r.last) r.last = g_ecam[i].last_bus;
    }
    return r;
}

u32 pci_read32_ports(PciAddress a, u8 offset) {
    arch::outl(kConfigAddress, address_of(a, offset));
    return arch::inl(kConfigData);
}

u32 pci_read32(PciAddress a, u8 offset) {
    if (!g_ecam_count) return pci_read32_ports(a, offset);
    volatile u32* reg = ecam_register(a, offset);
    return reg ? *reg : 0xFFFFFFFFu;  // absent, as a bus answers for a missing device
}

u16 pci_read16(PciAddress a, u8 offset) { return u16(pci_read32(a, offset) >> ((offset & 2) * 8)); }
u8 pci_read8(PciAddress a, u8 offset) { return u8(pci_read32(a, offset) >> ((offset & 3) * 8)); }

void pci_write16(PciAddress a, u8 offset, u16 value) {
    if (g_ecam_count) {
        // ECAM takes 16-bit writes, so the status register beside the command
        // register (write 1 to clear) is left alone.
        if (volatile u32* reg = ecam_register(a, offset))
            *reinterpret_cast<volatile u16*>(reinterpret_cast<volatile u8*>(reg) + (offset & 2)) = value;
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
